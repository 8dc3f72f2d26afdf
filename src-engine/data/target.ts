/** The target column: which task it implies and, for classification, its class names. */
import type { ColumnType } from './columns.ts';
import { booleanWord, usedDictionary } from './columns.ts';
import type { Task } from './dataset.ts';
import { DataError } from './errors.ts';
import type { TargetEncoding } from './preprocess.ts';
import { type RawColumn, type RawTable, selectRows } from './table.ts';

/** Numeric targets with at most this many distinct integer values are treated as classes. */
export const MAX_INTEGER_CLASSES = 20;

/** Distinct values of a column over some rows: numbers sorted ascending, strings sorted, missing skipped. */
export function distinctValues(
  col: RawColumn,
  rows: ArrayLike<number>,
  limit = Infinity,
): { numbers: number[]; strings: string[] } {
  if (col.kind === 'numeric') {
    const seen = new Set<number>();
    for (let i = 0; i < rows.length && seen.size <= limit; i++) {
      const v = col.values[rows[i]!]!;
      if (v === v) seen.add(v);
    }
    return { numbers: [...seen].sort((a, b) => a - b), strings: [] };
  }
  const picked = selectRows({ name: '', rows: 0, columns: [col] }, rows).columns[0] as Extract<
    RawColumn,
    { kind: 'string' }
  >;
  return { numbers: [], strings: usedDictionary(picked).sort() };
}

/** Infers (or checks the override of) the task and class names of the target over the kept rows. */
export function targetClasses(
  table: RawTable,
  col: RawColumn,
  type: ColumnType,
  rows: ArrayLike<number>,
  override?: Task,
): TargetEncoding {
  const file = table.name;
  const column = col.name;
  const { numbers, strings } = distinctValues(col, rows, 10_000);
  let classNames: string[];
  if (col.kind === 'numeric') {
    const integral = numbers.every((v) => Number.isInteger(v));
    const looksClass =
      type === 'boolean' || type === 'categorical' || (integral && numbers.length <= MAX_INTEGER_CLASSES);
    const task = override ?? (looksClass ? (numbers.length <= 2 ? 'binary' : 'multiclass') : 'regression');
    if (task === 'regression') {
      if (numbers.length < 2) throw singleClass(file, column, numbers.map(String));
      return { column, task };
    }
    classNames = numbers.map(String);
  } else {
    if (override === 'regression') {
      throw new DataError({
        code: 'non-numeric',
        file,
        column,
        problem: 'a regression target must be numeric, but this column holds text',
        hint: 'Choose a numeric target column, or a classification task',
      });
    }
    classNames = strings;
    // Booleans read false-first so the positive class is "true"/"yes".
    if (type === 'boolean' && classNames.length === 2 && booleanWord(classNames[0]!) === 1) classNames.reverse();
  }
  if (classNames.length < 2) throw singleClass(file, column, classNames);
  const task = override ?? (classNames.length === 2 ? 'binary' : 'multiclass');
  if (task === 'binary' && classNames.length > 2) {
    throw new DataError({
      code: 'bad-format',
      file,
      column,
      problem: `a binary target needs 2 classes, this one has ${classNames.length}`,
      hint: 'Choose multiclass classification',
    });
  }
  if (classNames.length > 1000) {
    throw new DataError({
      code: 'bad-format',
      file,
      column,
      problem: `the target has ${classNames.length} distinct values, too many classes`,
      hint: 'Choose regression, or a target with fewer classes',
    });
  }
  return { column, task: task as 'binary' | 'multiclass', classNames };
}

function singleClass(file: string, column: string, classes: string[]): DataError {
  return new DataError({
    code: 'single-class',
    file,
    column,
    problem: `the target has a single value${classes[0] !== undefined ? ` (${classes[0]})` : ''} in every row`,
    hint: 'Choose a target column whose rows have at least two different values',
  });
}
