import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { DEFAULT_DATA_LIMITS } from '../../../src-engine/data/limits.ts';
import { prepare } from '../../../src-engine/data/prepare.ts';
import type { RawTable } from '../../../src-engine/data/table.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';

const root = mkdtempSync(join(tmpdir(), 'nw-img-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A w x h RGB image filled with one colour, encoded as the given format. */
async function solid(
  path: string,
  w: number,
  h: number,
  rgb: [number, number, number],
  format: 'png' | 'jpeg' | 'webp',
): Promise<void> {
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) raw.set(rgb, i * 3);
  const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
  const buf =
    format === 'png'
      ? await img.png().toBuffer()
      : format === 'jpeg'
        ? await img.jpeg({ quality: 100 }).toBuffer()
        : await img.webp({ lossless: true }).toBuffer();
  writeFileSync(path, buf);
}

async function folder(name: string, sizes: [number, number][]): Promise<string> {
  const dir = join(root, name);
  for (const cls of ['red', 'blue']) mkdirSync(join(dir, cls), { recursive: true });
  let i = 0;
  for (const [w, h] of sizes) {
    const fmt = (['png', 'jpeg', 'webp'] as const)[i % 3]!;
    await solid(join(dir, 'red', `r${i}.${fmt === 'jpeg' ? 'jpg' : fmt}`), w, h, [250, 10, 10], fmt);
    await solid(join(dir, 'blue', `b${i}.${fmt === 'jpeg' ? 'jpg' : fmt}`), w, h, [10, 10, 250], fmt);
    i++;
  }
  writeFileSync(join(dir, 'red', 'notes.txt'), 'not an image');
  return dir;
}

const px = (t: RawTable, name: string, r: number): number => {
  const c = t.columns.find((x) => x.name === name)!;
  return c.kind === 'numeric' ? c.values[r]! : NaN;
};

async function loadError(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

let same: string;
let mixed: string;
beforeAll(async () => {
  same = await folder('same', [
    [8, 6],
    [8, 6],
    [8, 6],
  ]);
  mixed = await folder('mixed', [
    [8, 6],
    [12, 12],
    [5, 9],
  ]);
});

describe('image folders (sharp)', () => {
  it('decodes PNG, JPEG and WebP into RGB pixels in [0,1] with one class per subfolder', async () => {
    const events: number[] = [];
    const t = await loadTable(same, { onProgress: (r, total) => events.push(r / total) });
    expect(t.rows).toBe(6);
    expect(t.image!.shape).toEqual([6, 8, 3]);
    expect(t.columns).toHaveLength(6 * 8 * 3 + 1);
    const label = t.columns.at(-1)!;
    expect(label.kind === 'string' && [label.dictionary, Array.from(label.codes)]).toEqual([
      ['blue', 'red'],
      [0, 0, 0, 1, 1, 1],
    ]);
    // Row 3 is the first red image: R near 250/255, B near 10/255 (JPEG within a few levels).
    expect(px(t, 'pixel1', 3)).toBeCloseTo(250 / 255, 1);
    expect(px(t, 'pixel3', 3)).toBeCloseTo(10 / 255, 1);
    expect(px(t, 'pixel3', 0)).toBeCloseTo(250 / 255, 1);
    expect(events.at(-1)).toBe(1);
    const p = prepare(t, {
      target: 'label',
      scaling: 'none',
      missing: 'refuse',
      split: { validation: 0, test: 0, seed: 1, stratify: false },
    });
    expect([p.train.task, p.train.features, p.preprocessing.imageShape, p.train.sampleShape]).toEqual([
      'binary',
      144,
      [6, 8, 3],
      [3, 6, 8],
    ]);
    // Features go channel by channel (CHW), as image inputs read them: all red values first.
    expect(p.train.featureNames.slice(0, 3)).toEqual(['pixel1', 'pixel4', 'pixel7']);
    expect(p.train.featureNames[48]).toBe('pixel2');
    expect(p.train.x[3 * 144]).toBeCloseTo(250 / 255, 1);
    expect(p.train.x[3 * 144 + 96]).toBeCloseTo(10 / 255, 1);
  });

  it('resizes to a chosen size, in grayscale', async () => {
    const t = await loadTable(mixed, { imageSize: [4, 4], grayscale: true });
    expect(t.image!.shape).toEqual([4, 4, 1]);
    expect(t.rows).toBe(6);
    // Gray of pure-ish red vs blue differ (luma weights), and stay in [0, 1].
    const red = px(t, 'pixel1', 3);
    const blue = px(t, 'pixel1', 0);
    expect(red).toBeGreaterThan(blue);
    expect(Math.max(red, blue)).toBeLessThanOrEqual(1);
  });

  it('refuses mixed sizes without a resize, unreadable images, and empty folders', async () => {
    const e = await loadError(loadTable(mixed));
    expect(e.code).toBe('mismatch');
    expect(e.message).toMatch(/mixed\/blue\/b1\.jpg: the image is 12x12x3 but b0\.png is 8x6x3\. Choose an image size/);
    const broken = await folder('broken', [[4, 4]]);
    writeFileSync(join(broken, 'red', 'zz.png'), Buffer.from('\x89PNG\r\n\x1a\n this is not really a png'));
    const u = await loadError(loadTable(broken));
    expect([u.code, u.file]).toEqual(['unreadable', 'broken/red/zz.png']);
    mkdirSync(join(root, 'empty', 'a'), { recursive: true });
    expect((await loadError(loadTable(join(root, 'empty')))).code).toBe('empty');
  });

  it('can be cancelled between batches of images', async () => {
    const dir = await folder('cancel', [
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    const ctl = new AbortController();
    let events = 0;
    const e = await loadError(loadTable(dir, { signal: ctl.signal, onProgress: () => (events++, ctl.abort()) }));
    expect([e.code, e.file, events]).toEqual(['cancelled', 'cancel', 1]);
  });

  it('reports an image that vanishes between listing and decoding', async () => {
    const dir = await folder('vanish', [
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
    ]);
    let gone = false;
    const e = await loadError(
      loadTable(dir, {
        onProgress: () => {
          if (!gone) unlinkSync(join(dir, 'red', 'r3.png'));
          gone = true;
        },
      }),
    );
    expect(e.code).toBe('vanished');
    expect(e.file).toBe('vanish/red/r3.png');
  });
});

/** The files of an image folder as zip entries under `prefix` (its class subfolders and their files). */
function entries(dir: string, prefix: string): Zippable {
  const out: Zippable = {};
  for (const cls of readdirSync(dir))
    for (const f of readdirSync(join(dir, cls))) out[`${prefix}${cls}/${f}`] = readFileSync(join(dir, cls, f));
  return out;
}

function zipFile(name: string, files: Zippable, level: 0 | 6 = 6): string {
  const path = join(root, name);
  writeFileSync(path, zipSync(files, { level }));
  return path;
}

describe('zipped image folders', () => {
  it('load like the folder: a zipped folder (one top folder) or its class folders at the top, stored or deflated', async () => {
    const fromFolder = await loadTable(same);
    const zipped = [
      zipFile('same.zip', {
        ...entries(same, 'same/'),
        '__MACOSX/same/red/._r0.png': new Uint8Array([1, 2]),
        'same/red/deeper/r9.png': new Uint8Array([1, 2]),
      }),
      zipFile('flat.zip', { ...entries(same, ''), 'README.txt': new TextEncoder().encode('two classes') }, 0),
    ];
    for (const path of zipped) {
      const events: number[] = [];
      const t = await loadTable(path, { onProgress: (r, total) => events.push(r / total) });
      expect(t.name).toBe(path.slice(root.length + 1));
      expect([t.rows, t.image!.shape, t.columns.length]).toEqual([6, [6, 8, 3], fromFolder.columns.length]);
      for (let c = 0; c < t.columns.length; c++) expect(t.columns[c]).toEqual(fromFolder.columns[c]);
      expect(events.at(-1)).toBe(1);
    }
    // Resizing and gray work on zipped images too.
    const mixedZip = zipFile('mixed.zip', entries(mixed, 'mixed/'));
    expect((await loadTable(mixedZip, { imageSize: [4, 4], grayscale: true })).image!.shape).toEqual([4, 4, 1]);
  });

  it('name the zip and the image in their errors', async () => {
    const e = await loadError(loadTable(join(root, 'mixed.zip')));
    expect(e.code).toBe('mismatch');
    expect(e.message).toMatch(/^mixed\.zip\/blue\/b1\.jpg: the image is 12x12x3 but b0\.png is 8x6x3/);
    const none = await loadError(loadTable(zipFile('none.zip', { 'a.txt': new Uint8Array([65]) })));
    expect([none.code, none.file]).toEqual(['empty', 'none.zip']);
    expect(none.message).toMatch(/the zip archive has no class subfolders with PNG, JPEG or WebP images/);
    const bad = zipFile('bad.zip', { 'red/zz.png': new TextEncoder().encode('\x89PNG not really') });
    expect(await loadError(loadTable(bad))).toMatchObject({ code: 'unreadable', file: 'bad.zip/red/zz.png' });
    const whole = readFileSync(join(root, 'same.zip'));
    const cut = join(root, 'cut.zip');
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
    const c = await loadError(loadTable(cut));
    expect([c.code, c.file]).toEqual(['truncated', 'cut.zip']);
    expect(c.message).toMatch(/cut short.*Zip the image folder again/);
  });

  it('keep to the limit on decompressed bytes', async () => {
    const big = zipFile('big.zip', { 'a/x.png': new Uint8Array(200_000), 'b/y.png': new Uint8Array(10) });
    const e = await loadError(loadTable(big, { limits: { ...DEFAULT_DATA_LIMITS, maxDecompressedBytes: 150_000 } }));
    expect([e.code, e.file]).toEqual(['too-large', 'big.zip']);
    expect(e.message).toMatch(/its images expand to more than the limit of/);
  });
});
