/** A one-line progress bar for the terminal (redrawn in place on a TTY, printed every few seconds otherwise). */
import type { CliIo } from './types.ts';

export class ProgressBar {
  private lastPrint = 0;
  constructor(
    private readonly io: CliIo,
    private readonly total: number,
    private readonly width = 24,
  ) {}

  /** Show progress `done` of `total` with a trailing status text. */
  update(done: number, status: string, force = false): void {
    const now = Date.now();
    const interval = this.io.isTty ? 100 : 2000;
    if (!force && now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const frac = Math.min(1, done / Math.max(1, this.total));
    const filled = Math.round(frac * this.width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}% ${status}`;
    this.io.err(this.io.isTty ? `\r\x1b[2K${bar}` : `${bar}\n`);
  }

  /** End the bar's line. */
  finish(): void {
    if (this.io.isTty) this.io.err('\n');
  }
}
