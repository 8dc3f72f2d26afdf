import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { parseIdx } from '../../../src-engine/data/idx.ts';
import { prepare } from '../../../src-engine/data/prepare.ts';
import type { RawTable } from '../../../src-engine/data/table.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { type Digits, idxBytes, mnistDigits, writeDigits } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'nw-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let digits: Digits;
let files: ReturnType<typeof writeDigits>;
beforeAll(() => {
  digits = mnistDigits(30);
  files = writeDigits(dir, digits);
});

async function loadError(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

/** rows x features matrix of a table's pixel columns then label, as plain numbers. */
function matrix(t: RawTable, names: string[]): number[] {
  const out: number[] = [];
  const cols = names.map((n) => t.columns.find((c) => c.name === n)!);
  for (let r = 0; r < t.rows; r++)
    for (const c of cols) out.push(c.kind === 'numeric' ? c.values[r]! : Number(c.dictionary[c.codes[r]!]));
  return out;
}

/** A minimal .npy writer (uint8, C order) for the round trip; the reader is checked against numpy files elsewhere. */
function npyBytes(shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

describe('IDX (mnist package digits)', () => {
  it('pairs images and labels, plain and gzipped, and finds the sibling labels file', async () => {
    const a = await loadTable(files.images, { labelsPath: files.labels });
    const b = await loadTable(files.imagesGz, { labelsPath: files.labelsGz });
    const c = await loadTable(files.images);
    expect(a.rows).toBe(300);
    expect(a.image).toEqual({ shape: [28, 28, 1], columns: Array.from({ length: 784 }, (_, i) => `pixel${i + 1}`) });
    const names = [...a.image!.columns, 'label'];
    const m = matrix(a, names);
    expect(matrix(b, names)).toEqual(m);
    expect(matrix(c, names)).toEqual(m);
    expect(m.slice(785, 785 + 784)).toEqual(Array.from(digits.pixels.subarray(784, 1568)));
    expect(Array.from({ length: 10 }, (_, r) => m[r * 785 + 784])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('gives identical tensors from CSV, JSON, NPY and IDX of the same digits', async () => {
    const fromIdx = await loadTable(files.images, { labelsPath: files.labels });
    const fromCsv = await loadTable(files.csv);
    const recs = Array.from({ length: digits.rows }, (_, r) => {
      const o: Record<string, number> = { label: digits.labels[r]! };
      for (let p = 0; p < 784; p++) o[`pixel${p + 1}`] = digits.pixels[r * 784 + p]!;
      return o;
    });
    writeFileSync(join(dir, 'digits.json'), JSON.stringify(recs));
    const fromJson = await loadTable(join(dir, 'digits.json'));
    writeFileSync(join(dir, 'x.npy'), npyBytes([digits.rows, 28, 28], digits.pixels));
    const fromNpy = await loadTable(join(dir, 'x.npy'));
    const features = fromIdx.image!.columns;
    const opts = {
      target: 'label',
      features,
      scaling: 'standard' as const,
      missing: 'refuse' as const,
      split: { validation: 0, test: 0.2, seed: 11, stratify: true },
    };
    const ref = prepare(fromIdx, opts);
    for (const t of [fromCsv, fromJson]) {
      const p = prepare(t, opts);
      expect(p.train.x).toEqual(ref.train.x);
      expect(p.test!.y).toEqual(ref.test!.y);
    }
    // The .npy holds only the pixels: compare the raw pixel columns.
    expect(matrix(fromNpy, features)).toEqual(matrix(fromIdx, features));
    expect(ref.train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ref.preprocessing.imageShape).toEqual([28, 28, 1]);
  });

  it('refuses truncated, mis-magicked and mismatched files', async () => {
    const img = new Uint8Array(readFileSync(files.images));
    const cut = join(dir, 'cut-images-idx3-ubyte');
    writeFileSync(cut, img.subarray(0, 5000));
    const e1 = await loadError(loadTable(cut, { labelsPath: files.labels }));
    expect([e1.code, e1.file]).toEqual(['truncated', 'cut-images-idx3-ubyte']);
    const magic = img.slice();
    magic[2] = 0x42;
    expect(() => parseIdx(magic, 'm')).toThrow(/magic number \(00 00 42 03\)/);
    const fewer = join(dir, 'few-labels-idx1-ubyte');
    writeFileSync(fewer, idxBytes([10], digits.labels.subarray(0, 10)));
    const e3 = await loadError(loadTable(files.images, { labelsPath: fewer }));
    expect(e3.code).toBe('mismatch');
    expect(e3.message).toMatch(/10 labels but digits-images-idx3-ubyte has 300 images/);
    const gz = new Uint8Array(readFileSync(files.imagesGz));
    const cutGz = join(dir, 'cutgz-images-idx3-ubyte.gz');
    writeFileSync(cutGz, gz.subarray(0, gz.length >> 1));
    expect((await loadError(loadTable(cutGz, { labelsPath: files.labels }))).code).toBe('truncated');
    expect(() => parseIdx(new Uint8Array(), 'e')).toThrow(DataError);
  });
});

describe('IDX images as (C, H, W) tensors', () => {
  const base = {
    target: 'label',
    scaling: 'standard' as const,
    missing: 'refuse' as const,
    split: { validation: 0, test: 0.2, seed: 3, stratify: true },
  };

  it('give each row the per-sample shape [1, 28, 28] and scale pixels ÷255 with pixels: unit', async () => {
    const t = await loadTable(files.images, { labelsPath: files.labels });
    const p = prepare(t, { ...base, pixels: 'unit' });
    expect(p.train.sampleShape).toEqual([1, 28, 28]);
    expect(p.test!.sampleShape).toEqual([1, 28, 28]);
    expect(p.preprocessing.pixels).toBe('unit');
    const raw = matrix(t, t.image!.columns);
    const r0 = p.rows.train[0]!;
    for (let i = 0; i < 784; i++) expect(p.train.x[i]).toBeCloseTo(raw[r0 * 784 + i]! / 255, 6);
    expect(p.train.x.reduce((m, v) => Math.max(m, v), 0)).toBeLessThanOrEqual(1);
  });

  it('standardise each channel over all its pixels with pixels: channel (training rows only)', async () => {
    const t = await loadTable(files.images, { labelsPath: files.labels });
    const p = prepare(t, { ...base, pixels: 'channel' });
    const x = p.train.x;
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(sd).toBeCloseTo(1, 4);
    // One offset and scale for the whole channel (not per pixel as 'standard' columns would be).
    const ts = p.preprocessing.inputs as { offset: number; scale: number }[];
    expect(new Set(ts.map((q) => q.offset)).size).toBe(1);
    expect(new Set(ts.map((q) => q.scale)).size).toBe(1);
  });
});
