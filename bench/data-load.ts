/**
 * Large-file streaming benchmark for the data loaders.
 *
 *   npx tsx bench/data-load.ts           # 1M rows x 20 numeric columns (~200 MB CSV)
 *   npx tsx bench/data-load.ts --rows N  # a smaller or larger file
 *
 * Writes a seeded CSV into a temp dir, then loads it with loadTable in a fresh child process (so
 * peak RSS is the loader's, not the generator's) with progress events, and reports load time and
 * peak RSS against the targets: under 15 s, and peak RSS under 3x the float32 size of the data.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRng } from '../src-engine/tensor/rng.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  target: string;
}

const COLS = 20;

/** Writes `rows` x 20 seeded numbers (about 200 bytes a row) to `path`. */
export function writeBenchCsv(path: string, rows: number, seed = 42): void {
  const rng = new SeededRng(seed);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, Array.from({ length: COLS }, (_, j) => `f${j + 1}`).join(',') + '\n');
    const batch: string[] = [];
    const cells: string[] = new Array<string>(COLS);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < COLS; j++) cells[j] = (rng.normal() * (j + 1)).toFixed(j < 4 ? 7 : 6);
      batch.push(cells.join(','));
      if (batch.length === 10_000 || r === rows - 1) {
        writeSync(fd, batch.join('\n') + '\n');
        batch.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
}

interface ChildResult {
  ms: number;
  maxRssBytes: number;
  /** RSS just before the load starts (Node, tsx and the loader code). */
  startRssBytes: number;
  rows: number;
  columns: number;
  progressEvents: number;
  lastProgress: [number, number];
}

/** The child's side: load the file and print timings as JSON. */
async function child(path: string): Promise<void> {
  const { loadTable } = await import('../src-engine/node/data/load-table.ts');
  let events = 0;
  let last: [number, number] = [0, 0];
  const startRssBytes = process.memoryUsage().rss;
  const t0 = performance.now();
  const table = await loadTable(path, {
    onProgress: (read, total) => {
      events++;
      last = [read, total];
    },
  });
  const ms = performance.now() - t0;
  const res: ChildResult = {
    ms,
    startRssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rows: table.rows,
    columns: table.columns.length,
    progressEvents: events,
    lastProgress: last,
  };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

/** Generates the file, loads it in a child process, and returns the rows of the report. */
export async function benchDataLoad(rows = 1_000_000): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nw-bench-data-'));
  try {
    const path = join(dir, 'bench.csv');
    writeBenchCsv(path, rows);
    const bytes = statSync(path).size;
    const self = fileURLToPath(import.meta.url);
    const out = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', path], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (out.status !== 0) throw new Error(`loader child failed: ${out.stderr || out.stdout}`);
    const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as ChildResult;
    if (r.rows !== rows || r.columns !== COLS)
      throw new Error(`loaded ${r.rows}x${r.columns}, expected ${rows}x${COLS}`);
    if (r.lastProgress[0] !== bytes || r.lastProgress[1] !== bytes)
      throw new Error('progress did not reach the file size');
    const f32 = rows * COLS * 4;
    const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
    return [
      {
        name: `data-load csv size (${rows} rows x ${COLS} cols)`,
        value: mb(bytes),
        unit: 'MiB',
        target: '~200 MB for 1M rows',
      },
      { name: 'data-load csv load time', value: Math.round(r.ms) / 1000, unit: 's', target: '< 15 s' },
      {
        name: 'data-load csv throughput',
        value: Math.round(bytes / 2 ** 20 / (r.ms / 1000)),
        unit: 'MiB/s',
        target: '> 13 MiB/s',
      },
      {
        name: 'data-load csv peak RSS',
        value: mb(r.maxRssBytes),
        unit: 'MiB',
        target: `< ${mb(3 * f32)} MiB (3x float32 data)`,
      },
      {
        name: 'data-load csv peak RSS / float32 size',
        value: Math.round((r.maxRssBytes / f32) * 100) / 100,
        unit: 'x',
        target: '< 3 (whole process, tsx included)',
      },
      {
        name: 'data-load csv RSS growth during load',
        value: mb(r.maxRssBytes - r.startRssBytes),
        unit: 'MiB',
        target: `< ${mb(3 * f32)} MiB`,
      },
      { name: 'data-load csv progress events', value: r.progressEvents, unit: 'events', target: '> 1' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') await child(args[1]!);
  else {
    const i = args.indexOf('--rows');
    const rows = i >= 0 ? Number(args[i + 1]) : 1_000_000;
    const report = await benchDataLoad(rows);
    const w = Math.max(...report.map((r) => r.name.length));
    for (const r of report)
      console.log(`${r.name.padEnd(w)}  ${String(r.value).padStart(10)} ${r.unit.padEnd(6)}  target ${r.target}`);
  }
}
