/**
 * Small sweeps: a grid or a seeded random sample over learning rate, batch size, hidden width and
 * seed, each setting trained as its own run (one after another, in the background). Every result is a
 * run that can be opened as a project, forked or compared.
 */
import type { GraphDoc } from '../graph/document.ts';
import { withRun, type Project } from '../project/project.ts';
import { weightsToJson } from '../project/weights.ts';
import { SeededRng } from '../tensor/rng.ts';
import type { TrainConfig } from '../train/config.ts';
import type { Checkpoint } from '../train/trainer.ts';
import {
  CHECKPOINT_BUDGET,
  checkpointSize,
  checkpointToJson,
  runRecord,
  TrainingSession,
  type SessionData,
  type SessionDeps,
} from '../train/session.ts';
import { MetricHistory, type HistorySnapshot } from '../views/history.ts';

/** Buckets of each sweep run's loss curve (the board's chart is small; 64 runs at most). */
export const SWEEP_CURVE_POINTS = 200;

/** The values to try for each setting (absent: the project's own). */
export interface SweepSpace {
  lr?: number[];
  batchSize?: number[];
  /** Units of every hidden Dense layer. */
  width?: number[];
  seed?: number[];
}

export type SweepSetting = { lr?: number; batchSize?: number; width?: number; seed?: number };

/** At most this many runs in one sweep (each trains to the project's epochs). */
export const MAX_SWEEP_RUNS = 64;

/** Every combination (grid), or `count` of them drawn without repeats from a seeded generator (random). */
export function sweepSettings(space: SweepSpace, mode: 'grid' | 'random', count = 8, seed = 1): SweepSetting[] {
  const keys = (['lr', 'batchSize', 'width', 'seed'] as const).filter((k) => space[k]?.length);
  let grid: SweepSetting[] = [{}];
  for (const k of keys) grid = grid.flatMap((s) => space[k]!.map((v) => ({ ...s, [k]: v })));
  if (mode === 'grid') {
    if (grid.length > MAX_SWEEP_RUNS)
      throw new RangeError(
        `The grid has ${grid.length} settings, more than the ${MAX_SWEEP_RUNS} one sweep may run: take fewer values or a random sample.`,
      );
    return grid;
  }
  const n = Math.min(count, grid.length, MAX_SWEEP_RUNS);
  const rng = new SeededRng(seed);
  const picked = [...grid];
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(picked.length - i);
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.slice(0, n);
}

/**
 * Numbers the checkpoints of all runs of one sweep may hold together: one run's CHECKPOINT_BUDGET,
 * shared evenly among the sweep's runs, so a sweep of 64 runs keeps no more than one trained run.
 */
export const SWEEP_CHECKPOINT_BUDGET = CHECKPOINT_BUDGET;

/** Checkpoints a sweep run aims for when the project sets no interval of its own. */
export const SWEEP_CHECKPOINTS_PER_RUN = 4;

/** Each run's share of SWEEP_CHECKPOINT_BUDGET. */
export function sweepRunBudget(runs: number, budget = SWEEP_CHECKPOINT_BUDGET): number {
  return Math.floor(budget / Math.max(1, runs));
}

/**
 * Epochs between a sweep run's checkpoints: the project's own "Checkpoint every", or else about
 * SWEEP_CHECKPOINTS_PER_RUN evenly spaced over its epochs.
 */
export function sweepCheckpointEvery(config: TrainConfig): number {
  if (config.checkpointEvery > 0) return config.checkpointEvery;
  return Math.max(1, Math.ceil(config.epochs / SWEEP_CHECKPOINTS_PER_RUN));
}

/** The project's graph and settings with one sweep setting applied. */
export function applySetting(
  graph: GraphDoc,
  config: TrainConfig,
  s: SweepSetting,
): { graph: GraphDoc; config: TrainConfig } {
  const g: GraphDoc =
    s.width === undefined
      ? graph
      : {
          ...graph,
          nodes: graph.nodes.map((n) => (n.type === 'Dense' ? { ...n, params: { ...n.params, units: s.width! } } : n)),
        };
  return {
    graph: g,
    config: {
      ...config,
      ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      optimizer: { ...config.optimizer, ...(s.lr !== undefined ? { lr: s.lr } : {}) },
    },
  };
}

export interface SweepResult {
  index: number;
  setting: SweepSetting;
  status: 'waiting' | 'running' | 'done' | 'failed' | 'stopped';
  /** Final metrics (training, validation and test). */
  final: Record<string, number>;
  /**
   * The run's loss and validation loss per epoch, bounded like the loss chart's (at most
   * SWEEP_CURVE_POINTS buckets), so each progress message stays small however long the runs.
   */
  curve: HistorySnapshot;
  /** Epochs of the checkpoints the run keeps (to rewind or fork it once opened). */
  checkpoints: number[];
  /** Why the run keeps fewer checkpoints than it made (the sweep's checkpoint budget), when it does. */
  checkpointNote?: string;
  error?: string;
}

/** A sweep run one setting after another; `results` grows as they finish. */
export class Sweep {
  readonly results: SweepResult[];
  private stopped = false;
  private current: TrainingSession | null = null;
  private readonly projects = new Map<number, Project>();
  /** Each finished run's kept checkpoints (typed arrays: half the memory of their JSON), by run id. */
  private readonly checkpoints = new Map<number, { runId: string; list: Checkpoint[] }>();
  /** Numbers each run's checkpoints may hold (its share of SWEEP_CHECKPOINT_BUDGET). */
  readonly runBudget: number;

  constructor(
    readonly project: Project,
    readonly data: SessionData,
    readonly settings: SweepSetting[],
    /** Numbers all runs' checkpoints may hold together. */
    readonly budget = SWEEP_CHECKPOINT_BUDGET,
  ) {
    this.results = settings.map((setting, index) => ({
      index,
      setting,
      status: 'waiting',
      final: {},
      curve: new MetricHistory(SWEEP_CURVE_POINTS).snapshot(),
      checkpoints: [],
    }));
    this.runBudget = sweepRunBudget(settings.length, budget);
  }

  /** Train every setting in turn; `onProgress` after each epoch batch of news (a run started, an epoch, a run ended). */
  async run(deps: SessionDeps, onProgress: (r: SweepResult) => void): Promise<void> {
    for (const r of this.results) {
      if (this.stopped) {
        r.status = 'stopped';
        onProgress(r);
        continue;
      }
      const { graph, config } = applySetting(this.project.graph, this.project.training, r.setting);
      r.status = 'running';
      onProgress(r);
      const every = sweepCheckpointEvery(config);
      try {
        const session = await TrainingSession.start(deps, {
          graph,
          config: { ...config, checkpointEvery: every },
          checkpointBudget: this.runBudget,
          name: `${this.project.name} (${describeSetting(r.setting)})`,
          data: this.data,
          start: 'fresh',
        });
        this.current = session;
        const curve = new MetricHistory(SWEEP_CURVE_POINTS);
        let made = 0;
        for await (const e of session.events()) {
          if (this.stopped) session.stop();
          if (e.type === 'checkpoint') made++;
          if (e.type === 'epoch') {
            const p = session.snapshot.points.at(-1)!;
            curve.push(p.epoch, { loss: p.loss, val_loss: p.val_loss });
            if (e.epoch % 10 === 9) {
              r.curve = curve.snapshot();
              onProgress(r);
            }
          }
        }
        const record = runRecord(session.snapshot);
        r.final = record.final ?? {};
        r.curve = curve.snapshot();
        r.status = session.snapshot.stopReason === 'stopped' ? 'stopped' : 'done';
        const kept = this.keptCheckpoints(session.snapshot.checkpoints, made, r);
        this.checkpoints.set(r.index, { runId: record.id, list: kept });
        r.checkpoints = kept.map((c) => c.epoch);
        // The project's own checkpoints belong to its run, not this one.
        const { checkpoints: _theirs, ...own } = this.project;
        this.projects.set(r.index, {
          ...own,
          name: session.snapshot.name,
          graph,
          training: { ...config, checkpointEvery: every },
          weights: weightsToJson(session.snapshot.weights),
          ...(this.data.preprocessing ? { preprocessing: this.data.preprocessing } : {}),
          runs: withRun(this.project.runs, record),
        });
      } catch (e) {
        r.status = 'failed';
        r.error = (e as Error).message;
      } finally {
        this.current = null;
      }
      onProgress(r);
    }
  }

  /**
   * The checkpoints a run keeps: the session thinned them to the run's budget but keeps at least
   * one however large; one checkpoint over the budget goes too, so the sweep stays within it.
   */
  private keptCheckpoints(list: Checkpoint[], made: number, r: SweepResult): Checkpoint[] {
    const size = list.reduce((a, c) => a + checkpointSize(c), 0);
    const share = `its share of the sweep's checkpoint budget (${fmt(this.runBudget)} of ${fmt(this.budget)} numbers for ${this.results.length} runs)`;
    if (size > this.runBudget) {
      r.checkpointNote = `No checkpoints kept: one holds ${fmt(checkpointSize(list[0]!))} numbers, more than ${share}. Sweep fewer settings to keep them.`;
      return [];
    }
    if (list.length < made) r.checkpointNote = `Kept ${list.length} of ${made} checkpoints within ${share}.`;
    return list;
  }

  stop(): void {
    this.stopped = true;
    this.current?.stop();
  }

  /** A finished run as a project (to open, fork or compare). */
  resultProject(index: number): Project {
    const p = this.projects.get(index);
    if (!p) throw new RangeError(`Sweep run ${index + 1} has not finished.`);
    const c = this.checkpoints.get(index);
    return c?.list.length ? { ...p, checkpoints: c.list.map((k) => checkpointToJson(k, c.runId)) } : p;
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** "lr 0.01, batch 32": how a setting reads. */
export function describeSetting(s: SweepSetting): string {
  const parts: string[] = [];
  if (s.lr !== undefined) parts.push(`lr ${s.lr}`);
  if (s.batchSize !== undefined) parts.push(`batch ${s.batchSize}`);
  if (s.width !== undefined) parts.push(`width ${s.width}`);
  if (s.seed !== undefined) parts.push(`seed ${s.seed}`);
  return parts.join(', ') || 'as set';
}
