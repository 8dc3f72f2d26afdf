/**
 * The legend of the point plots (decision boundary, projection), and where it goes, so that it hides
 * as few points as the space allows:
 * - `right`: beside the plot, where the canvas is wider than tall by at least the legend's width;
 * - `inside`: a box in the plot's top-right corner, where that covers at most LEGEND_SHARE of the plot;
 * - `above`: a band over the plot, its entries side by side (a small, narrow plot: at 1024 × 700 the
 *   boundary plot is about 180 px square, and a box of three classes and two markers hid a third of it).
 */
import { frameFor, type Frame } from './scale.ts';

/** An entry: its text and its mark, drawn centred at (x, y) with radius r. */
export interface LegendEntry {
  label: string;
  mark: (ctx: CanvasRenderingContext2D, x: number, y: number, r: number) => void;
}

/** The largest share of the plot area a legend box may cover before it moves above the plot. */
export const LEGEND_SHARE = 0.1;

/** Room (CSS pixels) a square plot's canvas may take beside it for its legend. */
export const LEGEND_ROOM = 150;

export type LegendPlace = 'right' | 'inside' | 'above';

export interface PlacedLegend {
  /** The plot area, beside or below the legend where the legend is outside it. */
  frame: Frame;
  place: LegendPlace;
  /** Draw the legend (after the plot, so that a box inside it stays on top). */
  draw: () => void;
}

/**
 * Lay out a legend for a w × h plot over ranges x and y. Many entries (over six) take two columns in
 * a box; in the band above, entries run left to right and wrap.
 */
export function placeLegend(
  ctx: CanvasRenderingContext2D,
  w: number,
  h: number,
  x: [number, number],
  y: [number, number],
  entries: LegendEntry[],
  dark: boolean,
  font: number,
  markRadius: number,
): PlacedLegend {
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  const widths = entries.map((e) => ctx.measureText(e.label).width);
  ctx.restore();
  const line = font * 1.35;
  const inner = frameFor(w, h, x, y, font);
  const cols = entries.length > 6 ? 2 : 1;
  const perCol = Math.ceil(entries.length / cols);
  const colWidth = Math.max(0, ...widths) + font * 2.8;
  const boxW = cols * colWidth;
  const boxH = perCol * line + font * 0.5;
  const text = dark ? '#e6e9ef' : '#1d2330';
  const entry = (k: number, ex: number, cy: number) => {
    entries[k]!.mark(ctx, ex + font, cy, markRadius);
    ctx.fillStyle = text;
    ctx.fillText(entries[k]!.label, ex + font * 2, cy);
  };
  const withFont = (body: () => void) => () => {
    if (!entries.length) return;
    ctx.save();
    ctx.font = `${font}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    body();
    ctx.restore();
  };
  const box = (x0: number, y0: number, background: boolean) =>
    withFont(() => {
      if (background) {
        ctx.fillStyle = dark ? 'rgb(24 28 36 / 0.82)' : 'rgb(255 255 255 / 0.85)';
        ctx.strokeStyle = dark ? 'rgb(255 255 255 / 0.15)' : 'rgb(0 0 0 / 0.15)';
        ctx.lineWidth = 1;
        ctx.fillRect(x0, y0, boxW, boxH);
        ctx.strokeRect(x0, y0, boxW, boxH);
      }
      entries.forEach((_, k) =>
        entry(k, x0 + Math.floor(k / perCol) * colWidth, y0 + font * 0.25 + line * ((k % perCol) + 0.5)),
      );
    });
  if (!entries.length) return { frame: inner, place: 'inside', draw: () => {} };
  if (w - h >= boxW + font * 1.5 && boxH <= inner.height) {
    const frame = frameFor(w, h, x, y, font, { right: Math.round(boxW + font * 1.6) });
    return { frame, place: 'right', draw: box(frame.left + frame.width + font * 0.6, frame.top, false) };
  }
  if (boxW * boxH <= LEGEND_SHARE * inner.width * inner.height)
    return {
      frame: inner,
      place: 'inside',
      draw: box(inner.left + inner.width - boxW - font * 0.4, inner.top + font * 0.4, true),
    };
  // The band: entries left to right from the plot's left edge, wrapping at the canvas's right edge.
  const gap = font * 0.6;
  const spots: { k: number; x: number; row: number }[] = [];
  let cx = inner.left - font * 0.6;
  let row = 0;
  widths.forEach((wd, k) => {
    const need = wd + font * 2.2;
    if (spots.length && cx + need > w - font * 0.4) {
      row++;
      cx = inner.left - font * 0.6;
    }
    spots.push({ k, x: cx, row });
    cx += need + gap;
  });
  const band = (row + 1) * line + font * 0.4;
  const frame = frameFor(w, h, x, y, font, { top: Math.round(band + font * 0.6) });
  return {
    frame,
    place: 'above',
    draw: withFont(() => spots.forEach((s) => entry(s.k, s.x, font * 0.3 + line * (s.row + 0.5)))),
  };
}
