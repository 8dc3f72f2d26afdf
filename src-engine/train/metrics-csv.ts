/** Per-epoch metrics as CSV, shared by the app's export and the CLI's. */

const PREFERRED = ['epoch', 'loss', 'accuracy', 'mse', 'r2', 'val_loss', 'val_accuracy', 'val_mse', 'val_r2', 'lr'];

/** One row per record; columns in a fixed order (then any others), only those some record has; empty cells where a metric does not apply. */
export function metricsCsv(records: readonly Readonly<Record<string, number | undefined>>[]): string {
  const keys = new Set<string>(['epoch']);
  for (const r of records) for (const [k, v] of Object.entries(r)) if (v !== undefined) keys.add(k);
  const cols = [...PREFERRED.filter((c) => keys.has(c)), ...[...keys].filter((k) => !PREFERRED.includes(k)).sort()];
  const lines = [cols.join(',')];
  for (const r of records) lines.push(cols.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(','));
  return lines.join('\n') + '\n';
}
