/**
 * The 3-D view's scene (three.js), without a renderer: points of a hidden layer (or of three input
 * features) coloured by class, the next layer's separating plane(s) as translucent polygons, the
 * box's axes. Used by the worker that renders the view (space-3d.worker.ts).
 */
import * as THREE from 'three';
import type { SpaceView } from '../../../../src-engine/protocol/api.ts';
import { CLASS_COLORS } from './colors.ts';

/** Where the camera starts, looking at the origin (the box is normalised to a unit cube around it). */
export const CAMERA_START = [1.25, 0.9, 1.45] as const;
export const CAMERA_FOV = 45;

export function backgroundColor(dark: boolean): string {
  return dark ? '#14171c' : '#f7f8fa';
}

/** Replace the group's children by the view's points, planes and box (disposing the old ones). */
export function fillGroup(group: THREE.Group, view: SpaceView, dark: boolean): void {
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
}
