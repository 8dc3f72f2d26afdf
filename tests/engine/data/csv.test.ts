import { describe, expect, it } from 'vitest';
import { CsvTableParser, parseCsv } from '../../../src-engine/data/csv.ts';
import { DataError } from '../../../src-engine/data/errors.ts';
import type { RawTable } from '../../../src-engine/data/table.ts';

const file = 'data.csv';
const num = (t: RawTable, name: string): number[] => {
  const c = t.columns.find((x) => x.name === name)!;
  if (c.kind !== 'numeric') throw new Error(`${name} is not numeric`);
  return Array.from(c.values);
};
const str = (t: RawTable, name: string): (string | null)[] => {
  const c = t.columns.find((x) => x.name === name)!;
  if (c.kind !== 'string') throw new Error(`${name} is not a string column`);
  return Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]!));
};
function error(text: string): DataError {
  try {
    parseCsv(text, { file });
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseCsv', () => {
  it('reads a header, numbers and strings, with BOM, CRLF and blank trailing lines', () => {
    const t = parseCsv('\uFEFFx,y,label\r\n1.5,-2,cat\r\n3,4e2,dog\r\n\r\n\r\n', { file });
    expect(t.rows).toBe(2);
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'y', 'label']);
    expect(num(t, 'x')).toEqual([1.5, 3]);
    expect(num(t, 'y')).toEqual([-2, 400]);
    expect(str(t, 'label')).toEqual(['cat', 'dog']);
  });

  it('sniffs semicolons and tabs', () => {
    expect(num(parseCsv('a;b\n1;2\n3;4\n', { file }), 'b')).toEqual([2, 4]);
    expect(num(parseCsv('a\tb\n1\t2\n3\t4\n', { file }), 'b')).toEqual([2, 4]);
  });

  it('reads decimal commas in semicolon files', () => {
    const t = parseCsv('a;b;c\n1,5;2;x\n-0,25;3;y\n', { file });
    expect(num(t, 'a')).toEqual([1.5, -0.25]);
    expect(num(t, 'b')).toEqual([2, 3]);
    expect(str(t, 'c')).toEqual(['x', 'y']);
  });

  it('keeps quoted delimiters, escaped quotes and newlines inside fields, and counts editor lines', () => {
    const t = parseCsv('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,x\n', { file });
    expect(str(t, 'text')).toEqual(['a, b', 'say "hi"', 'two\nlines', 'x']);
    expect(Array.from(t.sourceLines!)).toEqual([2, 3, 4, 6]);
  });

  it('treats empty cells and NA as missing', () => {
    const t = parseCsv('a,b\n1,x\n,NA\n3,\n', { file });
    expect(num(t, 'a')).toEqual([1, NaN, 3]);
    expect(str(t, 'b')).toEqual(['x', null, null]);
  });

  it('detects a file without a header', () => {
    const t = parseCsv('1,2\n3,4\n', { file });
    expect(t.columns.map((c) => c.name)).toEqual(['column1', 'column2']);
    expect(t.rows).toBe(2);
  });

  it('gives the same table however the text is chunked', () => {
    const lines = ['a,b,c'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},"q ${i % 7}, z",${(i * 0.25).toFixed(2)}`);
    const text = lines.join('\n');
    const whole = parseCsv(text, { file });
    const p = new CsvTableParser({ file });
    for (let i = 0; i < text.length; i += 977) p.push(text.slice(i, i + 977));
    const chunked = p.end();
    expect(chunked.rows).toBe(3000);
    expect(num(chunked, 'a')).toEqual(num(whole, 'a'));
    expect(str(chunked, 'b')).toEqual(str(whole, 'b'));
    expect(num(chunked, 'c')[2999]).toBeCloseTo(749.75, 5);
  });

  it('names file, row and column for bad cells', () => {
    const e = error('a,b\n1,2\n3,x\n5,6\n');
    expect(e.code).toBe('non-numeric');
    expect(e.row).toBe(3);
    expect(e.column).toBe('b');
    expect(e.message).toContain('data.csv (row 3, column "b")');
    const inf = error('a,b\n1,2\n3,Infinity\n');
    expect([inf.code, inf.row, inf.column]).toEqual(['non-finite', 3, 'b']);
    expect(error('a,b\n1,nan\n').code).toBe('non-finite');
    expect(error('a,b\n1,2\n3,1e39\n').code).toBe('non-finite');
  });

  it('reports empty, header-only, ragged and binary input', () => {
    expect(error('').code).toBe('empty');
    expect(error('\n\n  \n').code).toBe('empty');
    expect(error('a,b,c\n').code).toBe('header-only');
    const r = error('a,b\n1,2\n3,4,5\n');
    expect([r.code, r.row]).toEqual(['ragged', 3]);
    expect(error('PK\u0003\u0004\u0000\u0000binary').code).toBe('binary');
  });

  it('reports a late non-numeric cell in a long numeric column at its line', () => {
    const lines = ['a,b'];
    for (let i = 0; i < 20000; i++) lines.push(`${i},${i * 2}`);
    lines[15000] = '14999,oops';
    const e = error(lines.join('\n'));
    expect([e.code, e.row, e.column]).toEqual(['non-numeric', 15001, 'b']);
  });
});

describe('CSV shapes that real files have', () => {
  it('reads a header longer than the 64 KiB sample (5,000 gene columns), fed in small chunks', () => {
    const genes = Array.from({ length: 5000 }, (_, j) => `ENSG${String(j).padStart(11, '0')}`);
    const lines = [['sample', ...genes, 'tissue'].join(',')];
    for (let r = 0; r < 12; r++)
      lines.push([`s${r}`, ...genes.map((_, j) => ((r * 31 + j) % 97) / 10), r % 2 ? 'liver' : 'lung'].join(','));
    const text = lines.join('\n') + '\n';
    expect(lines[0]!.length).toBeGreaterThan(1 << 16);
    const p = new CsvTableParser({ file });
    for (let at = 0; at < text.length; at += 4096) p.push(text.slice(at, at + 4096));
    const t = p.end();
    expect(t.rows).toBe(12);
    expect(t.columns).toHaveLength(5002);
    expect(t.columns[4999]!.name).toBe('ENSG00000004998');
    expect(num(t, 'ENSG00000004999')[3]).toBeCloseTo(((3 * 31 + 4999) % 97) / 10, 5);
    expect(str(t, 'tissue')).toEqual(Array.from({ length: 12 }, (_, r) => (r % 2 ? 'liver' : 'lung')));
  });

  it('ignores a delimiter at the end of every line instead of making an empty-named column', () => {
    const t = parseCsv('x,y,label,\n1,2,a,\n3,4,b,\n5,6,a,\n', { file });
    expect(t.columns.map((c) => c.name)).toEqual(['x', 'y', 'label']);
    expect(num(t, 'y')).toEqual([2, 4, 6]);
    const noHeader = parseCsv('1;2;\n3;4;\n5;6;\n', { file });
    expect(noHeader.columns.map((c) => c.name)).toEqual(['column1', 'column2']);
    // A named last column that happens to be empty is kept; a value after the last column is an error.
    expect(parseCsv('x,y,note\n1,2,\n3,4,\n', { file }).columns.map((c) => c.name)).toEqual(['x', 'y', 'note']);
    const extra = error('x,y,\n1,2,\n3,4,\n5,6,\n7,8,oops\n');
    expect(extra.code).toBe('ragged');
    expect(extra.message).toBe(
      'data.csv (row 5): this row has a value ("oops") after the last column. Every other line ends with a delimiter: remove the extra value or give it a column in the header',
    );
  });

  it('types columns named like Object.prototype members as any other column', () => {
    const names = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'label'];
    const rows = Array.from({ length: 30 }, (_, i) => [i * 0.5, (i % 7) + 0.25, i, -i, i * 2, i % 2 ? 'a' : 'b']);
    const t = parseCsv([names.join(','), ...rows.map((r) => r.join(','))].join('\n'), { file });
    expect(t.columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'constructor:numeric',
      'toString:numeric',
      'hasOwnProperty:numeric',
      'valueOf:numeric',
      '__proto__:numeric',
      'label:string',
    ]);
    const typed = parseCsv('toString,constructor\n1,2\n3,4\n', {
      file,
      columnTypes: { constructor: 'string' as const },
    });
    expect(typed.columns.map((c) => c.kind)).toEqual(['numeric', 'string']);
  });
});
