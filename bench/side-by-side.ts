/**
 * Every engine on the same workloads and data in the same run (`npm run bench`): Netwright's
 * TypeScript engine and ONNX Runtime backend, PyTorch (where python3 has torch), TensorFlow.js's
 * WebAssembly backend and a naive loop. Runners are measured in alternation, round after round, so
 * that load from elsewhere on a shared machine falls on all of them alike; each figure is the median
 * of the rounds, and each Netwright figure is printed with its ratio to PyTorch (and to the baseline
 * its target names). The machine's load average is noted before and after.
 *
 *   npx tsx bench/side-by-side.ts [--rounds 5] [--runners ts,naive] [mlp tiny ...]
 */
import { availableParallelism, loadavg } from 'node:os';
import { CompiledModel } from '../src-engine/model/compile.ts';
import { chooseBackend } from '../src-engine/train/backend-choice.ts';
import { naiveRunner } from './runners/naive.ts';
import { ortRunner, tsRunner } from './runners/netwright.ts';
import { pytorchRunner } from './runners/pytorch.ts';
import { median, type Measure, type Runner } from './runners/runner.ts';
import { tfjsRunner } from './runners/tfjs.ts';
import type { BenchRow } from './table.ts';
import { GPU_WORKLOADS, WORKLOADS, type Workload } from './workloads.ts';

/** Targets: a runner's median against another's on the same workload. */
const TARGETS: { workload: string; runner: string; against: string; factor: number }[] = [
  { workload: 'mlp', runner: 'ort', against: 'pytorch', factor: 1.2 },
  { workload: 'mlp', runner: 'ts', against: 'tfjs', factor: 2 },
  { workload: 'tiny', runner: 'ts', against: 'naive', factor: 3 },
];

const SHORT: Record<string, string> = { pytorch: 'PyTorch', tfjs: 'TF.js wasm', naive: 'naive loop', ts: 'TS engine' };

const load = (): string => `${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

/** Rows for the bench table: every runner on every workload, medians of `rounds` alternated runs. */
export async function benchSideBySide(
  opts: { workloads?: Workload[]; rounds?: number; runners?: string[] } = {},
): Promise<BenchRow[]> {
  const workloads = opts.workloads ?? WORKLOADS;
  const rounds = opts.rounds ?? 5;
  const rows: BenchRow[] = [{ name: `machine load (1-min average) before: ${load()}`, value: NaN, unit: '' }];
  const wanted = (id: string) => !opts.runners || opts.runners.includes(id);
  const torch = wanted('pytorch') ? await pytorchRunner() : 'PyTorch: not asked for';
  const runners: Runner[] = [
    ...(typeof torch === 'string' ? [] : [torch]),
    ortRunner(),
    tsRunner,
    tfjsRunner,
    naiveRunner,
  ].filter((r) => wanted(r.id));
  if (typeof torch === 'string' && wanted('pytorch')) rows.push({ name: torch, value: NaN, unit: '' });
  try {
    const plan: { w: Workload; r: Runner; measure: Measure; rates: number[]; failed?: string }[] = [];
    for (const w of workloads)
      for (const r of runners) {
        try {
          const measure = await r.prepare(w);
          if (measure) plan.push({ w, r, measure, rates: [] });
        } catch (e) {
          rows.push({ name: `${w.id}: ${r.label} failed: ${(e as Error).message}`, value: NaN, unit: '' });
        }
      }
    for (let round = 0; round < rounds; round++)
      for (const p of plan.filter((q) => !q.failed))
        p.rates.push(
          await p.measure().catch((e: Error) => {
            p.failed = e.message;
            rows.push({ name: `${p.w.id}: ${p.r.label} failed: ${e.message}`, value: NaN, unit: '' });
            return NaN;
          }),
        );
    plan.splice(0, plan.length, ...plan.filter((p) => !p.failed));
    for (const w of workloads) {
      const mine = plan.filter((p) => p.w === w);
      const rate = (id: string) => {
        const p = mine.find((q) => q.r.id === id);
        return p ? median(p.rates) : undefined;
      };
      const torchRate = rate('pytorch');
      const choice = chooseBackend({ model: new CompiledModel(w.graph()), config: w.config, rows: w.data().rows });
      for (const p of mine) {
        const v = median(p.rates);
        const ratios: string[] = [];
        if (torchRate && p.r.id !== 'pytorch') ratios.push(`${(v / torchRate).toFixed(2)}× PyTorch`);
        const target = TARGETS.find((t) => t.workload === w.id && t.runner === p.r.id);
        if (target && target.against !== 'pytorch') {
          const ref = rate(target.against);
          if (ref) ratios.push(`${(v / ref).toFixed(2)}× ${SHORT[target.against]}`);
        }
        const spread = `${Math.round(Math.min(...p.rates)).toLocaleString('en-US')}–${Math.round(Math.max(...p.rates)).toLocaleString('en-US')}`;
        rows.push({
          name: `${w.title}: ${p.r.label}${choice.backend === p.r.id ? ' [auto]' : ''} (runs ${spread})`,
          value: v,
          unit: w.unit,
          ...(ratios.length ? { ratio: ratios.join(', ') } : {}),
          ...(target ? { target: `>= ${target.factor}× ${SHORT[target.against]}` } : {}),
        });
      }
      rows.push({ name: `${w.title}: auto picks ${choice.backend}: ${choice.reason}`, value: NaN, unit: '' });
    }
  } finally {
    for (const r of runners) await r.close?.();
  }
  rows.push({
    name: `machine load (1-min average) after: ${load()}; median of ${rounds} alternated runs each`,
    value: NaN,
    unit: '',
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./table.ts');
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : undefined;
  const ra = args.indexOf('--runners');
  const runners = ra >= 0 ? args[ra + 1]!.split(',') : undefined;
  const ids = args.filter((a, i) => !a.startsWith('--') && !((at >= 0 && i === at + 1) || (ra >= 0 && i === ra + 1)));
  const workloads = ids.length ? [...WORKLOADS, ...GPU_WORKLOADS].filter((w) => ids.includes(w.id)) : WORKLOADS;
  console.log(
    formatTable(await benchSideBySide({ workloads, ...(rounds ? { rounds } : {}), ...(runners ? { runners } : {}) })),
  );
}
