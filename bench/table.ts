/** The bench's rows and how they print: one Markdown table for every suite. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Beside the value: its ratio to a reference measured in the same run, e.g. '1.42× PyTorch'. */
  ratio?: string;
  target?: string;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);
}

/** The rows as a Markdown table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const w = Math.max(...rows.map((r) => r.name.length), 9);
  const rw = Math.max(...rows.map((r) => r.ratio?.length ?? 0), 5);
  const out = [
    `| ${'benchmark'.padEnd(w)} | ${'value'.padStart(12)} | ${'unit'.padEnd(12)} | ${'ratio'.padEnd(rw)} | target |`,
    `|${'-'.repeat(w + 2)}|${'-'.repeat(14)}|${'-'.repeat(14)}|${'-'.repeat(rw + 2)}|--------|`,
  ];
  for (const r of rows)
    out.push(
      `| ${r.name.padEnd(w)} | ${(Number.isNaN(r.value) ? '-' : fmt(r.value)).padStart(12)} | ${r.unit.padEnd(12)} | ${(r.ratio ?? '').padEnd(rw)} | ${r.target ?? ''} |`,
    );
  return out.join('\n');
}
