/**
 * Hover values for every plot: one tooltip element for the whole page, shown next to the pointer.
 * `hoverTip()` attaches it to an element: the text comes from a lookup (canvas plots: the value under
 * the pointer, found from the frame the plot was drawn in) or, without one, from the `data-tip`
 * attribute of the element under the pointer (table cells, network links, image tiles).
 */
import type { Attachment } from 'svelte/attachments';
import type { PointerAt } from './hit.ts';
import { frameOf } from './plot-canvas.ts';

export { insideFrame, nearestIndex, nearestPoint, PICK_RADIUS } from './hit.ts';

/**
 * Where the pointer is: px, py relative to the element's top-left corner (CSS pixels), and in data
 * coordinates when the element is a framed plot.
 */
export interface HoverAt extends PointerAt {
  /** The element's size on screen (CSS pixels, after any transform). */
  width: number;
  height: number;
  /** Data coordinates under the pointer (NaN without a frame: canvas plots drawn with axes have one). */
  x: number;
  y: number;
  /** The element under the pointer (for `data-tip` lookups). */
  target: Element | null;
}

export type TipLookup = (at: HoverAt) => string | null;

let tipEl: HTMLDivElement | null = null;

function tooltip(): HTMLDivElement {
  if (tipEl?.isConnected) return tipEl;
  const el = document.createElement('div');
  el.dataset.testid = 'plot-tooltip';
  el.setAttribute('role', 'tooltip');
  Object.assign(el.style, {
    position: 'fixed',
    zIndex: '1000',
    pointerEvents: 'none',
    maxWidth: '320px',
    padding: '3px 7px',
    borderRadius: '4px',
    font: '11px/1.35 system-ui, sans-serif',
    whiteSpace: 'pre-line',
    background: 'var(--card, #fff)',
    color: 'var(--text, #111)',
    border: '1px solid var(--border, #ccc)',
    boxShadow: '0 2px 8px rgb(0 0 0 / 0.2)',
    display: 'none',
  });
  document.body.appendChild(el);
  tipEl = el;
  return el;
}

function show(text: string, clientX: number, clientY: number): void {
  const el = tooltip();
  el.textContent = text;
  el.style.display = 'block';
  // Below-right of the pointer, kept inside the window.
  const w = el.offsetWidth;
  const h = el.offsetHeight;
  const x = clientX + 14 + w > window.innerWidth ? clientX - 10 - w : clientX + 14;
  const y = clientY + 16 + h > window.innerHeight ? clientY - 10 - h : clientY + 16;
  el.style.left = `${Math.max(0, x)}px`;
  el.style.top = `${Math.max(0, y)}px`;
}

function hide(): void {
  if (tipEl) tipEl.style.display = 'none';
}

/** The `data-tip` of the element under the pointer or its nearest ancestor that has one. */
export const dataTip: TipLookup = (at) => at.target?.closest('[data-tip]')?.getAttribute('data-tip') ?? null;

/** Attach hover values to an element: `lookup` (default: `data-tip`) says what to show at the pointer. */
export function hoverTip(lookup: TipLookup = dataTip): Attachment<HTMLElement | SVGElement> {
  return (el) => {
    const move = (e: PointerEvent) => {
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      const frame = el instanceof HTMLCanvasElement ? (frameOf(el) ?? null) : null;
      const text = lookup({
        px,
        py,
        width: r.width,
        height: r.height,
        x: frame ? frame.vx(px) : NaN,
        y: frame ? frame.vy(py) : NaN,
        frame,
        target: e.target instanceof Element ? e.target : null,
      });
      if (text) show(text, e.clientX, e.clientY);
      else hide();
    };
    el.addEventListener('pointermove', move as EventListener);
    el.addEventListener('pointerleave', hide);
    return () => {
      el.removeEventListener('pointermove', move as EventListener);
      el.removeEventListener('pointerleave', hide);
      hide();
    };
  };
}
