/**
 * Views as PNG at twice their size on screen, axes and legends included: canvas plots are drawn again
 * by their registered drawing function (./plot-canvas.ts), the loss chart by Chart.js at device pixel
 * ratio 2, and the network view as its whole diagram (links, units, unit maps and the weight legend),
 * which is vector on screen and so is also offered as SVG.
 */
import { Chart } from 'chart.js';
import { safeFileName } from '../../../../src-engine/protocol/file-name.ts';
import { NEGATIVE, POSITIVE } from './colors.ts';
import { drawerOf } from './plot-canvas.ts';
import { context2d } from './context-2d.ts';
import { spacePng } from './space-3d.ts';

const SCALE = 2;

/** A file name for a view's picture: the project's name and the view's. */
export function viewFileName(project: string, view: string, ext: 'png' | 'svg' = 'png'): string {
  return `${safeFileName(project, 'netwright')} - ${safeFileName(view, 'view')}.${ext}`;
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

/** The network diagram's SVG as a standalone copy: computed styles inlined, the namespace set. */
function inlinedSvg(svg: SVGSVGElement): SVGSVGElement {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const live = svg.querySelectorAll('*');
  clone.querySelectorAll('*').forEach((node, i) => {
    const cs = getComputedStyle(live[i]!);
    const el = node as SVGElement;
    for (const p of ['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'font-size', 'font-family'])
      el.style.setProperty(p, cs.getPropertyValue(p));
    // The page's hover text becomes the element's SVG title (viewers show it); the page's own
    // attributes (classes, test ids) stay behind.
    const tip = el.getAttribute('data-tip');
    if (tip) el.appendChild(document.createElementNS(SVG_NS, 'title')).textContent = tip;
    for (const a of [...el.attributes])
      if (a.name === 'class' || a.name.startsWith('data-')) el.removeAttribute(a.name);
  });
  clone.removeAttribute('class');
  clone.setAttribute('xmlns', SVG_NS);
  return clone;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Height of the weight legend under the network diagram. */
const LEGEND_H = 28;
/** The weight legend: where its parts go (the same in the PNG and the SVG). */
const LEGEND = { label: 10, bar: 60, barWidth: 100, barHeight: 10, text: 168 } as const;
const LEGEND_TEXT = 'negative … 0 … positive';

/** The unit maps drawn over the diagram (canvases placed on it), with their places. */
function unitMaps(net: HTMLElement): { canvas: HTMLCanvasElement; x: number; y: number }[] {
  return [...net.querySelectorAll<HTMLCanvasElement>(':scope > canvas')].map((canvas) => ({
    canvas,
    x: parseFloat(canvas.style.left),
    y: parseFloat(canvas.style.top),
  }));
}

function mutedText(net: HTMLElement): string {
  return getComputedStyle(net).getPropertyValue('--muted').trim() || '#475467';
}

/** The network diagram: its SVG (styles inlined), the unit maps on top, and the weight legend under it. */
async function networkPng(net: HTMLElement): Promise<HTMLCanvasElement> {
  const svg = net.querySelector('svg')!;
  const w = svg.width.baseVal.value;
  const h = svg.height.baseVal.value;
  const clone = inlinedSvg(svg);
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  const img = new Image();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('The network diagram could not be drawn as an image.'));
    img.src = url;
  });
  URL.revokeObjectURL(url);
  const out = document.createElement('canvas');
  out.width = Math.round(w * SCALE);
  out.height = Math.round((h + LEGEND_H) * SCALE);
  const ctx = context2d(out);
  ctx.fillStyle = background(net);
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
  ctx.drawImage(img, 0, 0, w, h);
  ctx.imageSmoothingEnabled = false;
  for (const m of unitMaps(net)) ctx.drawImage(m.canvas, m.x, m.y, m.canvas.width, m.canvas.height);
  ctx.imageSmoothingEnabled = true;
  // The weight legend.
  const text = mutedText(net);
  const y = h + LEGEND_H / 2;
  const g = ctx.createLinearGradient(LEGEND.bar, 0, LEGEND.bar + LEGEND.barWidth, 0);
  g.addColorStop(0, `rgb(${NEGATIVE.join(',')})`);
  g.addColorStop(0.5, '#ffffff');
  g.addColorStop(1, `rgb(${POSITIVE.join(',')})`);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = text;
  ctx.fillText('weight', LEGEND.label, y);
  ctx.fillStyle = g;
  ctx.fillRect(LEGEND.bar, y - LEGEND.barHeight / 2, LEGEND.barWidth, LEGEND.barHeight);
  ctx.fillStyle = text;
  ctx.fillText(LEGEND_TEXT, LEGEND.text, y);
  return out;
}

/**
 * The network diagram as an SVG document (it is vector on screen): links and units as they are, the
 * unit maps as embedded pixel images, and the weight legend under it, on the theme's background.
 */
export function networkSvg(net: HTMLElement): string {
  const svg = net.querySelector('svg')!;
  const w = svg.width.baseVal.value;
  const h = svg.height.baseVal.value;
  const doc = document.createElementNS(SVG_NS, 'svg');
  doc.setAttribute('xmlns', SVG_NS);
  doc.setAttribute('width', String(w));
  doc.setAttribute('height', String(h + LEGEND_H));
  doc.setAttribute('viewBox', `0 0 ${w} ${h + LEGEND_H}`);
  const el = (name: string, attrs: Record<string, string | number>, parent: Element = doc) => {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    parent.appendChild(e);
    return e;
  };
  el('rect', { width: '100%', height: '100%', fill: background(net) });
  doc.appendChild(inlinedSvg(svg));
  for (const m of unitMaps(net))
    el('image', {
      href: m.canvas.toDataURL('image/png'),
      x: m.x,
      y: m.y,
      width: m.canvas.width,
      height: m.canvas.height,
      style: 'image-rendering: pixelated',
    });
  const grad = el('linearGradient', { id: 'weight-legend' }, el('defs', {}));
  el('stop', { offset: 0, 'stop-color': `rgb(${NEGATIVE.join(',')})` }, grad);
  el('stop', { offset: 0.5, 'stop-color': '#ffffff' }, grad);
  el('stop', { offset: 1, 'stop-color': `rgb(${POSITIVE.join(',')})` }, grad);
  const y = h + LEGEND_H / 2;
  const font = { 'font-size': 11, 'font-family': 'system-ui, sans-serif', 'dominant-baseline': 'middle' };
  el('text', { x: LEGEND.label, y, fill: mutedText(net), ...font }).textContent = 'weight';
  el('rect', {
    x: LEGEND.bar,
    y: y - LEGEND.barHeight / 2,
    width: LEGEND.barWidth,
    height: LEGEND.barHeight,
    fill: 'url(#weight-legend)',
  });
  el('text', { x: LEGEND.text, y, fill: mutedText(net), ...font }).textContent = LEGEND_TEXT;
  return new XMLSerializer().serializeToString(doc);
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
