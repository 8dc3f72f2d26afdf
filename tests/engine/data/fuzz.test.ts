/**
 * Property tests: random bytes and random mutations of valid files thrown at every loader. Each
 * must either return a well-formed table or throw a DataError: never another exception, never hang.
 * Every property is bounded in time and counts the cases it really checked (../fuzz.ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src-engine/data/csv.ts';
import { DataError } from '../../../src-engine/data/errors.ts';
import { idxPairTable, parseIdx } from '../../../src-engine/data/idx.ts';
import { parseJsonTable } from '../../../src-engine/data/json.ts';
import { arrayTable } from '../../../src-engine/data/ndarray.ts';
import { parseNpy } from '../../../src-engine/data/npy.ts';
import { prepare } from '../../../src-engine/data/prepare.ts';
import { summarize } from '../../../src-engine/data/summary.ts';
import { npzTable, parseNpz } from '../../../src-engine/data/npz.ts';
import type { RawTable } from '../../../src-engine/data/table.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { inflateRawBounded } from '../../../src-engine/node/data/read.ts';
import { fuzz, fuzzAsync } from '../fuzz.ts';
import { idxBytes } from './fixtures.ts';

const npyDir = join(import.meta.dirname, '../../fixtures/data/npy');
const tmp = mkdtempSync(join(tmpdir(), 'nw-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A table is well-formed when every column has `rows` cells, codes index the dictionary, numbers are finite or NaN. */
function checkTable(t: RawTable): void {
  expect(Number.isInteger(t.rows) && t.rows >= 1).toBe(true);
  for (const c of t.columns) {
    if (c.kind === 'numeric') {
      expect(c.values.length).toBe(t.rows);
      for (const v of c.values) expect(v === Infinity || v === -Infinity).toBe(false);
    } else {
      expect(c.codes.length).toBe(t.rows);
      for (const k of c.codes) expect(k >= -1 && k < c.dictionary.length).toBe(true);
    }
  }
}

/** Runs a loader: a table must be well-formed, an error must be a DataError with a message naming the file. */
function tableOrDataError(run: () => RawTable, file: string): void {
  let t: RawTable;
  try {
    t = run();
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    expect(e.message.startsWith(file)).toBe(true);
    expect(e.hint.length).toBeGreaterThan(5);
    return;
  }
  checkTable(t);
}

async function tableOrDataErrorAsync(run: () => Promise<RawTable>): Promise<void> {
  let t: RawTable;
  try {
    t = await run();
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return;
  }
  checkTable(t);
}

type Mutation = { kind: 'flip' | 'insert' | 'delete' | 'truncate' | 'dup'; at: number; len: number; byte: number };
const mutation = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'dup'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 16 }),
  byte: fc.integer({ min: 0, max: 255 }),
}) as fc.Arbitrary<Mutation>;

/** Applies byte-level mutations to a copy of a valid file. */
function mutate(src: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip' && b.length > 0) b[at] = m.byte;
    else if (m.kind === 'insert')
      b = Uint8Array.from([...b.subarray(0, at), ...new Array<number>(m.len).fill(m.byte), ...b.subarray(at)]);
    else if (m.kind === 'delete') b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.len)]);
    else if (m.kind === 'truncate') b = b.slice(0, at);
    else if (m.kind === 'dup') b = Uint8Array.from([...b.subarray(0, at + m.len), ...b.subarray(at)]);
  }
  return b;
}

const text = (b: Uint8Array): string => new TextDecoder('utf-8').decode(b);
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const inflate = inflateRawBounded;
const input = (valid: Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 512 }),
    fc.array(mutation, { minLength: 1, maxLength: 4 }).map((m) => mutate(valid, m)),
  );

const validCsv = bytesOf('\uFEFFx;y;"la;bel"\r\n1.5;2;"a ""q"""\r\n-3;4e2;b\r\n;5;\r\n7;8;c\r\n');
const validJson = bytesOf(
  JSON.stringify([
    { a: 1, b: 'x', c: true },
    { a: 2.5, b: null, c: false },
    { a: -1, b: 'y', c: true },
  ]),
);
const validNpy = new Uint8Array(readFileSync(join(npyDir, 'f8_fortran.npy')));
const validNpz = new Uint8Array(readFileSync(join(npyDir, 'xy_compressed.npz')));
const validImages = idxBytes(
  [3, 2, 2],
  Uint8Array.from({ length: 12 }, (_, i) => i * 20),
);
const validLabels = idxBytes([3], Uint8Array.from([0, 1, 2]));
const runs = { runs: 300, min: 100 };

describe('loaders never throw anything but DataError (fast-check, counted)', () => {
  it('CSV/TSV', () => {
    fuzz(input(validCsv), (b) => tableOrDataError(() => parseCsv(text(b), { file: 'f.csv' }), 'f.csv'), runs);
    fuzz(
      fc.string({ unit: fc.constantFrom('a', '1', ',', ';', '\t', '"', '\n', '\r', ' ', '.', '-', 'e', 'N', 'A') }),
      (s) => tableOrDataError(() => parseCsv(s, { file: 'g.csv' }), 'g.csv'),
      runs,
    );
  });

  it('JSON', () => {
    fuzz(input(validJson), (b) => tableOrDataError(() => parseJsonTable(text(b), 'f.json'), 'f.json'), runs);
    fuzz(fc.json(), (s) => tableOrDataError(() => parseJsonTable(s, 'g.json'), 'g.json'), runs);
  });

  it('NPY and NPZ', () => {
    fuzz(input(validNpy), (b) => tableOrDataError(() => arrayTable(parseNpy(b, 'f.npy'), 'f.npy'), 'f.npy'), runs);
    fuzz(
      input(validNpz),
      (b) => tableOrDataError(() => npzTable(parseNpz(b, 'f.npz', inflate), 'f.npz'), 'f.npz'),
      runs,
    );
  });

  it('NPY and IDX headers claiming any shape: refused by the limits before anything is allocated', () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(65_536, 2 ** 31, 2 ** 32 - 1, 2 ** 40));
    const shapes = fc.array(dim, { maxLength: 4 });
    fuzz(
      fc.tuple(shapes, fc.constantFrom('<f4', '<f8', '|u1', '>i2', '<i8')),
      ([shape, descr]) => {
        let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
        dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
        const head = Uint8Array.from([0x93, ...bytesOf('NUMPY'), 1, 0, dict.length & 255, dict.length >> 8]);
        const bytes = new Uint8Array([...head, ...bytesOf(dict), ...new Uint8Array(64)]);
        tableOrDataError(() => arrayTable(parseNpy(bytes, 'h.npy'), 'h.npy'), 'h.npy');
      },
      runs,
    );
    fuzz(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(65_536, 2 ** 31, 2 ** 32 - 1)), {
        minLength: 1,
        maxLength: 4,
      }),
      (shape) => {
        const bytes = idxBytes(shape, new Uint8Array(64));
        tableOrDataError(() => arrayTable(parseIdx(bytes, 'h-idx3-ubyte'), 'h-idx3-ubyte'), 'h-idx3-ubyte');
      },
      runs,
    );
  });

  it('IDX images and labels', () => {
    fuzz(
      fc.tuple(input(validImages), input(validLabels)),
      ([img, lab]) =>
        tableOrDataError(() => {
          const images = parseIdx(img, 'f-idx3-ubyte');
          return idxPairTable(images, parseIdx(lab, 'f-idx3-ubyte'), 'f-idx3-ubyte', 'f-idx3-ubyte');
        }, 'f-idx3-ubyte'),
      runs,
    );
  });
});

describe('summarize and prepare on whatever the CSV loader accepts (fast-check)', () => {
  it('summaries serialise, prepared tensors are finite, or a DataError explains why not', () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'NA', 'a', 'b', 'yes', 'no', '0', '1'),
      fc.integer({ min: -50, max: 50 }).map(String),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v.toFixed(3)),
    );
    const csv = fc
      .integer({ min: 1, max: 5 })
      .chain((w) =>
        fc
          .array(fc.array(cell, { minLength: w, maxLength: w }), { minLength: 1, maxLength: 30 })
          .map((rows) =>
            [Array.from({ length: w }, (_, j) => `c${j}`).join(','), ...rows.map((r) => r.join(','))].join('\n'),
          ),
      );
    fuzz(
      fc.tuple(
        csv,
        fc.constantFrom('drop' as const, 'impute' as const, 'refuse' as const),
        fc.constantFrom('standard' as const, 'minmax' as const, 'none' as const),
      ),
      ([text, missing, scaling]) => {
        let table: RawTable;
        try {
          table = parseCsv(text, { file: 'p.csv' });
        } catch (e) {
          if (e instanceof DataError) return;
          throw e;
        }
        const target = table.columns.at(-1)!.name;
        const s = summarize(table, target);
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
        try {
          const p = prepare(table, {
            target,
            missing,
            scaling,
            split: { validation: 0.2, test: 0.2, seed: 1, stratify: true },
          });
          for (const ds of [p.train, p.validation, p.test]) {
            if (!ds) continue;
            expect(ds.x.length).toBe(ds.rows * ds.features);
            expect(ds.x.every((v) => Number.isFinite(v))).toBe(true);
            expect(ds.y.every((v) => Number.isFinite(v))).toBe(true);
          }
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
        }
      },
      runs,
    );
  });
});

describe('file loaders through loadTable (fast-check, fewer runs)', () => {
  let png: Uint8Array;
  beforeAll(async () => {
    png = new Uint8Array(
      await sharp(Buffer.alloc(4 * 4 * 3, 128), { raw: { width: 4, height: 4, channels: 3 } })
        .png()
        .toBuffer(),
    );
  });

  it('every format, including gzipped IDX, by detection', async () => {
    const cases: [string, Uint8Array][] = [
      ['a.csv', validCsv],
      ['a.json', validJson],
      ['a.npy', validNpy],
      ['a.npz', validNpz],
      ['a-idx3-ubyte.gz', gzipSync(validImages)],
    ];
    let n = 0;
    await fuzzAsync(
      fc.tuple(fc.constantFrom(...cases), fc.array(mutation, { maxLength: 3 }), fc.boolean()),
      async ([[name, valid], muts, random]) => {
        const path = join(tmp, `${n++}-${name}`);
        writeFileSync(path, random ? mutate(valid, muts).reverse() : mutate(valid, muts));
        await tableOrDataErrorAsync(() => loadTable(path));
      },
      { runs: 60, min: 30 },
    );
  });

  it('image folders with damaged images', async () => {
    let n = 0;
    await fuzzAsync(
      fc.array(mutation, { minLength: 1, maxLength: 3 }),
      async (muts) => {
        const dir = join(tmp, `img${n++}`);
        mkdirSync(join(dir, 'a'), { recursive: true });
        mkdirSync(join(dir, 'b'), { recursive: true });
        writeFileSync(join(dir, 'a', '1.png'), png);
        writeFileSync(join(dir, 'b', '2.png'), mutate(png, muts));
        await tableOrDataErrorAsync(() => loadTable(dir));
      },
      { runs: 25, min: 10 },
    );
  });
});
