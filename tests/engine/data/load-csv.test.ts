import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'nw-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bigCsv(name: string, rows: number): string {
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i % 13) * 0.5},${i % 3 === 0 ? 'x' : 'y'}`);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

async function loadError(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('loadTable on CSV files', () => {
  it('streams with progress events up to the file size', async () => {
    const path = bigCsv('big.csv', 200_000);
    const events: [number, number][] = [];
    const t = await loadTable(path, { onProgress: (r, total) => events.push([r, total]) });
    expect(t.rows).toBe(200_000);
    expect(events.length).toBeGreaterThan(1);
    const total = events[0]![1];
    expect(events.at(-1)).toEqual([total, total]);
    for (let i = 1; i < events.length; i++) expect(events[i]![0]).toBeGreaterThan(events[i - 1]![0]);
    const a = t.columns[0]!;
    expect(a.kind === 'numeric' && a.values[199_999]).toBe(199_999);
  });

  it('can be cancelled', async () => {
    const path = bigCsv('cancel.csv', 200_000);
    const ctl = new AbortController();
    const e = await loadError(loadTable(path, { signal: ctl.signal, onProgress: () => ctl.abort() }));
    expect(e.code).toBe('cancelled');
    expect(e.file).toBe('cancel.csv');
  });

  it('cancels binary and JSON loads too, and honours an already-aborted signal', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const big = join(dir, 'big.json');
    writeFileSync(big, JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ a: i, b: `x${i % 3}` }))));
    expect((await loadError(loadTable(big, { signal: ctl.signal }))).code).toBe('cancelled');
    const ctl2 = new AbortController();
    const e = await loadError(loadTable(big, { signal: ctl2.signal, onProgress: () => ctl2.abort() }));
    expect([e.code, e.file]).toEqual(['cancelled', 'big.json']);
  });

  it('reports a file that vanishes while loading', async () => {
    const path = bigCsv('vanish.csv', 200_000);
    let removed = false;
    const e = await loadError(
      loadTable(path, {
        onProgress: () => {
          if (!removed) unlinkSync(path);
          removed = true;
        },
      }),
    );
    expect(e.code).toBe('vanished');
    expect(e.message).toContain('vanish.csv');
  });

  it('reports a missing file and binary data named .csv', async () => {
    expect((await loadError(loadTable(join(dir, 'nope.csv')))).code).toBe('io');
    const bin = join(dir, 'fake.csv');
    writeFileSync(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const e = await loadError(loadTable(bin));
    expect(e.code).toBe('binary');
    expect(e.message).toContain('fake.csv');
  });

  it('decodes UTF-8 split across chunk boundaries', async () => {
    const lines = ['name,v'];
    for (let i = 0; i < 100_000; i++) lines.push(`café ñ ${i % 5},${i}`);
    const path = join(dir, 'utf8.csv');
    writeFileSync(path, lines.join('\n'));
    const t = await loadTable(path);
    const c = t.columns[0]!;
    expect(c.kind === 'string' && c.dictionary.slice().sort()).toEqual([
      'café ñ 0',
      'café ñ 1',
      'café ñ 2',
      'café ñ 3',
      'café ñ 4',
    ]);
  });
});

describe('text encodings', () => {
  it('reads a Latin-1 (Windows-1252) CSV as text instead of calling it binary', async () => {
    const text =
      'ville;température;pays\nZürich;12,5;Suisse\nSão Paulo;24,1;Brésil\nKöln;9,8;Allemagne\nNîmes;16,0;France\n';
    const path = join(dir, 'latin1.csv');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const t = await loadTable(path);
    expect(t.columns.map((c) => c.name)).toEqual(['ville', 'température', 'pays']);
    const ville = t.columns[0]!;
    expect(ville.kind === 'string' && ville.dictionary).toEqual(['Zürich', 'São Paulo', 'Köln', 'Nîmes']);
    const temp = t.columns[1]!;
    expect(temp.kind === 'numeric' && Array.from(temp.values)).toEqual([
      12.5, 24.100000381469727, 9.800000190734863, 16,
    ]);
    // The same file in UTF-8 reads the same.
    writeFileSync(path, text);
    expect((await loadTable(path)).columns[0]).toEqual(ville);
  });

  it('still calls binary bytes binary', async () => {
    const path = join(dir, 'binary.csv');
    writeFileSync(path, Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256)));
    const e = await loadError(loadTable(path));
    expect(e.code).toBe('binary');
  });
});
