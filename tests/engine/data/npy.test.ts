import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { parseNpy } from '../../../src-engine/data/npy.ts';
import { npzTable, parseNpz } from '../../../src-engine/data/npz.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { inflateRawBounded } from '../../../src-engine/node/data/read.ts';

const dir = join(import.meta.dirname, '../../fixtures/data/npy');
const bytes = (f: string): Uint8Array => new Uint8Array(readFileSync(join(dir, f)));
const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Record<string, unknown>;
const inflate = inflateRawBounded;
function error(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseNpy (files written by numpy)', () => {
  it('reads float32 C order and float64 Fortran order', () => {
    const a = parseNpy(bytes('f4_c.npy'), 'f4_c.npy');
    expect(a.shape).toEqual([3, 4]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual((ref.f4_c as number[][]).flat());
    const b = parseNpy(bytes('f8_fortran.npy'), 'f8.npy');
    expect(b.data).toBeInstanceOf(Float64Array);
    expect(Array.from(b.data)).toEqual((ref.f8_fortran as number[][]).flat());
  });

  it('reads big-endian ints, uint8, bool, float16 and version 2 headers', () => {
    expect(Array.from(parseNpy(bytes('i8_be.npy'), 'x').data)).toEqual(ref.i8_be);
    expect(Array.from(parseNpy(bytes('i2_be.npy'), 'x').data)).toEqual((ref.i2_be as number[][]).flat());
    const u = parseNpy(bytes('u1_images.npy'), 'x');
    expect([u.shape, Array.from(u.data)]).toEqual([[2, 2, 2], ref.u1_images]);
    expect(Array.from(parseNpy(bytes('bool.npy'), 'x').data)).toEqual([1, 0, 1, 1]);
    const f2 = Array.from(parseNpy(bytes('f2.npy'), 'x').data);
    (ref.f2 as number[]).forEach((v, i) => expect(f2[i]).toBeCloseTo(v, 7));
    expect(Array.from(parseNpy(bytes('v2.npy'), 'x').data)).toEqual([1, 2, 3, 4]);
  });

  it('refuses unsupported dtypes, NaN, bad magic and truncation clearly', () => {
    expect(error(() => parseNpy(bytes('structured.npy'), 's.npy')).code).toBe('unsupported');
    const s = error(() => parseNpy(bytes('strings.npy'), 'u.npy'));
    expect([s.code, s.message]).toEqual([
      'unsupported',
      expect.stringMatching(/u\.npy: the dtype <U3 is not supported/),
    ]);
    expect(error(() => parseNpy(bytes('nan.npy'), 'n.npy')).code).toBe('non-finite');
    const full = bytes('f4_c.npy');
    expect(error(() => parseNpy(full.subarray(0, full.length - 5), 'cut.npy')).code).toBe('truncated');
    const bad = full.slice();
    bad[1] = 0;
    expect(error(() => parseNpy(bad, 'bad.npy')).code).toBe('bad-format');
    expect(error(() => parseNpy(new Uint8Array(), 'e.npy')).code).toBe('empty');
  });
});

describe('npz', () => {
  it('reads stored and deflated archives into side-by-side columns', () => {
    for (const f of ['xy.npz', 'xy_compressed.npz']) {
      const t = npzTable(parseNpz(bytes(f), f, inflate), f);
      expect(t.rows).toBe(4);
      expect(t.columns.map((c) => c.name)).toEqual(['x_1', 'x_2', 'x_3', 'y']);
      const x2 = t.columns[1]!;
      expect(x2.kind === 'numeric' && Array.from(x2.values)).toEqual((ref.x as number[][]).map((r) => r[1]));
    }
  });

  it('refuses arrays of different lengths and damaged archives', () => {
    expect(error(() => npzTable(parseNpz(bytes('mismatch.npz'), 'm.npz', inflate), 'm.npz')).code).toBe('mismatch');
    const z = bytes('xy_compressed.npz');
    expect(error(() => parseNpz(z.subarray(0, z.length - 30), 'cut.npz', inflate)).code).toBe('truncated');
  });

  it('loads through loadTable by extension and magic', async () => {
    const t = await loadTable(join(dir, 'xy_compressed.npz'));
    expect(t.columns.at(-1)!.name).toBe('y');
    const img = await loadTable(join(dir, 'u1_images.npy'));
    expect(img.image).toEqual({ shape: [2, 2, 1], columns: ['pixel1', 'pixel2', 'pixel3', 'pixel4'] });
  });
});
