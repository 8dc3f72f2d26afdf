/**
 * Renders the 3-D view off the page's thread, into the canvas the page transferred (OffscreenCanvas).
 * Where WebGL runs on the CPU (no GPU: SwiftShader, llvmpipe) a frame of it takes 50-110 ms; drawn on
 * the page that was a long task at every update while a model trained (`npm run bench:ui`). Here it
 * costs the page nothing. There it also draws without multisampling at one pixel per CSS pixel and
 * rebuilds the points at most every SOFTWARE_UPDATE_MS while views stream in (the newest view wins).
 */
import * as THREE from 'three';
import { backgroundColor, CAMERA_FOV, CAMERA_START, fillGroup } from './space-3d-scene.ts';
import type { FromSpaceWorker, ToSpaceWorker } from './space-3d-messages.ts';
import type { SpaceView } from '../../../../src-engine/protocol/api.ts';

/** The fewest milliseconds between two geometry rebuilds where WebGL runs in software. */
const SOFTWARE_UPDATE_MS = 500;

/** This worker's scope: the page's typings (DOM) describe a window's postMessage, not a worker's. */
const scope = self as typeof self & { postMessage(message: unknown): void };
const post = (m: FromSpaceWorker) => scope.postMessage(m);

/** Whether WebGL renders on the CPU here, read from the renderer's name. */
function isSoftware(gl: WebGLRenderingContext | WebGL2RenderingContext): boolean {
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(name);
}

/** Probe on a throwaway canvas: a canvas keeps the attributes of its first context. */
function probeSoftware(): boolean {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return false;
  const soft = isSoftware(gl);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return soft;
}

let renderer: THREE.WebGLRenderer | null = null;
/** The canvas the page handed over (the PNG export reads it). */
let target: OffscreenCanvas | null = null;
let software = false;
let dark = false;
const scene = new THREE.Scene();
const camera = new THREE.PerspectiveCamera(CAMERA_FOV, 1, 0.01, 100);
camera.position.set(...CAMERA_START);
camera.lookAt(0, 0, 0);
const group = new THREE.Group();
scene.add(group);

let frame = 0;
/** Render on the next frame (several requests in one frame render once). */
function draw(): void {
  if (!renderer || frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    renderer?.render(scene, camera);
  });
}

let lastBuild = -Infinity;
let pending: SpaceView | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
function build(view: SpaceView): void {
  lastBuild = performance.now();
  fillGroup(group, view, dark);
  draw();
}

function onMessage(m: ToSpaceWorker): void {
  switch (m.type) {
    case 'init': {
      dark = m.dark;
      software = probeSoftware();
      try {
        // preserveDrawingBuffer: the PNG export reads the canvas after the frame that drew it.
        target = m.canvas;
        renderer = new THREE.WebGLRenderer({ canvas: m.canvas, antialias: !software, preserveDrawingBuffer: true });
      } catch (e) {
        post({ type: 'failed', message: (e as Error).message });
        return;
      }
      renderer.setPixelRatio(software ? 1 : Math.min(2, m.pixelRatio));
      renderer.setSize(m.width || 300, m.height || 260, false);
      camera.aspect = (m.width || 300) / (m.height || 260);
      camera.updateProjectionMatrix();
      scene.background = new THREE.Color(backgroundColor(dark));
      post({ type: 'ready', software });
      return;
    }
    case 'view': {
      const wait = software ? lastBuild + SOFTWARE_UPDATE_MS - performance.now() : 0;
      if (wait <= 0) return build(m.view);
      pending = m.view;
      timer ??= setTimeout(() => {
        timer = undefined;
        if (pending) build(pending);
        pending = null;
      }, wait);
      return;
    }
    case 'size':
      if (!renderer || m.width < 2 || m.height < 2) return;
      renderer.setSize(m.width, m.height, false);
      camera.aspect = m.aspect;
      camera.updateProjectionMatrix();
      draw();
      return;
    case 'camera':
      camera.position.set(...m.position);
      camera.quaternion.set(...m.quaternion);
      draw();
      return;
    case 'png': {
      if (!renderer || !target)
        return post({ type: 'png', id: m.id, blob: null, message: 'The 3-D view has no WebGL.' });
      if (pending) build(pending);
      renderer.render(scene, camera);
      target
        .convertToBlob({ type: 'image/png' })
        .then((blob) => post({ type: 'png', id: m.id, blob }))
        .catch((e: Error) => post({ type: 'png', id: m.id, blob: null, message: e.message }));
      return;
    }
  }
}

self.onmessage = (e: MessageEvent<ToSpaceWorker>) => onMessage(e.data);
