/** The training panel's settings and the small sums behind its progress line (pure, unit-tested). */
import type { HistorySnapshot, TrainConfig } from '../../../src-engine/protocol/api.ts';

/** The settings the panel edits (the rest of the project's TrainConfig is kept as it is). */
export interface TrainSettings {
  epochs: number;
  batchSize: number;
  optimizer: TrainConfig['optimizer']['name'];
  lr: number;
  seed: number;
  l1: number;
  l2: number;
  clipNorm: number;
  /** momentum and nesterov */
  momentum: number;
  /** adam and adamw */
  beta1: number;
  beta2: number;
  schedule: TrainConfig['schedule']['kind'];
  backend: TrainConfig['backend'];
  ep: string;
}

export interface PastRun {
  id: string;
  label: string;
  /** Its metrics, compacted (at most OVERLAY_POINTS buckets a series). */
  history: HistorySnapshot;
  /** The data the run trained on (the DataChoice as JSON); null when not known (saved runs). */
  data: string | null;
  /** Its colour on the loss chart. */
  color: string;
  hidden: boolean;
}

/** Colours of earlier runs on the loss chart (apart from the current run's series colours). */
export const RUN_COLORS = ['#7a5af8', '#0096a0', '#c5a000', '#cc3733', '#8c783c', '#5a5a5a'] as const;

/** Earlier runs worth overlaying: not hidden, and (unless asked for all) trained on the same data. */
export function overlaid(past: readonly PastRun[], data: string | null, otherData: boolean): PastRun[] {
  return past.filter((r) => !r.hidden && (otherData || r.data === null || data === null || r.data === data));
}

/** Seconds left at the current pace, or null before there is a pace. */
export function timeLeft(done: number, total: number, elapsedMs: number): number | null {
  if (done <= 0 || elapsedMs <= 0 || total <= done) return done >= total && total > 0 ? 0 : null;
  return ((total - done) * elapsedMs) / done / 1000;
}

/** Settings from a project's training config. */
export function settingsOf(c: TrainConfig): TrainSettings {
  const o = c.optimizer;
  return {
    epochs: c.epochs,
    batchSize: c.batchSize,
    optimizer: o.name,
    lr: o.lr,
    seed: c.seed,
    l1: c.l1,
    l2: c.l2,
    clipNorm: c.clipNorm,
    momentum: o.momentum,
    beta1: o.beta1,
    beta2: o.beta2,
    schedule: c.schedule.kind,
    backend: c.backend,
    ep: 'cpu',
  };
}

/**
 * The project's config with the panel's settings applied. The validation share is the data panel's
 * split (the one place for it): the trainer carves it from built-in data; a file is split when it is
 * prepared, so then the trainer gets 0.
 */
export function applySettings(c: TrainConfig, s: TrainSettings, validationSplit = c.validationSplit): TrainConfig {
  // A step schedule keeps its own settings when it was one already; a new one halves the rate four times.
  const schedule: TrainConfig['schedule'] =
    s.schedule === c.schedule.kind
      ? c.schedule
      : s.schedule === 'step'
        ? { kind: 'step', everyEpochs: Math.max(1, Math.round(s.epochs / 4)), factor: 0.5 }
        : s.schedule === 'cosine'
          ? { kind: 'cosine', minLr: 0 }
          : { kind: 'constant' };
  return {
    ...c,
    epochs: s.epochs,
    batchSize: s.batchSize,
    optimizer: { ...c.optimizer, name: s.optimizer, lr: s.lr, momentum: s.momentum, beta1: s.beta1, beta2: s.beta2 },
    seed: s.seed,
    l1: s.l1,
    l2: s.l2,
    clipNorm: s.clipNorm,
    schedule,
    validationSplit,
    backend: s.backend,
  };
}
