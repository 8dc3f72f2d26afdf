/** Epoch points as chart series (pure, unit-tested). */
import type { EpochPoint } from '../../../../src-engine/protocol/api.ts';

export type Xy = { x: number; y: number };
export type Key = 'loss' | 'val_loss' | 'accuracy' | 'val_accuracy';

/** The (epoch, value) pairs of one metric (skipping epochs without it). */
export function seriesOf(points: readonly EpochPoint[], key: Key): Xy[] {
  const out: Xy[] = [];
  for (const p of points) {
    const v = p[key];
    if (v !== undefined && Number.isFinite(v)) out.push({ x: p.epoch, y: v });
  }
  return out;
}
