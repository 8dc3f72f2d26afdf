/**
 * When a run has diverged: a loss or weight that is no longer a finite number, or a loss that
 * explodes — far above its best, or rising epoch after epoch well above it. The trainer asks after
 * every epoch and rolls back to the best weights it kept (never non-finite ones).
 */

/** An epoch loss this many times the reference has exploded. */
export const EXPLODE_FACTOR = 10;
/** A loss that rose this many epochs in a row... */
export const RISING_EPOCHS = 5;
/** ...and is this many times the reference is climbing away. */
export const RISING_FACTOR = 2;
/** The reference never drops below this fraction of the untrained loss (tiny losses near zero are noisy). */
const FLOOR = 0.1;

/** The best epoch so far: its mean training loss (epoch 0: the untrained loss of the first batch). */
export interface BestEpoch {
  epoch: number;
  loss: number;
}

export interface DivergenceWatchState {
  best: BestEpoch;
  initial: number;
  previous: number;
  rising: number;
}

/** Watches epoch losses; `check` says why the run diverged, or null while it has not. */
export class DivergenceWatch {
  private best: BestEpoch;
  private readonly initial: number;
  private previous: number;
  private rising = 0;

  /** `initialLoss`: the loss of the untrained network (the first batch's, before its update). */
  constructor(initialLoss: number) {
    this.initial = initialLoss;
    this.best = { epoch: 0, loss: initialLoss };
    this.previous = initialLoss;
  }

  /** What the watch remembers (a checkpoint keeps it, so a replay judges as the original run did). */
  getState(): DivergenceWatchState {
    return { best: { ...this.best }, initial: this.initial, previous: this.previous, rising: this.rising };
  }

  /** A watch continuing from a saved state. */
  static fromState(s: DivergenceWatchState): DivergenceWatch {
    const w = new DivergenceWatch(s.initial);
    w.best = { ...s.best };
    w.previous = s.previous;
    w.rising = s.rising;
    return w;
  }

  /** The epoch whose weights are the ones to keep (0: the initial weights). */
  get bestEpoch(): BestEpoch {
    return this.best;
  }

  /**
   * The mean training loss of epoch `epoch` (1-based). Returns what went wrong when the loss has
   * exploded, else null; a new best is remembered (the caller keeps its weights).
   */
  check(epoch: number, loss: number): string | null {
    if (!Number.isFinite(loss)) return `the loss became ${loss}`;
    const ref = Math.max(this.best.loss, FLOOR * this.initial);
    this.rising = loss > this.previous ? this.rising + 1 : 0;
    this.previous = loss;
    if (ref > 0 && loss > EXPLODE_FACTOR * ref)
      return `the loss exploded to ${fmt(loss)}, over ${EXPLODE_FACTOR} times its best (${fmt(this.best.loss)})`;
    if (ref > 0 && this.rising >= RISING_EPOCHS && loss > RISING_FACTOR * ref)
      return `the loss rose for ${this.rising} epochs in a row, to ${fmt(loss)} (its best was ${fmt(this.best.loss)})`;
    if (loss < this.best.loss) this.best = { epoch, loss };
    return null;
  }

  /** Whether `epoch` just became the best (its weights are the ones to keep). */
  isBest(epoch: number): boolean {
    return this.best.epoch === epoch;
  }
}

/** A loss for a message: 4 significant digits. */
function fmt(v: number): string {
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
