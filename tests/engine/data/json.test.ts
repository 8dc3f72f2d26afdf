import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src-engine/data/errors.ts';
import { parseJsonTable } from '../../../src-engine/data/json.ts';
import type { RawTable } from '../../../src-engine/data/table.ts';
import { cellValue } from '../../../src-engine/data/table.ts';

const cells = (t: RawTable): (number | string | null)[][] =>
  Array.from({ length: t.rows }, (_, r) => t.columns.map((c) => cellValue(c, r)));
function error(text: string): DataError {
  try {
    parseJsonTable(text, 'd.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('parseJsonTable', () => {
  it('reads an array of records, with missing keys and nulls as missing', () => {
    const t = parseJsonTable('[{"a":1,"b":"x","c":true},{"a":2.5,"c":false},{"a":null,"b":"y","c":true}]', 'd.json');
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['a', 'numeric'],
      ['b', 'string'],
      ['c', 'string'],
    ]);
    expect(cells(t)).toEqual([
      [1, 'x', 'true'],
      [2.5, null, 'false'],
      [null, 'y', 'true'],
    ]);
  });

  it('reads an object of columns the same way', () => {
    const a = parseJsonTable('{"a":[1,2.5,null],"b":["x",null,"y"]}', 'd.json');
    expect(cells(a)).toEqual([
      [1, 'x'],
      [2.5, null],
      [null, 'y'],
    ]);
  });

  it('reports bad input with the record and column', () => {
    expect(error('').code).toBe('empty');
    expect(error('[]').code).toBe('empty');
    const syntax = error('[{"a":1},\n{"a":NaN}]');
    expect(syntax.code).toBe('bad-format');
    expect(syntax.row).toBe(2);
    expect(syntax.message).toMatch(/unexpected "NaN}]" at line 2, character 6/);
    const nn = error('[{"a":1},{"a":2},{"a":3},{"a":"oops"},{"a":5}]');
    expect([nn.code, nn.row, nn.column]).toEqual(['non-numeric', 4, 'a']);
    expect(error('{"a":[1,2],"b":[1]}').code).toBe('ragged');
    expect(error('[{"a":{"x":1}}]').code).toBe('bad-format');
    expect(error('42').code).toBe('bad-format');
  });
});
