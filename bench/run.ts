/**
 * `npm run bench`: speed and memory figures, printed as one table. Each row is measured here, on
 * this machine, in this run; engines are compared side by side on the same workloads (medians of
 * alternated runs, the machine's load noted). `npm run bench -- <suite>...` runs only some suites:
 * side-by-side, crossover, ort, data-load; `npm run bench -- gpu` prints the GPU machine's command.
 */
import { formatTable, type BenchRow } from './table.ts';

interface Suite {
  id: string;
  name: string;
  module: string;
  fn: string;
  /** Run by default (a plain `npm run bench`). */
  byDefault: boolean;
}

const SUITES: Suite[] = [
  {
    id: 'side-by-side',
    name: 'engines side by side',
    module: './side-by-side.ts',
    fn: 'benchSideBySide',
    byDefault: true,
  },
  {
    id: 'crossover',
    name: 'auto backend calibration',
    module: './backend-crossover.ts',
    fn: 'benchCrossover',
    byDefault: true,
  },
  { id: 'lenet', name: 'LeNet-5 (ORT, TS engine, PyTorch)', module: './lenet.ts', fn: 'benchLenet', byDefault: true },
  { id: 'ort', name: 'ONNX Runtime settings', module: './ort.ts', fn: 'benchOrt', byDefault: false },
  { id: 'data-load', name: 'data loading', module: './data-load.ts', fn: 'benchDataLoad', byDefault: true },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  if (only.includes('gpu')) {
    const { gpuCommand } = await import('./gpu.ts');
    console.log(gpuCommand());
    return;
  }
  const rows: BenchRow[] = [];
  for (const s of SUITES) {
    if (only.length ? !only.includes(s.id) : !s.byDefault) continue;
    const mod = (await import(s.module).catch((e: Error) => {
      rows.push({ name: `${s.name}: not run (${e.message.split('\n')[0]})`, value: NaN, unit: '' });
      return null;
    })) as Record<string, () => Promise<BenchRow[]>> | null;
    const fn = mod?.[s.fn];
    if (typeof fn === 'function') rows.push(...(await fn()));
  }
  console.log(formatTable(rows));
}

await main();
