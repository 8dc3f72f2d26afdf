/** What the page and the 3-D view's worker (space-3d.worker.ts) say to each other. */
import type { SpaceView } from '../../../../src-engine/protocol/api.ts';

export type ToSpaceWorker =
  | { type: 'init'; canvas: OffscreenCanvas; dark: boolean; width: number; height: number; pixelRatio: number }
  | { type: 'view'; view: SpaceView }
  | { type: 'size'; width: number; height: number; aspect: number }
  /** The page's camera after a drag or a wheel turn (OrbitControls run on the page, where the events are). */
  | { type: 'camera'; position: [number, number, number]; quaternion: [number, number, number, number] }
  | { type: 'png'; id: number };

export type FromSpaceWorker =
  | { type: 'ready'; software: boolean }
  | { type: 'failed'; message: string }
  | { type: 'png'; id: number; blob: Blob | null; message?: string };
