/**
 * The workspace around the project: which view is maximised, whether the minimap and the dock show,
 * the Help panel and the first-start hint, and the panes' starting sizes (the split-pane library
 * remembers sizes the user drags). What should outlast a reload is kept in localStorage.
 */

/** The views that can be maximised to the whole work area. */
export type Region = 'canvas' | 'data' | 'training' | 'loss' | 'views';

export const REGION_TITLES: Record<Region, string> = {
  canvas: 'Network',
  data: 'Data',
  training: 'Training',
  loss: 'Loss and accuracy',
  views: 'Views',
};

/** localStorage keys of the pane groups' remembered sizes (paneforge's autoSaveId). */
export const PANE_GROUPS = [
  'netwright.panes.rows',
  'netwright.panes.main',
  'netwright.panes.dock',
  'netwright.panes.plots',
];

const MINIMAP_KEY = 'netwright.minimap';
const HINT_KEY = 'netwright.hint-seen';

/** Pixel sizes as percentages of a length, within [lo, hi] percent. */
const pct = (px: number, of: number, lo = 2, hi = 80) => Math.min(hi, Math.max(lo, (px / Math.max(1, of)) * 100));

/**
 * Starting sizes (percent) for a window: the palette and inspector keep about their pixel widths,
 * the dock takes more of a tall window (so plots grow with it), the data and training panels keep
 * readable widths and the plots take the rest. Minimums keep every pane usable at 1024 × 700.
 * Sizes are worked out for a few window classes, not every width: the split-pane library files the
 * remembered sizes under the panes' limits, so these must not change when the window does a little.
 */
export function paneSizes(windowWidth: number, windowHeight: number) {
  const width = [1024, 1280, 1700, 2400, 3200].filter((w) => w <= windowWidth).at(-1) ?? 1024;
  const height = [700, 850, 1000, 1400].filter((h) => h <= windowHeight).at(-1) ?? 700;
  const work = height - 66;
  const palette = pct(Math.min(260, Math.max(200, width * 0.15)), width, 5, 30);
  const inspector = pct(Math.min(300, Math.max(230, width * 0.16)), width, 5, 35);
  const data = pct(Math.min(320, Math.max(240, width * 0.17)), width, 10, 40);
  const training = pct(Math.min(320, Math.max(240, width * 0.17)), width, 10, 40);
  const dock = height >= 1000 ? 52 : height >= 850 ? 48 : 45;
  return {
    main: {
      palette,
      inspector,
      canvas: 100 - palette - inspector,
      paletteMin: pct(150, width),
      inspectorMin: pct(200, width),
      canvasMin: pct(300, width),
    },
    rows: { dock, main: 100 - dock, dockMin: pct(140, work, 5, 60), mainMin: pct(200, work, 5, 80) },
    dock: {
      data,
      training,
      plots: 100 - data - training,
      dataMin: pct(190, width),
      trainingMin: pct(210, width),
      plotsMin: pct(300, width),
    },
    plots: { loss: 40, views: 60, min: 15 },
  };
}

function stored(key: string, fallback: boolean): boolean {
  const v = localStorage.getItem(key);
  return v === null ? fallback : v === 'true';
}

export class WorkspaceState {
  #maximized = $state<Region | null>(null);
  #minimap = $state(stored(MINIMAP_KEY, true));
  #dockOpen = $state(true);
  #helpOpen = $state(false);
  #hint = $state(!stored(HINT_KEY, false));
  #recentMenu = $state(false);
  /** Changes when the pane sizes are reset, so the pane groups start over. */
  #layoutVersion = $state(0);
  /** Starting sizes for this window (read once: the panes remember what the user drags). */
  readonly sizes = paneSizes(window.innerWidth, window.innerHeight);
  /** The dock pane's controls, lent by the App (the split-pane library collapses and expands it). */
  dockPane: { collapse(): void; expand(): void } | null = null;

  get maximized(): Region | null {
    return this.#maximized;
  }
  get minimap(): boolean {
    return this.#minimap;
  }
  get dockOpen(): boolean {
    return this.#dockOpen;
  }
  get helpOpen(): boolean {
    return this.#helpOpen;
  }
  get hint(): boolean {
    return this.#hint;
  }
  get recentMenu(): boolean {
    return this.#recentMenu;
  }
  get layoutVersion(): number {
    return this.#layoutVersion;
  }

  /** Maximise a view to the whole work area, or restore it when it is maximised already. */
  toggleMaximized(region: Region): void {
    this.#maximized = this.#maximized === region ? null : region;
  }

  /** Restore a maximised view; false when none was. */
  restore(): boolean {
    if (!this.#maximized) return false;
    this.#maximized = null;
    return true;
  }

  toggleMinimap(): void {
    this.#minimap = !this.#minimap;
    localStorage.setItem(MINIMAP_KEY, String(this.#minimap));
  }

  /** Show or hide the data, training and plots dock. */
  toggleDock(): void {
    // Decided before the library moves the pane: its resize report (dockChanged) may come at once,
    // and toggling after it would undo it (the dock expanded but its content stayed hidden).
    const open = !this.#dockOpen;
    this.#dockOpen = open;
    if (open) this.dockPane?.expand();
    else this.dockPane?.collapse();
  }

  /** The split-pane library reports the dock's state (a drag can collapse it too). */
  dockChanged(open: boolean): void {
    this.#dockOpen = open;
  }

  setHelp(open: boolean): void {
    this.#helpOpen = open;
    if (open) this.dismissHint();
  }

  dismissHint(): void {
    this.#hint = false;
    localStorage.setItem(HINT_KEY, 'true');
  }

  setRecentMenu(open: boolean): void {
    this.#recentMenu = open;
  }

  /** Forget the dragged pane sizes and start from the window's defaults. */
  resetLayout(): void {
    for (const k of PANE_GROUPS) localStorage.removeItem(`paneforge:${k}`);
    this.#maximized = null;
    this.#dockOpen = true;
    this.#layoutVersion++;
  }
}
