/**
 * Decompression and allocation bombs: tiny files whose headers claim billions of values must fail
 * with a clear DataError naming the limit and the setting that raises it, within seconds and
 * without the memory the header asks for. And the limits are real: raising them lets data through.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { DEFAULT_LIMITS } from '../../../src-engine/limits.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { idxBytes } from './fixtures.ts';

const tmp = mkdtempSync(join(tmpdir(), 'nw-bombs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const flush = { finishFlush: constants.Z_FULL_FLUSH, level: 9 };
/** 16 MiB of zeros as a non-final raw deflate block (16 KB); repeated, it makes a valid stream of any length. */
const ZEROS = deflateRawSync(Buffer.alloc(16 * MiB), flush);
const FINAL = deflateRawSync(Buffer.alloc(0));

/** A raw deflate stream of `head` followed by `blocks` × 16 MiB of zeros, and the crc32 of all of it. */
function deflateBomb(head: Uint8Array, blocks: number): { data: Buffer; crc: number; size: number } {
  let crc = crc32(head);
  const zeros = Buffer.alloc(16 * MiB);
  for (let i = 0; i < blocks; i++) crc = crc32(zeros, crc);
  const parts = [deflateRawSync(head, flush), ...Array.from({ length: blocks }, () => ZEROS), FINAL];
  return { data: Buffer.concat(parts), crc, size: head.length + blocks * 16 * MiB };
}

/** A gzip file of an IDX header and 1 GiB of zero pixels: 32768 × 32768 images... of one pixel each. */
function gzipBomb(dims: number[], blocks: number): Buffer {
  const head = idxBytes(dims, new Uint8Array(0));
  const { data, crc, size } = deflateBomb(head, blocks);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), data, trailer]);
}

/** The bytes of an .npy file: magic, version 1, a padded header dict, then `data`. */
function npyBytes(descr: string, shape: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  dict += ' '.repeat(63 - ((10 + dict.length) % 64)) + '\n';
  const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, dict.length, 0])]);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

/** A zip archive (one deflated entry) as numpy.savez_compressed writes it. */
function zipOne(name: string, deflated: Uint8Array, crc: number, size: number): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(size % 2 ** 32, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(size % 2 ** 32, 24);
  central.writeUInt16LE(n.length, 28);
  const dirAt = 30 + n.length + deflated.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(dirAt, 16);
  return Buffer.concat([local, n, deflated, central, n, eocd]);
}

/** Load a file; returns the DataError it must fail with, how long it took and how much memory it kept. */
async function refused(path: string, opts: Parameters<typeof loadTable>[1] = {}) {
  const before = process.memoryUsage();
  const t0 = performance.now();
  let error: unknown = null;
  try {
    await loadTable(path, opts);
  } catch (e) {
    error = e;
  }
  const after = process.memoryUsage();
  expect(error, `${path} should be refused`).toBeInstanceOf(DataError);
  return {
    error: error as DataError,
    seconds: (performance.now() - t0) / 1000,
    grewMb: Math.max(after.rss - before.rss, after.arrayBuffers - before.arrayBuffers) / MiB,
  };
}

describe('decompression and allocation bombs', () => {
  it('refuses a 1 MB .npz whose float32 array claims 2^28 values (1 GiB) at its header', async () => {
    const head = npyBytes('<f4', '(268435456,)');
    const { data, crc, size } = deflateBomb(head, 64);
    const file = join(tmp, 'bomb.npz');
    writeFileSync(file, zipOne('x.npy', data, crc, size));
    expect(data.length).toBeLessThan(2 * MiB);
    const r = await refused(file);
    expect(r.error.code).toBe('too-large');
    expect(r.error.message).toMatch(
      /268,435,456 rows × 1 columns = 268,435,456 cells, more than the limit of 250,000,000 cells/,
    );
    expect(r.error.message).toMatch(/NETWRIGHT_MAX_CELLS/);
    expect(r.error.message).toMatch(/--max-cells/);
    expect(r.seconds).toBeLessThan(20);
    expect(r.grewMb).toBeLessThan(200);
  });

  it('refuses a 1 MB gzipped IDX claiming 32768 × 32768 pixels before expanding it', async () => {
    const file = join(tmp, 'bomb-images-idx3-ubyte.gz');
    writeFileSync(file, gzipBomb([1, 32768, 32768], 64));
    const r = await refused(file);
    expect(r.error.code).toBe('too-large');
    expect(r.error.message).toMatch(
      /^bomb-images-idx3-ubyte\.gz: the 1x32768x32768 data holds 1 rows × 1,073,741,824 columns/,
    );
    expect(r.seconds).toBeLessThan(20);
    expect(r.grewMb).toBeLessThan(200);
  });

  it('refuses a 128-byte .npy of shape (4294967296, 0) at once: zero-width rows hold nothing', async () => {
    const file = join(tmp, 'zero-width.npy');
    const bytes = npyBytes('<f8', '(4294967296, 0)');
    expect(bytes.length).toBe(128);
    writeFileSync(file, bytes);
    const r = await refused(file);
    expect(r.error.code).toBe('empty');
    expect(r.error.message).toMatch(/the array's rows hold no values \(shape 4294967296x0\)/);
    expect(r.seconds).toBeLessThan(20);
    for (const shape of ['(0, 4294967296)', '(4294967296,)', '(65536, 65536)', '(3, 0, 5)']) {
      writeFileSync(file, npyBytes('<f8', shape));
      const s = await refused(file);
      expect(['empty', 'too-large']).toContain(s.error.code);
      expect(s.grewMb).toBeLessThan(100);
    }
  });

  it('bounds what compressed data may expand to, by its own setting', async () => {
    // 64 MiB of pixels, allowed by the cell limit; refused under a 32 MB decompression limit.
    const file = join(tmp, 'big-images-idx3-ubyte.gz');
    writeFileSync(file, gzipBomb([4096, 128, 128], 4));
    const limits = { ...DEFAULT_LIMITS, maxDecompressedBytes: 32 * MiB };
    const r = await refused(file, { limits });
    expect(r.error.code).toBe('too-large');
    expect(r.error.message).toMatch(/expands to 67,108,880 bytes, more than the limit of 32 MB/);
    expect(r.error.message).toMatch(/NETWRIGHT_MAX_DECOMPRESSED_MB or the command-line flag --max-decompressed-mb/);
    const t = await loadTable(file, { limits: { ...limits, maxDecompressedBytes: 128 * MiB } });
    expect(t.rows).toBe(4096);
    expect(t.columns).toHaveLength(128 * 128);
  });

  it('refuses a gzip stream that holds more than its header declares', async () => {
    const file = join(tmp, 'lying-images-idx3-ubyte.gz');
    writeFileSync(file, gzipSync(Buffer.concat([idxBytes([2, 2, 2], new Uint8Array(8)), Buffer.alloc(1000)])));
    const r = await refused(file);
    expect(r.error.message).toMatch(/holds more than its header declares/);
  });

  it('refuses an .npz entry that inflates to more than its .npy header says', async () => {
    const npy = npyBytes('<f4', '(4,)', new Uint8Array(16));
    const padded = Buffer.concat([npy, Buffer.alloc(4 * MiB)]);
    const file = join(tmp, 'lying.npz');
    writeFileSync(file, zipOne('x.npy', deflateRawSync(padded), crc32(padded), padded.length));
    const r = await refused(file);
    expect(r.error.message).toMatch(/the compressed entry x\.npy is damaged or longer than its header says/);
  });
});

describe('the cell limit on every loader', () => {
  const small = { ...DEFAULT_LIMITS, maxCells: 1000 };

  it('CSV: stops at the row that passes the limit, naming it', async () => {
    const file = join(tmp, 'many.csv');
    writeFileSync(file, 'a,b,c,d\n' + Array.from({ length: 400 }, (_, i) => `${i},1,2,3`).join('\n'));
    const r = await refused(file, { limits: small });
    expect(r.error.message).toMatch(
      /^many\.csv: the data holds 251 rows × 4 columns = 1,004 cells, more than the limit of 1,000 cells/,
    );
    expect((await loadTable(file)).rows).toBe(400);
  });

  it('JSON records and columns', async () => {
    const file = join(tmp, 'many.json');
    writeFileSync(file, JSON.stringify(Array.from({ length: 600 }, (_, i) => ({ x: i, y: i % 2 }))));
    expect((await refused(file, { limits: small })).error.code).toBe('too-large');
    writeFileSync(file, JSON.stringify({ x: Array(600).fill(1), y: Array(600).fill(0) }));
    expect((await refused(file, { limits: small })).error.code).toBe('too-large');
  });

  it('NPY, IDX and image folders', async () => {
    const npy = join(tmp, 'wide.npy');
    writeFileSync(npy, npyBytes('|u1', '(10, 200)', new Uint8Array(2000)));
    expect((await refused(npy, { limits: small })).error.message).toMatch(/10 rows × 200 columns = 2,000 cells/);
    const idx = join(tmp, 'wide-images-idx3-ubyte');
    writeFileSync(idx, idxBytes([5, 20, 20], new Uint8Array(2000)));
    expect((await refused(idx, { limits: small })).error.code).toBe('too-large');
    const dir = join(tmp, 'imgs');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(dir, cls), { recursive: true });
      const png = await sharp(Buffer.alloc(16 * 16 * 3, 90), { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toBuffer();
      writeFileSync(join(dir, cls, '1.png'), png);
    }
    expect((await refused(dir, { limits: small })).error.message).toMatch(
      /2 images of 16x16x3 data holds 2 rows × 768 columns/,
    );
  });

  it('reads the limit from its setting when none is passed', async () => {
    const file = join(tmp, 'env.csv');
    writeFileSync(file, 'a,b\n' + Array.from({ length: 50 }, (_, i) => `${i},${i}`).join('\n'));
    process.env.NETWRIGHT_MAX_CELLS = '60';
    try {
      expect((await refused(file)).error.message).toMatch(/more than the limit of 60 cells/);
    } finally {
      delete process.env.NETWRIGHT_MAX_CELLS;
    }
    expect((await loadTable(file)).rows).toBe(50);
  });
});

describe('files that are not files', () => {
  it('refuses a FIFO instead of waiting on it forever', async () => {
    const fifo = join(tmp, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const r = await refused(fifo);
    expect(r.error.code).toBe('unsupported');
    expect(r.error.message).toMatch(/^pipe\.csv: it is not a regular file \(a pipe, socket or device\)/);
  });
});
