/** Test fixture step: real data nobody here wrote (mnist package, vega-datasets penguins) as files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);

export interface Penguin {
  [k: string]: string | number | null;
}

/** The penguins records from vega-datasets (344 rows, with missing values). */
export function penguinRecords(): Penguin[] {
  return JSON.parse(
    readFileSync(join(dirname(require.resolve('vega-datasets')), '..', 'data', 'penguins.json'), 'utf8'),
  ) as Penguin[];
}

/** Writes penguins as CSV (missing as empty cells) and returns its path. */
export function writePenguinsCsv(dir: string): string {
  const recs = penguinRecords();
  const cols = Object.keys(recs[0]!);
  const q = (v: string | number | null): string =>
    v === null ? '' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  const text = [cols.join(','), ...recs.map((r) => cols.map((c) => q(r[c] ?? null)).join(','))].join('\n') + '\n';
  const path = join(dir, 'penguins.csv');
  writeFileSync(path, text);
  return path;
}

export interface Digits {
  /** rows × 784 bytes (0..255). */
  pixels: Uint8Array;
  labels: Uint8Array;
  rows: number;
}

/** The mnist package's digits (about 1000 per class) as bytes, interleaved by class so any prefix is balanced. */
export function mnistDigits(perClass = Infinity): Digits {
  const raws: number[][] = [];
  for (let d = 0; d < 10; d++)
    raws.push(
      (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }).data,
    );
  const counts = raws.map((r) => Math.min(perClass, Math.floor(r.length / 784)));
  const rows = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(rows * 784);
  const labels = new Uint8Array(rows);
  let at = 0;
  for (let i = 0; at < rows; i++) {
    for (let d = 0; d < 10; d++) {
      if (i >= counts[d]!) continue;
      const src = raws[d]!;
      for (let p = 0; p < 784; p++) pixels[at * 784 + p] = Math.round(src[i * 784 + p]! * 255);
      labels[at++] = d;
    }
  }
  return { pixels, labels, rows };
}

function idxHeader(dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  const dv = new DataView(h.buffer);
  h[2] = 0x08;
  h[3] = dims.length;
  dims.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  return h;
}

/** IDX bytes (ubyte) for the given dims and data. */
export function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const h = idxHeader(dims);
  const out = new Uint8Array(h.length + data.length);
  out.set(h);
  out.set(data, h.length);
  return out;
}

/** Writes digits as an IDX pair (plain and gzipped) and as CSV (label first). */
export function writeDigits(
  dir: string,
  d: Digits,
): { images: string; labels: string; imagesGz: string; labelsGz: string; csv: string } {
  mkdirSync(dir, { recursive: true });
  const images = join(dir, 'digits-images-idx3-ubyte');
  const labels = join(dir, 'digits-labels-idx1-ubyte');
  const img = idxBytes([d.rows, 28, 28], d.pixels);
  const lab = idxBytes([d.rows], d.labels);
  writeFileSync(images, img);
  writeFileSync(labels, lab);
  writeFileSync(`${images}.gz`, gzipSync(img));
  writeFileSync(`${labels}.gz`, gzipSync(lab));
  const header = ['label', ...Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`)].join(',');
  const lines = [header];
  for (let r = 0; r < d.rows; r++)
    lines.push(`${d.labels[r]},${Array.from(d.pixels.subarray(r * 784, (r + 1) * 784)).join(',')}`);
  const csv = join(dir, 'digits.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  return { images, labels, imagesGz: `${images}.gz`, labelsGz: `${labels}.gz`, csv };
}
