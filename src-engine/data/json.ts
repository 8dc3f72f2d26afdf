/** JSON tables: an array of records (`[{"a":1,"b":"x"}, ...]`) or an object of columns (`{"a":[1,2],"b":["x","y"]}`). */
import { FLOAT32_MAX } from './cells.ts';
import { DataError } from './errors.ts';
import { checkCells, DEFAULT_DATA_LIMITS, type DataLimits } from './limits.ts';
import { jsonErrorOffset, lineColumn } from './json-syntax.ts';
import { NumericBuilder, type RawColumn, type RawTable, StringBuilder } from './table.ts';

type Cell = number | string | boolean | null;

function fail(
  file: string,
  code: DataError['code'],
  problem: string,
  hint: string,
  row?: number,
  column?: string,
): never {
  const init: ConstructorParameters<typeof DataError>[0] = { code, file, problem, hint };
  if (row !== undefined) init.row = row;
  if (column !== undefined) init.column = column;
  throw new DataError(init);
}

/** Parses JSON text into a RawTable; rows in messages are record numbers (1-based). */
export function parseJsonTable(text: string, file: string, limits: DataLimits = DEFAULT_DATA_LIMITS): RawTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '')
    fail(file, 'empty', 'the file is empty', 'Choose a JSON file holding an array of records or an object of columns');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, Math.max(0, at));
    const near = JSON.stringify(text.slice(Math.max(0, at), Math.max(0, at) + 12));
    fail(
      file,
      text.indexOf('\u0000') >= 0 ? 'binary' : 'bad-format',
      `it is not valid JSON: unexpected ${at >= text.length ? 'end of file' : near} at line ${line}, character ${column}`,
      'Fix the JSON syntax (NaN and Infinity are not allowed in JSON; use null for missing values)',
      line,
    );
  }
  if (Array.isArray(doc)) return fromRecords(doc, file, limits.maxCells);
  if (doc !== null && typeof doc === 'object')
    return fromColumns(doc as Record<string, unknown>, file, limits.maxCells);
  return fail(
    file,
    'bad-format',
    'the JSON is a single value, not a table',
    'Use an array of records or an object of equal-length column arrays',
  );
}

/** A record's own value for a column (a record without `toString` must not read Object.prototype's). */
function ownValue(rec: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(rec, name) ? rec[name] : undefined;
}

function checkCell(v: unknown, file: string, row: number, column: string): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return fail(
    file,
    'bad-format',
    `the value is ${Array.isArray(v) ? 'an array' : 'an object'}, not a number or text`,
    'Flatten nested values into separate columns',
    row,
    column,
  );
}

function fromRecords(doc: unknown[], file: string, maxCells: number): RawTable {
  if (doc.length === 0) fail(file, 'empty', 'the array has no records', 'Add records such as {"x": 1, "label": "a"}');
  const names: string[] = [];
  const seen = new Set<string>();
  doc.forEach((rec, i) => {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      fail(
        file,
        'bad-format',
        `record ${i + 1} is ${Array.isArray(rec) ? 'an array' : JSON.stringify(rec)}, not an object`,
        'Make every element an object of column: value pairs',
        i + 1,
      );
    }
    for (const k of Object.keys(rec)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  });
  checkCells(file, doc.length, names.length, maxCells);
  const columns = names.map((name) =>
    buildColumn(
      name,
      doc.length,
      (r) => checkCell(ownValue(doc[r] as Record<string, unknown>, name), file, r + 1, name),
      file,
    ),
  );
  return { name: file, rows: doc.length, columns };
}

function fromColumns(doc: Record<string, unknown>, file: string, maxCells: number): RawTable {
  const names = Object.keys(doc);
  if (names.length === 0)
    fail(
      file,
      'empty',
      'the object has no columns',
      'Use an object of equal-length arrays, e.g. {"x": [1, 2], "label": ["a", "b"]}',
    );
  let rows = -1;
  for (const name of names) {
    const col = doc[name];
    if (!Array.isArray(col))
      fail(file, 'bad-format', 'the column is not an array', 'Make each column an array of values', undefined, name);
    if (rows >= 0 && col.length !== rows)
      fail(
        file,
        'ragged',
        `the column has ${col.length} values but "${names[0]}" has ${rows}`,
        'Give every column the same number of values',
        undefined,
        name,
      );
    rows = col.length;
  }
  if (rows === 0) fail(file, 'header-only', 'the columns are empty', 'Add values to the column arrays');
  checkCells(file, rows, names.length, maxCells);
  const columns = names.map((name) =>
    buildColumn(name, rows, (r) => checkCell((doc[name] as unknown[])[r], file, r + 1, name), file),
  );
  return { name: file, rows, columns };
}

/** One column from cells: numbers (a few stray strings are errors), else strings; booleans as "true"/"false". */
function buildColumn(name: string, rows: number, cell: (r: number) => Cell, file: string): RawColumn {
  let numbers = 0;
  let texts = 0;
  let firstText = -1;
  for (let r = 0; r < rows; r++) {
    const v = cell(r);
    if (typeof v === 'number') {
      if (!(Math.abs(v) <= FLOAT32_MAX))
        fail(
          file,
          'non-finite',
          `the value ${v} is beyond the ±3.4e38 range of 32-bit floats`,
          'Rescale the column, or use null for a missing value',
          r + 1,
          name,
        );
      numbers++;
    } else if (v !== null && !(typeof v === 'string' && v.trim() === '')) {
      texts++;
      if (firstText < 0 && !(typeof v === 'string' && Number.isFinite(Number(v)))) firstText = r;
    }
  }
  const numeric = numbers > 0 && (firstText < 0 || (numbers >= 2 && texts <= Math.max(1, 0.05 * (numbers + texts))));
  if (numeric) {
    if (firstText >= 0) {
      fail(
        file,
        'non-numeric',
        `the value ${JSON.stringify(cell(firstText))} is not a number, but the column holds numbers`,
        'Fix the value, or use null to mark it missing',
        firstText + 1,
        name,
      );
    }
    const b = new NumericBuilder(rows);
    for (let r = 0; r < rows; r++) {
      const v = cell(r);
      b.push(v === null || v === '' ? NaN : Number(v));
    }
    return { kind: 'numeric', name, values: Float32Array.from(b.finish()) };
  }
  const b = new StringBuilder(rows);
  for (let r = 0; r < rows; r++) {
    const v = cell(r);
    b.push(v === null || (typeof v === 'string' && v.trim() === '') ? null : String(v).trim());
  }
  return { kind: 'string', name, codes: b.finish(), dictionary: b.dictionary };
}
