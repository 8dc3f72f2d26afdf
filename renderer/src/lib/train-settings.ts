/** The training panel's settings and the small sums behind its progress line (pure, unit-tested). */
import type { EpochPoint, TrainConfig } from '../../../src-engine/protocol/api.ts';

/** The settings the panel edits (the rest of the project's TrainConfig is kept as it is). */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  optimizer: TrainConfig['optimizer']['name'];
  lr: number;
  seed: number;
  l2: number;
  validationSplit: number;
  backend: 'ts' | 'ort';
  ep: string;
}

export interface PastRun {
  id: string;
  label: string;
  points: EpochPoint[];
}

/** Seconds left at the current pace, or null before there is a pace. */
export function timeLeft(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || elapsedMs <= 0 || total <= done) return done >= total && total > 0 ? 0 : null;
  return ((total - done) * elapsedMs) / done / 1000;
}

/** Settings from a project's training config. */
export function settingsOf(c: TrainConfig): TrainSettings {
  return { epochs: c.epochs, batchSize: c.batchSize, optimizer: c.optimizer.name, lr: c.optimizer.lr, seed: c.seed, l2: c.l2, validationSplit: c.validationSplit, backend: c.backend, ep: 'cpu' };
}

/** The project's config with the panel's settings applied. */
export function applySettings(c: TrainConfig, s: TrainSettings): TrainConfig {
  return { ...c, epochs: s.epochs, batchSize: s.batchSize, optimizer: { ...c.optimizer, name: s.optimizer, lr: s.lr }, seed: s.seed, l2: s.l2, validationSplit: s.validationSplit, backend: s.backend };
}

