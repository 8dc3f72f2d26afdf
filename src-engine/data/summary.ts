/** A JSON-serialisable overview of a table for the UI and the CLI's one-line report. */
import { type ColumnType, inferColumnTypes, missingCount } from './columns.ts';
import type { Task } from './dataset.ts';
import { numericStats } from './fit.ts';
import { type RawTable, cellValue, findColumn } from './table.ts';
import { targetClasses } from './target.ts';

export interface ColumnSummary {
  name: string;
  type: ColumnType;
  missing: number;
  /** Numeric columns: range and mean of the non-missing values (null when all are missing). */
  min?: number | null;
  max?: number | null;
  mean?: number | null;
  /** Distinct non-missing values (string columns, and numeric ones with few values). */
  distinct?: number;
  /** Most frequent values with counts (categorical and boolean columns; at most 20). */
  categories?: { value: string; count: number }[];
}

export interface DatasetSummary {
  name: string;
  rows: number;
  columns: ColumnSummary[];
  missingCells: number;
  target?: string;
  task?: Task;
  /** Rows per class of the target (classification), in class order. */
  classBalance?: { label: string; count: number }[];
  /** Up to 10 first rows, cells in column order; null is missing. */
  firstRows: (number | string | null)[][];
  /** Per-row image shape [h, w, c] for image data. */
  imageShape?: [number, number, number];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v + 0 : null);

/** Summarises a table: column types, ranges, missing counts, class balance of `target`, first rows. */
export function summarize(table: RawTable, target?: string, columnTypes?: Record<string, ColumnType>): DatasetSummary {
  const types = inferColumnTypes(table, columnTypes);
  const all = new Uint32Array(table.rows);
  for (let i = 0; i < table.rows; i++) all[i] = i;
  let missingCells = 0;
  const columns = table.columns.map((col): ColumnSummary => {
    const missing = missingCount(col);
    missingCells += missing;
    const s: ColumnSummary = { name: col.name, type: types[col.name]!, missing };
    if (col.kind === 'numeric') {
      const st = numericStats(col, all);
      s.min = finiteOrNull(st.min);
      s.max = finiteOrNull(st.max);
      s.mean = st.count > 0 ? st.mean + 0 : null;
    }
    if (s.type === 'categorical' || s.type === 'boolean' || col.kind === 'string') {
      const counts = new Map<string, number>();
      if (col.kind === 'string') {
        const byCode = new Float64Array(col.dictionary.length);
        for (let i = 0; i < col.codes.length; i++) if (col.codes[i]! >= 0) byCode[col.codes[i]!]!++;
        col.dictionary.forEach((v, k) => byCode[k]! > 0 && counts.set(v, byCode[k]!));
      } else {
        for (let i = 0; i < col.values.length && counts.size <= 1000; i++) {
          const v = col.values[i]!;
          if (v === v) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
        }
      }
      s.distinct = counts.size;
      if (s.type !== 'text')
        s.categories = [...counts]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 20)
          .map(([value, count]) => ({ value, count }));
    }
    return s;
  });
  const firstRows: (number | string | null)[][] = [];
  for (let r = 0; r < Math.min(10, table.rows); r++) firstRows.push(table.columns.map((c) => cellValue(c, r)));
  const out: DatasetSummary = { name: table.name, rows: table.rows, columns, missingCells, firstRows };
  if (table.image) out.imageShape = table.image.shape;
  const tcol = target === undefined ? undefined : findColumn(table, target);
  if (tcol) {
    out.target = tcol.name;
    const kept: number[] = [];
    for (let r = 0; r < table.rows; r++) if (cellValue(tcol, r) !== null) kept.push(r);
    try {
      const enc = targetClasses(table, tcol, types[tcol.name]!, kept);
      out.task = enc.task;
      if (enc.task !== 'regression') {
        const counts = new Map<string, number>();
        for (const r of kept) {
          const k = String(cellValue(tcol, r));
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        out.classBalance = enc.classNames.map((label) => ({ label, count: counts.get(label) ?? 0 }));
      }
    } catch {
      // A target with a single class has no task; prepare() reports it as an error.
    }
  }
  return out;
}

/** One line for the CLI before training, e.g. `penguins.csv: 344 rows, 7 columns (...); target Species: multiclass ...`. */
export function summaryLine(s: DatasetSummary): string {
  const byType = new Map<string, number>();
  for (const c of s.columns) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
  const types = (['numeric', 'categorical', 'boolean', 'text'] as const)
    .filter((t) => byType.has(t))
    .map((t) => `${byType.get(t)} ${t}`)
    .join(', ');
  let line = `${s.name}: ${s.rows} rows, ${s.columns.length} columns (${types})`;
  if (s.imageShape) {
    const [h, w, c] = s.imageShape;
    line += `, ${c}×${h}×${w} images (channels × height × width)`;
  }
  line += `, ${s.missingCells} missing cells`;
  if (s.target) {
    line += `; target ${s.target}: ${s.task ?? 'single class'}`;
    if (s.classBalance) {
      const shown = s.classBalance.slice(0, 10).map((c) => `${c.label}: ${c.count}`);
      line += ` (${shown.join(', ')}${s.classBalance.length > 10 ? `, +${s.classBalance.length - 10} more` : ''})`;
    }
  }
  return line;
}
