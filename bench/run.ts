/**
 * `npm run bench`: speed and memory targets, printed as one table. Each row is measured here, on
 * this machine (medians of several runs where it says so), and compared with its target.
 */
import { benchEngine, type BenchRow } from './engine.ts';

type Suite = { name: string; module: string; fn: string };

const SUITES: Suite[] = [
  { name: 'ONNX Runtime backend', module: './ort.ts', fn: 'benchOrt' },
  { name: 'LeNet-5 (ORT, TS engine, PyTorch)', module: './lenet.ts', fn: 'benchLenet' },
  { name: 'data loading', module: './data-load.ts', fn: 'benchDataLoad' },
];

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  if (!only.length || only.includes('engine')) rows.push(...(await benchEngine()));
  for (const s of SUITES) {
    if (only.length && !only.some((o) => s.module.includes(o))) continue;
    const mod = (await import(s.module).catch((e: Error) => {
      rows.push({ name: `${s.name}: not run (${e.message.split('\n')[0]})`, value: NaN, unit: '' });
      return null;
    })) as Record<string, () => Promise<BenchRow[]>> | null;
    const fn = mod?.[s.fn];
    if (typeof fn === 'function') rows.push(...(await fn()));
  }
  const w = Math.max(...rows.map((r) => r.name.length), 9);
  const line = `| ${'benchmark'.padEnd(w)} | ${'value'.padStart(12)} | ${'unit'.padEnd(10)} | target |`;
  console.log(line);
  console.log(`|${'-'.repeat(w + 2)}|${'-'.repeat(14)}|${'-'.repeat(12)}|--------|`);
  for (const r of rows)
    console.log(
      `| ${r.name.padEnd(w)} | ${(Number.isNaN(r.value) ? '-' : fmt(r.value)).padStart(12)} | ${r.unit.padEnd(10)} | ${r.target ?? ''} |`,
    );
}

await main();
