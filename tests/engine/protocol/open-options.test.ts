/**
 * How the page asks the engine to read a file: IDX images with their labels file picked beside them,
 * a CSV's delimiter, columns read as text, and column types chosen over the inferred ones (in the
 * summary, the prepared data's shape and a run's data). The same options from the command line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineEngine } from '../../../src-engine/node/worker/engine-inline.ts';
import {
  fileReadOptions,
  loadFileData,
  parseColumnTypes,
  parseDelimiter,
  resolveDatasetRef,
} from '../../../src-engine/node/resolve-dataset.ts';
import { requestSchemas } from '../../../src-engine/protocol/schemas.ts';

const engine = inlineEngine();

async function upload(fileName: string, bytes: Buffer): Promise<string> {
  const { uploadId } = await engine.uploadBegin({ fileName, size: bytes.length });
  await engine.uploadChunk({ uploadId, offset: 0, base64: bytes.toString('base64') });
  return uploadId;
}

/** An IDX file: magic (0, 0, unsigned byte, rank), big-endian dimensions, then the bytes. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

describe('openData options', () => {
  const images = idx([3, 2, 2], [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
  const labels = idx([3], [7, 1, 7]);

  it('pairs IDX images with the labels file picked with them', async () => {
    const alone = await engine.openData({ uploadId: await upload('imgs-idx3-ubyte', images), target: null });
    expect(alone.summary.columns.map((c) => c.name)).not.toContain('label');
    const { summary } = await engine.openData({
      uploadId: await upload('imgs-idx3-ubyte', images),
      labelsUploadId: await upload('lbls-idx1-ubyte', labels),
      target: 'label',
    });
    expect(summary.rows).toBe(3);
    expect(summary.columns.map((c) => c.name)).toContain('label');
    expect(summary.classBalance).toEqual([
      { label: '1', count: 1 },
      { label: '7', count: 2 },
    ]);
  });

  it('refuses labels that do not match the images, naming both files', async () => {
    await expect(
      engine.openData({
        uploadId: await upload('imgs-idx3-ubyte', images),
        labelsUploadId: await upload('short-idx1-ubyte', idx([2], [1, 2])),
        target: null,
      }),
    ).rejects.toThrow(/short-idx1-ubyte[\s\S]*imgs-idx3-ubyte|imgs-idx3-ubyte[\s\S]*short-idx1-ubyte/);
  });

  it('reads a CSV with the delimiter chosen instead of the sniffed one', async () => {
    const text = Buffer.from('a,b;c\n1,2;3\n4,5;6\n7,8;9\n');
    const sniffed = await engine.openData({ uploadId: await upload('t.csv', text), target: null });
    const chosen = await engine.openData({ uploadId: await upload('t.csv', text), target: null, delimiter: ';' });
    expect(sniffed.summary.columns.map((c) => c.name)).not.toEqual(chosen.summary.columns.map((c) => c.name));
    expect(chosen.summary.columns.map((c) => c.name)).toEqual(['a,b', 'c']);
  });

  it('reads a column as text when a late cell is not a number (the error says how)', async () => {
    const rows = ['code,y', ...Array.from({ length: 3000 }, (_, i) => `${i % 7},${i % 2}`), 'n/a7,1'];
    const text = Buffer.from(rows.join('\n'));
    await expect(engine.openData({ uploadId: await upload('codes.csv', text), target: null })).rejects.toThrow(
      /codes\.csv[\s\S]*read the column as text/,
    );
    const { summary } = await engine.openData({
      uploadId: await upload('codes.csv', text),
      target: 'y',
      textColumns: ['code'],
    });
    expect(summary.rows).toBe(3001);
    expect(summary.columns.find((c) => c.name === 'code')!.type).not.toBe('numeric');
  });

  it('uses column types chosen by the user in the summary, the shape and a run', async () => {
    const rows = ['zip,size,y', ...Array.from({ length: 60 }, (_, i) => `${[101, 202, 303][i % 3]},${i},${i % 2}`)];
    const { dataId, summary } = await engine.openData({
      uploadId: await upload('homes.csv', Buffer.from(rows.join('\n'))),
      target: 'y',
    });
    expect(summary.columns.find((c) => c.name === 'zip')!.type).toBe('numeric');
    const typed = await engine.summarizeData({ dataId, target: 'y', columnTypes: { zip: 'categorical' } });
    expect(typed.columns.find((c) => c.name === 'zip')!.type).toBe('categorical');
    const choice = {
      kind: 'upload' as const,
      dataId,
      target: 'y',
      features: null,
      scaling: 'standard' as const,
      missing: 'drop' as const,
      validation: 0,
      test: 0,
    };
    expect((await engine.dataShape({ data: choice })).features).toBe(2);
    // zip one-hot encoded: three columns in place of one.
    expect((await engine.dataShape({ data: { ...choice, columnTypes: { zip: 'categorical' } } })).features).toBe(4);
  });

  it('scales uploaded images by their pixels: ÷255 unless standardised per channel is chosen', async () => {
    const { dataId } = await engine.openData({
      uploadId: await upload('imgs-idx3-ubyte', images),
      labelsUploadId: await upload('lbls-idx1-ubyte', labels),
      target: 'label',
    });
    const choice = {
      kind: 'upload' as const,
      dataId,
      target: 'label',
      features: null,
      scaling: 'standard' as const,
      missing: 'drop' as const,
      validation: 0,
      test: 0,
    };
    const unit = await engine.dataShape({ data: choice });
    expect([unit.sampleShape, unit.summary]).toEqual([[1, 2, 2], expect.stringMatching(/; pixels ÷255$/)]);
    const channel = await engine.dataShape({ data: { ...choice, pixels: 'channel' } });
    expect(channel.summary).toMatch(/; pixels standardised per channel$/);
    expect(requestSchemas.dataShape.safeParse({ data: { ...choice, pixels: 'max' } }).success).toBe(false);
  });

  it('checks the options at the boundary', () => {
    const bad = requestSchemas.openData.safeParse({ uploadId: 'u', target: null, delimiter: '|' });
    expect(bad.success).toBe(false);
    const types = requestSchemas.summarizeData.safeParse({ dataId: 'd', target: null, columnTypes: { a: 'date' } });
    expect(types.success).toBe(false);
    expect(
      requestSchemas.openData.safeParse({ uploadId: 'u', target: null, labelsUploadId: 'v', textColumns: ['a'] })
        .success,
    ).toBe(true);
  });
});

describe('read options on the command line and in a project', () => {
  it('parses delimiters and column types, with sentences for bad ones', () => {
    expect(parseDelimiter('semicolon', '--delimiter')).toBe(';');
    expect(parseDelimiter('tab', '--delimiter')).toBe('\t');
    expect(() => parseDelimiter('pipe', '--delimiter')).toThrow(
      "--delimiter must be comma, semicolon or tab (got 'pipe').",
    );
    expect(parseColumnTypes('zip=categorical, note=text', '--column-types')).toEqual({
      zip: 'categorical',
      note: 'text',
    });
    expect(() => parseColumnTypes('zip=date', '--column-types')).toThrow(
      "--column-types: column 'zip' has type 'date'; types are numeric, categorical, boolean, text.",
    );
    expect(() => parseColumnTypes('zip', '--column-types')).toThrow("write each column as name=type (got 'zip')");
    expect(() => fileReadOptions({ delimiter: '|' }, 'homes.csv')).toThrow(/homes\.csv: delimiter must be/);
  });

  it('loads a file with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwright-read-'));
    const file = join(dir, 'homes.csv');
    writeFileSync(
      file,
      ['zip;y', ...Array.from({ length: 30 }, (_, i) => `${[101, 202, 303][i % 3]};${i % 2}`)].join('\n'),
    );
    const d = await loadFileData(file, { target: 'y', read: { delimiter: ';', columnTypes: { zip: 'categorical' } } });
    expect(d.train.features).toBe(3);
  });

  it("keeps the app's pixel scaling in a project's file reference", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netwright-read-'));
    const images = join(dir, 'imgs-idx3-ubyte');
    const labels = join(dir, 'lbls-idx1-ubyte');
    writeFileSync(
      images,
      idx(
        [4, 2, 2],
        Array.from({ length: 16 }, (_, i) => i * 16),
      ),
    );
    writeFileSync(labels, idx([4], [0, 1, 0, 1]));
    const ref = { kind: 'file' as const, path: images, labelsPath: labels, target: 'label' };
    expect((await resolveDatasetRef({ ...ref, options: {} })).preprocessing?.pixels).toBe('unit');
    expect((await resolveDatasetRef({ ...ref, options: { pixels: 'channel' } })).preprocessing?.pixels).toBe('channel');
  });
});
