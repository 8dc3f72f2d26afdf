/** What a bench runner is: something that trains a workload and reports its rate. */
import type { Workload } from '../workloads.ts';

/** One measured run of a prepared workload: its rate in the workload's unit (samples/s or epochs/s). */
export type Measure = () => Promise<number>;

export interface Runner {
  id: string;
  /** Row label, e.g. 'PyTorch 1.13 (1 thread, its default)'. */
  label: string;
  /** Set up a workload (data, model, warm-up run); null when this runner cannot train it. */
  prepare(w: Workload): Promise<Measure | null>;
  close?(): Promise<void>;
}

/** Median of a list (the middle value; the upper middle for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
