/**
 * Streaming CSV/TSV parser: fed text chunks, fills typed columns as it goes (papaparse's core
 * Parser does the field splitting, quotes included). Pure: the node side reads and decodes the file.
 */
import Papa from 'papaparse';
import { CELL_MISSING, CELL_NON_FINITE, CELL_NUMBER, isMissingCell, quoteCell, readCell } from './cells.ts';
import {
  type Delimiter,
  type Newline,
  detectHeader,
  headerNames,
  looksBinary,
  previewRows,
  sniffDelimiter,
  sniffNewline,
} from './csv-sniff.ts';
import { DataError } from './errors.ts';
import { checkCells, DEFAULT_DATA_LIMITS } from './limits.ts';
import { NumericBuilder, type RawColumn, type RawTable, StringBuilder } from './table.ts';

export interface CsvOptions {
  /** File name, used in messages and as the table name. */
  file: string;
  /** Field delimiter; sniffed from the first lines when absent. */
  delimiter?: Delimiter;
  /** Whether the first row is a header; detected when absent. */
  header?: boolean;
  /** Force a column to be read as numbers or as strings (by name). */
  columnTypes?: Record<string, 'numeric' | 'string'>;
  /** Size of the whole text, when known, so columns are allocated once. */
  totalBytes?: number;
  /** Most cells (rows × columns) the table may hold (default: the engine's limit). */
  maxCells?: number;
}

/** Characters gathered before sniffing (delimiter, header, column kinds are decided on them)... */
const SAMPLE_CHARS = 1 << 16;
/** ...and at least this many line breaks, so a wide file's long header and first rows are whole. */
const SAMPLE_LINES = 8;
/** A sample stops growing here even without enough line breaks (one line longer than this is cut). */
const MAX_SAMPLE_CHARS = 1 << 24;

/** Feeds chunks of CSV text with `push` and gets a RawTable from `end`. Throws DataError on bad input. */
export class CsvTableParser {
  private readonly opts: CsvOptions;
  private pending = '';
  private pendingBreaks = 0;
  private started = false;
  /** Every line ends with the delimiter (`a,b,`): the empty field after it is not a column. */
  private trailingDelimiter = false;
  private parser: InstanceType<typeof Papa.Parser> | null = null;
  private newline: Newline = '\n';
  private names: string[] = [];
  private numeric: boolean[] = [];
  private numBuilders: (NumericBuilder | null)[] = [];
  private strBuilders: (StringBuilder | null)[] = [];
  private rows = 0;
  /** 1-based line where the next record starts. */
  private line = 1;
  /** Source line of each row, grown with the columns; dropped at the end when every row is at index + 2. */
  private lines = new Int32Array(1024);
  private linesRegular = true;
  private skipHeader = false;
  private readonly cell = new Float64Array(1);
  /** Semicolon files from European spreadsheets write 1,5 for 1.5. */
  private decimalComma = false;

  constructor(opts: CsvOptions) {
    this.opts = opts;
  }

  /** Adds the next chunk of text. */
  push(chunk: string): void {
    if (chunk.indexOf('\u0000') >= 0)
      this.fail(
        'binary',
        'it contains binary bytes, not text',
        'Choose a CSV/TSV text file, or the right loader for this format',
      );
    if (!this.started) {
      this.pending += chunk;
      this.pendingBreaks += lineBreaks(chunk);
      const enough = this.pending.length >= SAMPLE_CHARS && this.pendingBreaks >= SAMPLE_LINES;
      if (enough || this.pending.length >= MAX_SAMPLE_CHARS) this.start(false);
      return;
    }
    this.consume(this.pending + chunk, false);
  }

  /** Parses what is left and returns the table. */
  end(): RawTable {
    if (!this.started) this.start(true);
    else this.consume(this.pending, true);
    this.pending = '';
    if (this.rows === 0) {
      this.fail('header-only', 'it has a header but no data rows', 'Add data rows below the header');
    }
    return this.table();
  }

  private get maxCells(): number {
    return this.opts.maxCells ?? DEFAULT_DATA_LIMITS.maxCells;
  }

  /** The caller's type for a column; a column named `toString` must not find Object.prototype's. */
  private forcedType(name: string): 'numeric' | 'string' | undefined {
    const types = this.opts.columnTypes;
    return types && Object.hasOwn(types, name) ? types[name] : undefined;
  }

  private fail(code: DataError['code'], problem: string, hint: string, row?: number, column?: string): never {
    const init: ConstructorParameters<typeof DataError>[0] = { code, file: this.opts.file, problem, hint };
    if (row !== undefined) init.row = row;
    if (column !== undefined) init.column = column;
    throw new DataError(init);
  }

  /** Sniffs format and column kinds from the sample, then parses it. */
  private start(final: boolean): void {
    this.started = true;
    let text = this.pending;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (looksBinary(text))
      this.fail(
        'binary',
        'it looks like binary data, not text',
        'Choose a CSV/TSV text file, or the right loader for this format',
      );
    if (text.trim() === '') this.fail('empty', 'the file is empty', 'Choose a file with a header row and data rows');
    this.newline = sniffNewline(text);
    const delimiter = this.opts.delimiter ?? sniffDelimiter(text, this.newline);
    const sample = previewRows(text, delimiter, this.newline, 2000);
    // Without the final chunk the sample's last row may be cut off: keep it out of the decisions.
    const decide = final || sample.length < 3 ? sample : sample.slice(0, -1);
    let width = decide[0]?.length ?? 1;
    // `a,b,` on the first line and (nearly) every other (some spreadsheets write it): the empty last
    // field is not a column, and a stray value there is reported at its row.
    const lastEmpty = (r: string[]) => r.length === width && r[width - 1]!.trim() === '';
    this.trailingDelimiter =
      width >= 2 &&
      decide.length > 0 &&
      lastEmpty(decide[0]!) &&
      decide.filter(lastEmpty).length >= Math.min(decide.length - 1, 0.9 * decide.length);
    if (this.trailingDelimiter) {
      width--;
      for (const r of decide) r.length = width;
    }
    const header = this.opts.header ?? detectHeader(decide);
    this.names = header ? headerNames(decide[0]!) : Array.from({ length: width }, (_, j) => `column${j + 1}`);
    checkCells(this.opts.file, 1, width, this.maxCells);
    const body = header ? decide.slice(1) : decide;
    if (delimiter === ';') {
      let commas = 0;
      let dots = 0;
      for (const r of body) {
        for (const c of r) {
          if (/^[+-]?\d*,\d+$/.test(c.trim())) commas++;
          else if (/^[+-]?\d*\.\d+$/.test(c.trim())) dots++;
        }
      }
      this.decimalComma = commas > 0 && dots === 0;
    }
    this.numeric = this.names.map((name, j) => {
      const forced = this.forcedType(name);
      if (forced) return forced === 'numeric';
      // Mostly numbers with a stray word is a numeric column with a typo (reported at its row);
      // more than a few words make it a text column.
      let numbers = 0;
      let texts = 0;
      for (const r of body) {
        const k = readCell(this.number(r[j] ?? ''), this.cell);
        if (k === CELL_NUMBER || k === CELL_NON_FINITE) numbers++;
        else if (k !== CELL_MISSING) texts++;
      }
      return numbers > 0 && (texts === 0 || (numbers >= 2 && texts <= Math.max(1, 0.05 * (numbers + texts))));
    });
    const perRow = text.length / Math.max(1, text.split(this.newline).length - 1);
    const capacity = this.opts.totalBytes ? Math.ceil((this.opts.totalBytes / perRow) * 1.02) + 16 : 1024;
    this.numBuilders = this.numeric.map((n) => (n ? new NumericBuilder(capacity) : null));
    this.lines = new Int32Array(capacity);
    this.strBuilders = this.numeric.map((n) => (n ? null : new StringBuilder(capacity)));
    this.parser = new Papa.Parser({ delimiter, newline: this.newline });
    this.skipHeader = header;
    this.consume(text, final);
  }

  /** Parses complete records of `text`, keeps the unfinished tail in `pending`. */
  private consume(text: string, final: boolean): void {
    const res = this.parser!.parse(text, 0, !final) as { data: string[][]; meta: { cursor: number } };
    this.pending = final ? '' : text.slice(res.meta.cursor);
    const quoted = text.indexOf('"') >= 0;
    const data = res.data;
    const width = this.names.length;
    for (const b of this.numBuilders) b?.grow(this.rows + data.length);
    for (let i = 0; i < data.length; i++) {
      const fields = data[i]!;
      const startLine = this.line;
      this.line += quoted ? 1 + countBreaks(fields, this.newline) : 1;
      if (fields.length === 1 && fields[0]!.trim() === '') continue;
      if (this.trailingDelimiter && fields.length === width + 1) {
        if (fields[width]!.trim() !== '')
          this.fail(
            'ragged',
            `this row has a value (${quoteCell(fields[width]!)}) after the last column`,
            `Every other line ends with a delimiter: remove the extra value or give it a column in the header`,
            startLine,
          );
        fields.length = width;
      }
      if (this.skipHeader) {
        this.skipHeader = false;
        continue;
      }
      if (fields.length !== width) {
        this.fail(
          'ragged',
          `this row has ${fields.length} fields but the header has ${width}`,
          `Make every row have ${width} fields (quote fields that contain the delimiter)`,
          startLine,
        );
      }
      this.addRow(fields, startLine);
    }
  }

  /** A cell as number text: decimal commas become points when the file uses them. */
  private number(s: string): string {
    return this.decimalComma && s.indexOf(',') >= 0 ? s.replace(',', '.') : s;
  }

  private addRow(fields: string[], line: number): void {
    const r = this.rows;
    if ((r + 1) * fields.length > this.maxCells) checkCells(this.opts.file, r + 1, fields.length, this.maxCells);
    for (let j = 0; j < fields.length; j++) {
      const s = fields[j]!;
      const nb = this.numBuilders[j];
      if (nb) {
        const k = readCell(this.number(s), this.cell);
        if (k === CELL_NUMBER) nb.values[r] = this.cell[0]!;
        else if (k === CELL_MISSING) nb.values[r] = NaN;
        else if (k === CELL_NON_FINITE) {
          this.fail(
            'non-finite',
            `the cell ${quoteCell(s)} is not a finite number (NaN, Infinity, or beyond ±3.4e38)`,
            'Leave the cell empty (or write NA) to mark a missing value, or fix the number',
            line,
            this.names[j],
          );
        } else {
          this.fail(
            'non-numeric',
            `the cell ${quoteCell(s)} is not a number, but the column holds numbers`,
            'Fix the cell, leave it empty to mark it missing, or read the column as text (columnTypes)',
            line,
            this.names[j],
          );
        }
        nb.length = r + 1;
      } else {
        this.strBuilders[j]!.push(isMissingCell(s) ? null : s.trim());
      }
    }
    if (r === this.lines.length) {
      const next = new Int32Array(Math.ceil(r * 1.5));
      next.set(this.lines);
      this.lines = next;
    }
    this.lines[r] = line;
    if (line !== r + 2) this.linesRegular = false;
    this.rows++;
  }

  private table(): RawTable {
    const columns: RawColumn[] = this.names.map((name, j) => {
      const nb = this.numBuilders[j];
      if (nb) return { kind: 'numeric', name, values: nb.finish() };
      const sb = this.strBuilders[j]!;
      return promoteNumeric(name, sb.finish(), sb.dictionary, this.forcedType(name) === 'string');
    });
    const table: RawTable = { name: this.opts.file, rows: this.rows, columns };
    if (!this.linesRegular) table.sourceLines = this.lines.slice(0, this.rows);
    return table;
  }
}

/** Line breaks in a chunk (LF, or CR for old Mac files). */
function lineBreaks(text: string): number {
  let lf = 0;
  let cr = 0;
  for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) lf++;
  if (lf === 0) for (let p = text.indexOf('\r'); p >= 0; p = text.indexOf('\r', p + 1)) cr++;
  return lf || cr;
}

/** Line breaks inside quoted fields of one record, so row numbers keep matching editor lines. */
function countBreaks(fields: string[], newline: Newline): number {
  const ch = newline === '\r' ? '\r' : '\n';
  let n = 0;
  for (const f of fields) for (let p = f.indexOf(ch); p >= 0; p = f.indexOf(ch, p + 1)) n++;
  return n;
}

/** A string column whose every value is a number (its numbers came after the sample) becomes numeric. */
function promoteNumeric(name: string, codes: Int32Array, dictionary: string[], keep: boolean): RawColumn {
  const tmp = new Float64Array(1);
  const nums = new Float64Array(dictionary.length);
  let ok = !keep && dictionary.length > 0;
  for (let i = 0; ok && i < dictionary.length; i++) {
    if (readCell(dictionary[i]!, tmp) !== CELL_NUMBER) ok = false;
    else nums[i] = tmp[0]!;
  }
  if (!ok) return { kind: 'string', name, codes, dictionary };
  const values = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i]! < 0 ? NaN : nums[codes[i]!]!;
  return { kind: 'numeric', name, values };
}

/** Parses a whole CSV text at once (small files and tests). */
export function parseCsv(text: string, opts: CsvOptions): RawTable {
  const p = new CsvTableParser(opts);
  p.push(text);
  return p.end();
}
