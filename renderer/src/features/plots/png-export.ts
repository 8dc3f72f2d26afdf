/**
 * Views as PNG at twice their size on screen, axes and legends included: canvas plots are drawn again
 * by their registered drawing function (./plot-canvas.ts), the loss chart by Chart.js at device pixel
 * ratio 2, and the network view as its whole diagram (links, units, unit maps and the weight legend).
 */
import { Chart } from 'chart.js';
import { safeFileName } from '../../../../src-engine/protocol/file-name.ts';
import { NEGATIVE, POSITIVE } from './colors.ts';
import { drawerOf } from './plot-canvas.ts';
import { context2d } from './context-2d.ts';
import { spacePng } from './space-3d.ts';

const SCALE = 2;

/** A file name for a view's PNG: the project's name and the view's. */
export function pngName(project: string, view: string): string {
  return `${safeFileName(project, 'netwright')} - ${safeFileName(view, 'view')}.png`;
}

function background(el: Element): string {
  const card = getComputedStyle(el).getPropertyValue('--card').trim();
  return card || '#ffffff';
}

/** Canvas plots with drawing functions, side by side at twice their size. */
function composePlots(el: HTMLElement, canvases: HTMLCanvasElement[]): HTMLCanvasElement {
  const sizes = canvases.map((c) => c.getBoundingClientRect());
  const gap = 12;
  const w = sizes.reduce((a, s) => a + s.width, 0) + gap * (canvases.length - 1);
  const h = Math.max(...sizes.map((s) => s.height));
  const out = document.createElement('canvas');
  out.width = Math.round(w * SCALE);
  out.height = Math.round(h * SCALE);
  const ctx = context2d(out);
  ctx.fillStyle = background(el);
  ctx.fillRect(0, 0, out.width, out.height);
  let x = 0;
  canvases.forEach((c, i) => {
    const s = sizes[i]!;
    ctx.setTransform(SCALE, 0, 0, SCALE, x * SCALE, 0);
    drawerOf(c)!(ctx, s.width, s.height);
    x += s.width + gap;
  });
  return out;
}

/** The Chart.js chart on a canvas, drawn again at pixel ratio 2. */
function chartPng(canvas: HTMLCanvasElement): HTMLCanvasElement | null {
  const chart = Chart.getChart(canvas);
  if (!chart) return null;
  const before = chart.options.devicePixelRatio;
  chart.options.devicePixelRatio = SCALE;
  chart.resize();
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = context2d(out);
  ctx.fillStyle = background(canvas);
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  chart.options.devicePixelRatio = before;
  chart.resize();
  return out;
}

/** The network diagram: its SVG (styles inlined), the unit maps on top, and the weight legend under it. */
async function networkPng(net: HTMLElement): Promise<HTMLCanvasElement> {
  const svg = net.querySelector('svg')!;
  const w = svg.width.baseVal.value;
  const h = svg.height.baseVal.value;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = svg.querySelectorAll('*');
  clone.querySelectorAll('*').forEach((node, i) => {
    const cs = getComputedStyle(live[i]!);
    const el = node as SVGElement;
    for (const p of ['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'font-size', 'font-family'])
      el.style.setProperty(p, cs.getPropertyValue(p));
  });
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  const img = new Image();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('The network diagram could not be drawn as an image.'));
    img.src = url;
  });
  URL.revokeObjectURL(url);
  const legendH = 28;
  const out = document.createElement('canvas');
  out.width = Math.round(w * SCALE);
  out.height = Math.round((h + legendH) * SCALE);
  const ctx = context2d(out);
  ctx.fillStyle = background(net);
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
  ctx.drawImage(img, 0, 0, w, h);
  ctx.imageSmoothingEnabled = false;
  for (const c of net.querySelectorAll<HTMLCanvasElement>(':scope > canvas'))
    ctx.drawImage(c, parseFloat(c.style.left), parseFloat(c.style.top), c.width, c.height);
  ctx.imageSmoothingEnabled = true;
  // The weight legend.
  const text = getComputedStyle(net).getPropertyValue('--muted').trim() || '#475467';
  const y = h + legendH / 2;
  const g = ctx.createLinearGradient(60, 0, 160, 0);
  g.addColorStop(0, `rgb(${NEGATIVE.join(',')})`);
  g.addColorStop(0.5, '#ffffff');
  g.addColorStop(1, `rgb(${POSITIVE.join(',')})`);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = text;
  ctx.fillText('weight', 10, y);
  ctx.fillStyle = g;
  ctx.fillRect(60, y - 5, 100, 10);
  ctx.fillStyle = text;
  ctx.fillText('negative … 0 … positive', 168, y);
  return out;
}

function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error ?? new Error('The image could not be read.'));
    r.readAsDataURL(blob);
  });
}

/** The PNG (as a data URL) of the view inside `el`, or null when it has nothing to draw. */
export async function viewPng(el: HTMLElement): Promise<string | null> {
  const net = el.querySelector<HTMLElement>('[data-testid="network-view"]');
  if (net) return (await networkPng(net)).toDataURL('image/png');
  const plots = [...el.querySelectorAll<HTMLCanvasElement>('canvas[data-png]')].filter(
    (c) => drawerOf(c) && c.getBoundingClientRect().width > 0,
  );
  if (plots.length) return composePlots(el, plots).toDataURL('image/png');
  // The loss chart, or the 3-D view's canvas as it is (drawn by its worker).
  const canvas = el.querySelector('canvas');
  if (!canvas) return null;
  const space = spacePng(canvas);
  if (space) return blobToDataUrl(await space);
  return (chartPng(canvas) ?? canvas).toDataURL('image/png');
}
