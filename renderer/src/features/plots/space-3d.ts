/**
 * The 3-D view (three.js): points of a hidden layer (or of three input features) coloured by class,
 * the next layer's separating plane(s) as translucent polygons, the box's axes; rotatable with the
 * mouse (OrbitControls). `update` replaces the geometry; the renderer redraws only when asked, at most
 * once per frame.
 *
 * Where WebGL runs in software (no GPU: SwiftShader), every frame is rendered on the CPU and the page
 * waits for it when it composites, so there the view draws without multisampling at one pixel per CSS
 * pixel, and rebuilds its points at most every `SOFTWARE_UPDATE_MS` while a run streams new views
 * (the newest view always wins; `npm run bench:ui` measured 90-230 ms frames before).
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { SpaceView } from '../../../../src-engine/protocol/api.ts';
import { CLASS_COLORS } from './colors.ts';

export interface Space3d {
  update(view: SpaceView): void;
  /** Follow the canvas's new size (CSS pixels). */
  resize(width: number, height: number): void;
  destroy(): void;
}

/** The fewest milliseconds between two geometry rebuilds where WebGL runs in software. */
export const SOFTWARE_UPDATE_MS = 500;

let softwareWebgl: boolean | undefined;

/**
 * Whether WebGL renders on the CPU here (SwiftShader, llvmpipe, lavapipe, Microsoft's Basic Render
 * Driver), asked once per page of a throwaway canvas: a canvas keeps the attributes of its first context.
 */
function webglIsSoftware(): boolean {
  if (softwareWebgl !== undefined) return softwareWebgl;
  const gl =
    document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return (softwareWebgl = false);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return (softwareWebgl = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(name));
}

/** A renderer (null where WebGL is missing), and whether WebGL runs in software here. */
function makeRenderer(canvas: HTMLCanvasElement): { renderer: THREE.WebGLRenderer; software: boolean } | null {
  const software = webglIsSoftware();
  try {
    // Multisampling on the CPU costs most of a frame. preserveDrawingBuffer: the PNG export reads
    // the canvas outside the frame that drew it.
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: !software, preserveDrawingBuffer: true });
    return { renderer, software };
  } catch {
    return null;
  }
}

/** Create the view on a canvas; null when WebGL is unavailable. */
export function createSpace3d(canvas: HTMLCanvasElement, dark: boolean): Space3d | null {
  const made = makeRenderer(canvas);
  if (!made) return null;
  const { renderer, software } = made;
  canvas.dataset.renderer = software ? 'software' : 'gpu';
  renderer.setPixelRatio(software ? 1 : Math.min(2, window.devicePixelRatio));
  renderer.setSize(canvas.clientWidth || 300, canvas.clientHeight || 260, false);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(dark ? '#14171c' : '#f7f8fa');
  const camera = new THREE.PerspectiveCamera(45, (canvas.clientWidth || 300) / (canvas.clientHeight || 260), 0.01, 100);
  camera.position.set(1.25, 0.9, 1.45);
  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = false;
  const group = new THREE.Group();
  scene.add(group);
  let frame = 0;
  /** Render on the next frame (several requests in one frame render once). */
  const draw = () => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), renderer.render(scene, camera)));
  };
  controls.addEventListener('change', draw);
  let lastBuild = -Infinity;
  let pending: SpaceView | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function build(view: SpaceView): void {
    lastBuild = performance.now();
    for (const child of [...group.children]) {
      group.remove(child);
      const m = child as THREE.Mesh;
      m.geometry?.dispose();
      (m.material as THREE.Material | undefined)?.dispose();
    }
    // Normalise the box to a unit cube around the origin so the camera fits any scale.
    const { min, max } = view.box;
    const span = Math.max(1e-6, max[0] - min[0], max[1] - min[1], max[2] - min[2]);
    const cx = (min[0] + max[0]) / 2;
    const cy = (min[1] + max[1]) / 2;
    const cz = (min[2] + max[2]) / 2;
    const norm = (x: number, y: number, z: number) => [(x - cx) / span, (z - cz) / span, (y - cy) / span] as const;
    const n = view.labels.length;
    const pos = new Float32Array(n * 3);
    const col = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const p = norm(view.points[i * 3]!, view.points[i * 3 + 1]!, view.points[i * 3 + 2]!);
      pos.set(p, i * 3);
      const c = CLASS_COLORS[view.labels[i]! % CLASS_COLORS.length]!;
      col.set([c[0] / 255, c[1] / 255, c[2] / 255], i * 3);
    }
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
    g.setAttribute('color', new THREE.BufferAttribute(col, 3));
    group.add(new THREE.Points(g, new THREE.PointsMaterial({ size: 0.03, vertexColors: true })));
    for (const poly of view.planes) {
      const k = poly.length / 3;
      if (k < 3) continue;
      const verts: number[] = [];
      const p0 = norm(poly[0]!, poly[1]!, poly[2]!);
      for (let j = 1; j + 1 < k; j++)
        verts.push(
          ...p0,
          ...norm(poly[j * 3]!, poly[j * 3 + 1]!, poly[j * 3 + 2]!),
          ...norm(poly[j * 3 + 3]!, poly[j * 3 + 4]!, poly[j * 3 + 5]!),
        );
      const pg = new THREE.BufferGeometry();
      pg.setAttribute('position', new THREE.Float32BufferAttribute(verts, 3));
      group.add(
        new THREE.Mesh(
          pg,
          new THREE.MeshBasicMaterial({
            color: dark ? 0xdddddd : 0x333333,
            transparent: true,
            opacity: 0.25,
            side: THREE.DoubleSide,
            depthWrite: false,
          }),
        ),
      );
    }
    const box = new THREE.BoxGeometry((max[0] - min[0]) / span, (max[2] - min[2]) / span, (max[1] - min[1]) / span);
    group.add(
      new THREE.LineSegments(
        new THREE.EdgesGeometry(box),
        new THREE.LineBasicMaterial({ color: dark ? 0x666666 : 0xaaaaaa }),
      ),
    );
    box.dispose();
    draw();
  }

  return {
    update(view) {
      const wait = software ? lastBuild + SOFTWARE_UPDATE_MS - performance.now() : 0;
      if (wait <= 0) return build(view);
      pending = view;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending) build(pending);
        pending = null;
      }, wait);
    },
    resize(width, height) {
      if (width < 2 || height < 2) return;
      renderer.setSize(width, height, false);
      camera.aspect = width / height;
      camera.updateProjectionMatrix();
      draw();
    },
    destroy() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      controls.dispose();
      renderer.dispose();
    },
  };
}
