import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src-engine/data/csv.ts';
import { classLabels } from '../../../src-engine/data/dataset.ts';
import { DataError } from '../../../src-engine/data/errors.ts';
import { type PrepareOptions, prepare } from '../../../src-engine/data/prepare.ts';
import { applyPreprocessing } from '../../../src-engine/data/preprocess.ts';
import { summarize, summaryLine } from '../../../src-engine/data/summary.ts';
import { loadTable } from '../../../src-engine/node/data/load-table.ts';
import { penguinRecords, writePenguinsCsv } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'nw-prep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (target: string, over: Partial<PrepareOptions> = {}): PrepareOptions => ({
  target,
  scaling: 'standard',
  missing: 'impute',
  split: { validation: 0, test: 0, seed: 1, stratify: false },
  ...over,
});

const small = parseCsv(
  ['x,color,flag,y', '1,red,yes,a', '2,blue,no,b', '3,red,yes,a', ',green,no,b', '5,blue,,a', '6,red,no,b'].join('\n'),
  { file: 'small.csv' },
);

describe('prepare', () => {
  it('standardizes numbers, one-hot encodes categories, maps booleans and label-encodes the target', () => {
    const p = prepare(small, base('y'));
    const pre = p.preprocessing;
    expect(pre.featureNames).toEqual(['x', 'color=blue', 'color=green', 'color=red', 'flag']);
    expect(pre.target).toEqual({ column: 'y', task: 'binary', classNames: ['a', 'b'] });
    const x = pre.inputs[0]!;
    // Mean and population std of 1,2,3,5,6 (the missing cell ignored).
    expect(x.kind === 'numeric' && x.offset).toBeCloseTo(3.4, 6);
    expect(x.kind === 'numeric' && x.scale).toBeCloseTo(1 / Math.sqrt(3.44), 6);
    expect(p.train.rows).toBe(6);
    expect(p.train.task).toBe('binary');
    const row = (r: number): number[] =>
      Array.from(p.train.x.subarray(r * 5, r * 5 + 5)).map((v) => Math.round(v * 1e4) / 1e4);
    expect(row(0)).toEqual([Math.round(((1 - 3.4) / Math.sqrt(3.44)) * 1e4) / 1e4, 0, 0, 1, 1]);
    // Missing x imputed with the mean -> 0 after standardization; missing flag imputed with the mode (no).
    expect(row(3)).toEqual([0, 0, 1, 0, 0]);
    expect(row(4)[4]).toBe(0);
    expect(Array.from(p.train.y)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('applies stored preprocessing to record objects exactly as to the table (predictions)', () => {
    const p = prepare(small, base('y'));
    const stored = JSON.parse(JSON.stringify(p.preprocessing)) as typeof p.preprocessing;
    const recs = [
      { x: 1, color: 'red', flag: 'yes' },
      { x: 2, color: 'blue', flag: 'no' },
      { x: 3, color: 'red', flag: 'yes' },
      { x: null, color: 'green', flag: 'no' },
      { x: 5, color: 'blue', flag: null },
      { x: 6, color: 'red', flag: 'no' },
    ];
    expect(Array.from(applyPreprocessing(stored, recs))).toEqual(Array.from(p.train.x));
    // Unseen category: all-zero one-hot; true booleans and numbers in string form are read too.
    expect(Array.from(applyPreprocessing(stored, [{ x: '3.4', color: 'purple', flag: true }]))).toEqual([
      0, 0, 0, 0, 1,
    ]);
    const refuse = { ...stored, missing: 'refuse' as const };
    expect(() =>
      applyPreprocessing(refuse, [
        { x: 1, color: 'red', flag: 'yes' },
        { x: 1, color: null, flag: 'yes' },
      ]),
    ).toThrow(/input \(row 2, column "color"\): this cell is missing/);
  });

  it('drops or refuses rows with missing values as asked', () => {
    expect(prepare(small, base('y', { missing: 'drop' })).train.rows).toBe(4);
    try {
      prepare(small, base('y', { missing: 'refuse' }));
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect([(e as DataError).code, (e as DataError).row, (e as DataError).column]).toEqual([
        'missing-values',
        5,
        'x',
      ]);
    }
  });

  it('min-max scales with parameters fitted on the training rows only', () => {
    const rows = ['v,t'];
    for (let i = 0; i < 100; i++) rows.push(`${i},${i % 2}`);
    const t = parseCsv(rows.join('\n'), { file: 'mm.csv' });
    const p = prepare(
      t,
      base('t', { scaling: 'minmax', split: { validation: 0.2, test: 0.2, seed: 7, stratify: true } }),
    );
    const tr = p.preprocessing.inputs[0]!;
    const trainVals = Array.from(p.rows.train, (r) => r);
    expect(tr.kind === 'numeric' && tr.offset).toBe(Math.min(...trainVals));
    expect(tr.kind === 'numeric' && tr.scale).toBeCloseTo(1 / (Math.max(...trainVals) - Math.min(...trainVals)), 9);
    expect(Math.min(...p.train.x)).toBe(0);
    expect(Math.max(...p.train.x)).toBeCloseTo(1, 6);
    expect([p.train.rows, p.validation!.rows, p.test!.rows]).toEqual([60, 20, 20]);
    // Stratified: both classes equally represented in each part.
    expect(classLabels(p.test!).reduce((a, b) => a + b, 0)).toBe(10);
    // Stored preprocessing reproduces the test tensor from records.
    const recs = Array.from(p.rows.test, (r) => ({ v: r }));
    expect(Array.from(applyPreprocessing(p.preprocessing, recs))).toEqual(Array.from(p.test!.x));
  });

  it('infers regression and multiclass, and honours an override', () => {
    const rows = ['a,b,k,c'];
    for (let i = 0; i < 50; i++) rows.push(`${i},${(i * 1.37) % 5},${i % 3},${i % 4}`);
    const t = parseCsv(rows.join('\n'), { file: 't.csv' });
    const r = prepare(t, base('b'));
    expect(r.train.task).toBe('regression');
    expect(r.train.targetNames).toEqual(['b']);
    const m = prepare(t, base('k'));
    expect(m.train.task).toBe('multiclass');
    expect(m.train.classNames).toEqual(['0', '1', '2']);
    expect(m.train.targets).toBe(3);
    expect(prepare(t, base('c', { task: 'regression' })).train.task).toBe('regression');
  });

  it('refuses a single-class target and unknown columns with a fix', () => {
    const t = parseCsv('a,b\n1,x\n2,x\n3,x\n', { file: 'one.csv' });
    expect(() => prepare(t, base('b'))).toThrow(/one\.csv \(column "b"\): the target has a single value \(x\)/);
    expect(() => prepare(t, base('nope'))).toThrow(/Choose one of: a, b/);
  });
});

describe('penguins (vega-datasets, with missing values)', () => {
  it('summarizes and prepares the real file', async () => {
    const table = await loadTable(writePenguinsCsv(dir));
    expect(table.rows).toBe(penguinRecords().length);
    const s = summarize(table, 'Species');
    expect(s.task).toBe('multiclass');
    expect(s.classBalance).toEqual([
      { label: 'Adelie', count: 152 },
      { label: 'Chinstrap', count: 68 },
      { label: 'Gentoo', count: 124 },
    ]);
    const beak = s.columns.find((c) => c.name === 'Beak Length (mm)')!;
    expect([beak.type, beak.missing, beak.min, beak.max]).toEqual([
      'numeric',
      2,
      32.099998474121094,
      59.599998474121094,
    ]);
    const sex = s.columns.find((c) => c.name === 'Sex')!;
    expect(sex.type).toBe('categorical');
    expect(sex.missing).toBe(11);
    expect(s.firstRows[0]).toEqual(['Adelie', 'Torgersen', 39.099998474121094, 18.700000762939453, 181, 3750, 'MALE']);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(summaryLine(s)).toBe(
      'penguins.csv: 344 rows, 7 columns (4 numeric, 3 categorical), 19 missing cells; target Species: multiclass (Adelie: 152, Chinstrap: 68, Gentoo: 124)',
    );
    const p = prepare(
      table,
      base('Species', { missing: 'drop', split: { validation: 0.1, test: 0.2, seed: 3, stratify: true } }),
    );
    expect(p.dropped).toBe(11);
    expect(p.train.rows + p.validation!.rows + p.test!.rows).toBe(333);
    expect(p.train.featureNames).toContain('Island=Biscoe');
    expect(JSON.parse(JSON.stringify(p.preprocessing))).toEqual(p.preprocessing);
  });
});
