/**
 * The 3-D view: rotatable with the mouse (OrbitControls on the page, where the pointer events are),
 * rendered by a worker (space-3d.worker.ts) into the canvas it is given, so that WebGL, which runs on
 * the CPU on machines without a GPU, never holds up the page. `update` sends the newest view; the
 * worker redraws only when asked, at most once per frame.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { SpaceView } from '../../../../src-engine/protocol/api.ts';
import { CAMERA_FOV, CAMERA_START } from './space-3d-scene.ts';
import type { FromSpaceWorker, ToSpaceWorker } from './space-3d-messages.ts';

export interface Space3d {
  update(view: SpaceView): void;
  /** Follow the canvas's new size (CSS pixels). */
  resize(width: number, height: number): void;
  destroy(): void;
}

/** How the 3-D view's canvas becomes a PNG (its pixels live in the worker). */
const snapshots = new WeakMap<HTMLCanvasElement, () => Promise<Blob>>();

/** The PNG of a 3-D view's canvas, or undefined when the canvas is not one. */
export function spacePng(canvas: HTMLCanvasElement): Promise<Blob> | undefined {
  return snapshots.get(canvas)?.();
}

/**
 * Create the view on a canvas. `onfail` hears why when WebGL is unavailable (there is no 3-D view
 * then); `onready` whether it renders in software.
 */
export function createSpace3d(
  canvas: HTMLCanvasElement,
  dark: boolean,
  onfail: (message: string) => void,
  onready?: (software: boolean) => void,
): Space3d | null {
  if (typeof canvas.transferControlToOffscreen !== 'function' || typeof Worker === 'undefined') {
    onfail('this window cannot draw from a worker (no OffscreenCanvas)');
    return null;
  }
  const width = canvas.clientWidth || 300;
  const height = canvas.clientHeight || 260;
  const offscreen = canvas.transferControlToOffscreen();
  const worker = new Worker(new URL('./space-3d.worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToSpaceWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  const waiting = new Map<number, { resolve: (b: Blob) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.onmessage = (e: MessageEvent<FromSpaceWorker>) => {
    const m = e.data;
    if (m.type === 'failed') onfail(m.message);
    else if (m.type === 'ready') {
      canvas.dataset.renderer = m.software ? 'software' : 'gpu';
      onready?.(m.software);
    } else if (m.type === 'png') {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.blob) w?.resolve(m.blob);
      else w?.reject(new Error(m.message ?? 'The 3-D view could not be read.'));
    }
  };
  worker.onerror = (e) => onfail(e.message || 'the 3-D view stopped');
  send({ type: 'init', canvas: offscreen, dark, width, height, pixelRatio: window.devicePixelRatio || 1 }, [offscreen]);

  // The camera lives here for OrbitControls; the worker copies its place after every move.
  const camera = new THREE.PerspectiveCamera(CAMERA_FOV, width / height, 0.01, 100);
  camera.position.set(...CAMERA_START);
  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = false;
  controls.addEventListener('change', () =>
    send({
      type: 'camera',
      position: camera.position.toArray() as [number, number, number],
      quaternion: camera.quaternion.toArray() as [number, number, number, number],
    }),
  );
  snapshots.set(
    canvas,
    () =>
      new Promise<Blob>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        send({ type: 'png', id });
      }),
  );

  return {
    update(view) {
      send({ type: 'view', view });
    },
    resize(w, h) {
      if (w < 2 || h < 2) return;
      camera.aspect = w / h;
      camera.updateProjectionMatrix();
      send({ type: 'size', width: w, height: h, aspect: w / h });
    },
    destroy() {
      controls.dispose();
      snapshots.delete(canvas);
      for (const w of waiting.values()) w.reject(new Error('The 3-D view was closed.'));
      worker.terminate();
    },
  };
}
