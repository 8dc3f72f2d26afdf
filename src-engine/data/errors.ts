/** Typed errors for every way a data file can be wrong, with the place and a suggested fix. */

export type DataErrorCode =
  | 'empty' // nothing in the file
  | 'header-only' // a header and no data rows
  | 'ragged' // a row with the wrong number of fields
  | 'non-numeric' // text in a numeric column
  | 'non-finite' // NaN or Infinity where a number must be
  | 'binary' // binary bytes where text was expected
  | 'bad-format' // structure does not match the format (bad magic, bad header, bad JSON shape)
  | 'truncated' // fewer bytes than the header promises
  | 'unsupported' // a valid file using a feature we do not read (dtype, compression, ...)
  | 'mismatch' // parts that must agree do not (image sizes, image/label counts)
  | 'unreadable' // a file that cannot be decoded at all
  | 'single-class' // a classification target with one class
  | 'missing-values' // missing cells and the user chose to refuse them
  | 'unknown-column' // a named column does not exist
  | 'no-features' // nothing left to train on
  | 'vanished' // the file disappeared while loading
  | 'cancelled' // the caller aborted the load
  | 'too-large' // beyond a limit (cells, decompressed size); the hint names the setting that raises it
  | 'io'; // any other read failure

export interface DataErrorInit {
  code: DataErrorCode;
  /** The file (or folder) the problem is in. */
  file: string;
  /** What is wrong, without the place. */
  problem: string;
  /** How to fix it. */
  hint: string;
  /** 1-based row as a text editor shows it (header counted), when the problem has a row. */
  row?: number;
  /** Column name (or 1-based index when there is no name). */
  column?: string;
}

/** An error a loader or `prepare` raises on bad input: names the file, row and column, and a fix. */
export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
  readonly hint: string;
  readonly problem: string;

  constructor(init: DataErrorInit) {
    super(formatMessage(init));
    this.name = 'DataError';
    this.code = init.code;
    this.file = init.file;
    this.problem = init.problem;
    this.hint = init.hint;
    if (init.row !== undefined) this.row = init.row;
    if (init.column !== undefined) this.column = init.column;
  }
}

function formatMessage(e: DataErrorInit): string {
  const where: string[] = [];
  if (e.row !== undefined) where.push(`row ${e.row}`);
  if (e.column !== undefined) where.push(`column "${e.column}"`);
  const place = where.length > 0 ? `${e.file} (${where.join(', ')})` : e.file;
  return `${place}: ${e.problem}. ${e.hint}`;
}

/** True when `e` is a DataError (also across realms, where instanceof fails). */
export function isDataError(e: unknown): e is DataError {
  return e instanceof DataError || (e instanceof Error && e.name === 'DataError' && 'code' in e);
}
