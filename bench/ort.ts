/**
 * Training throughput of the ONNX Runtime backend (CPU provider) beside the TypeScript engine, for
 * `npm run bench` and standalone (`npx tsx bench/ort.ts`).
 *
 * MLP 784-128-64-10, ReLU, softmax cross-entropy, Adam, batch 128, one epoch of 60,000 synthetic
 * MNIST-sized rows. Rows: through the Trainer (one run per mini-batch), K mini-batches unrolled
 * per run (stepMany) at 1 and 2 threads, the same with another process spinning on one core, the
 * fixed cost of one run, and the TypeScript engine on the same network. Rates are the best of 3 runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { buildForward } from '../src-engine/model/compile.ts';
import { createOrtBackend } from '../src-engine/node/ort/index.ts';
import { defaultThreads } from '../src-engine/node/ort/runtime.ts';
import { makeTrainConfig, type TrainConfig } from '../src-engine/train/config.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { chainGraph } from '../src-engine/train/templates.ts';
import { Trainer } from '../src-engine/train/trainer.ts';
import { TsBackend } from '../src-engine/train/ts-backend.ts';
import { initWeights } from '../src-engine/model/compile.ts';
import type { BenchRow } from './table.ts';
import { syntheticDigits } from './workloads.ts';

const ROWS = 60_000;
const BATCH = 128;

/** Best of several runs: on a machine shared with other work, the fastest run is the least disturbed. */
function best(xs: number[]): number {
  return Math.max(...xs);
}

const mlp = () =>
  chainGraph(
    784,
    [
      { units: 128, activation: 'relu' },
      { units: 64, activation: 'relu' },
    ],
    { units: 10, activation: 'softmax', loss: 'cce' },
  );
const adam = (): TrainConfig =>
  makeTrainConfig({ epochs: 1, batchSize: BATCH, optimizer: { name: 'adam', lr: 0.001 }, seed: 1, shuffle: false });

interface Variant {
  K: number;
  threads: number;
}

/**
 * Samples/s of one epoch through stepMany (K batches per run; K = 1 is the single-step graph) and
 * samples per CPU-second of this process, for several settings measured in alternation, round after
 * round, so that load from elsewhere falls on all of them alike. Best of `rounds` each.
 */
async function stepManyRates(
  variants: Variant[],
  data: ReturnType<typeof syntheticDigits>,
  rounds = 3,
): Promise<{ wall: number; cpu: number }[]> {
  const backends = await Promise.all(
    variants.map((v) => createOrtBackend({ graph: mlp(), config: adam(), threads: v.threads, stepsPerRun: v.K })),
  );
  const lr = [0.001];
  // Warm-up: the first run of each session allocates and plans.
  for (const [i, v] of variants.entries()) await backends[i]!.stepMany(data.x, data.y, BATCH, v.K, lr, 1);
  const wall = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      const per = v.K * BATCH;
      const groups = Math.floor(data.rows / per);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let g = 0; g < groups; g++)
        await backends[i]!.stepMany(
          data.x.subarray(g * per * 784),
          data.y.subarray(g * per * 10),
          BATCH,
          v.K,
          lr,
          2 + g * v.K,
        );
      const c = process.cpuUsage(c0);
      wall[i]!.push((groups * per) / ((performance.now() - t0) / 1000));
      cpu[i]!.push((groups * per) / ((c.user + c.system) / 1e6));
    }
  }
  for (const b of backends) await b.dispose();
  return variants.map((_, i) => ({ wall: best(wall[i]!), cpu: best(cpu[i]!) }));
}

/**
 * Samples/s of one epoch through the Trainer with default threads, for each K in `ks`, runs
 * interleaved so that a burst of load elsewhere hits every K alike. With K > 1 a trainer that groups
 * mini-batches (TrainBackend.stepMany) runs K per call; `grouped` says whether it did.
 */
async function trainerRates(
  data: ReturnType<typeof syntheticDigits>,
  ks: number[],
): Promise<{ rate: number; grouped: boolean }[]> {
  const rates = ks.map(() => [] as number[]);
  const grouped = ks.map(() => false);
  for (let r = 0; r < 3; r++) {
    for (const [i, K] of ks.entries()) {
      const backend = await createOrtBackend({ graph: mlp(), config: adam(), stepsPerRun: K });
      const inner = backend.stepMany.bind(backend);
      backend.stepMany = (...args) => ((grouped[i] = true), inner(...args));
      const done = await new Trainer({
        graph: mlp(),
        config: adam(),
        train: data,
        backend,
        now: () => performance.now(),
      }).runToEnd();
      rates[i]!.push(done.samplesPerSec);
      await backend.dispose();
    }
  }
  return ks.map((_, i) => ({ rate: best(rates[i]!), grouped: grouped[i]! }));
}

/** Fixed cost of one run: a 2-8-8-1 step on 8 rows, where the math is negligible (microseconds). */
async function perRunOverhead(): Promise<number> {
  const graph = chainGraph(
    2,
    [
      { units: 8, activation: 'tanh' },
      { units: 8, activation: 'tanh' },
    ],
    { units: 1, activation: 'sigmoid', loss: 'bce' },
  );
  const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 } });
  const backend = await createOrtBackend({ graph, config, threads: 1 });
  const x = new Float32Array(16).fill(0.3);
  const y = new Float32Array(8).fill(1);
  for (let i = 0; i < 200; i++) await backend.step(x, y, 8, 0.01, i + 1);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await backend.step(x, y, 8, 0.01, i + 1);
    times.push(((performance.now() - t0) / 1000) * 1000);
  }
  await backend.dispose();
  return Math.min(...times);
}

/** TypeScript engine, same network and batch, on fewer rows (it is the slow reference). */
function tsRate(data: ReturnType<typeof syntheticDigits>): number {
  const graph = mlp();
  const config = adam();
  const ts = new TsBackend(
    graph,
    config,
    initWeights(buildForward(graph, { training: true }).params, new SeededRng(1)),
    new SeededRng(2),
  );
  const batches = 60;
  ts.step(data.x, data.y, BATCH, 0.001, 1);
  const t0 = performance.now();
  for (let b = 0; b < batches; b++)
    ts.step(data.x.subarray(b * BATCH * 784), data.y.subarray(b * BATCH * 10), BATCH, 0.001, b + 2);
  return (batches * BATCH) / ((performance.now() - t0) / 1000);
}

/** A process spinning on one core, to see how thread settings hold up next to a busy neighbour. */
function busyNeighbour(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/** All rows for the bench table. */
export async function benchOrt(): Promise<BenchRow[]> {
  const data = syntheticDigits(ROWS);
  const rows: BenchRow[] = [];
  const name = (s: string) => `ORT cpu: MLP 784-128-64-10, Adam, b128, ${s}`;
  rows.push({ name: 'TS engine (same net, 7,680 rows)', value: tsRate(data), unit: 'samples/s' });
  const defThreads = defaultThreads(availableParallelism());
  const [k1, k8] = (await trainerRates(data, [1, 8])) as [
    { rate: number; grouped: boolean },
    { rate: number; grouped: boolean },
  ];
  rows.push({ name: name(`Trainer, 1 step per run, ${defThreads} thread(s)`), value: k1.rate, unit: 'samples/s' });
  rows.push({
    name: name(
      `Trainer, K=8 per run${k8.grouped ? '' : ' (trainer does not group: 1 per run)'}, ${defThreads} thread(s)`,
    ),
    value: k8.rate,
    unit: 'samples/s',
    target: '>= 100,000',
  });
  const variants: Variant[] = [1, 4, 8, 16].flatMap((K) => [
    { K, threads: 1 },
    { K, threads: 2 },
  ]);
  const rates = await stepManyRates(variants, data);
  variants.forEach((v, i) => {
    const t = `${v.threads} thread${v.threads === 1 ? '' : 's'}`;
    rows.push({
      name: name(`K=${v.K} per run, ${t}`),
      value: rates[i]!.wall,
      unit: 'samples/s',
      ...(v.K === 8 ? { target: '>= 100,000' } : {}),
    });
    if (v.threads === 1)
      rows.push({ name: name(`K=${v.K} per run, ${t}, per CPU-second`), value: rates[i]!.cpu, unit: 'samples/cpu-s' });
  });
  const busy = busyNeighbour();
  try {
    await new Promise((r) => setTimeout(r, 200));
    const contended: Variant[] = [
      { K: 8, threads: 1 },
      { K: 8, threads: 2 },
    ];
    const c = await stepManyRates(contended, data, 4);
    contended.forEach((v, i) =>
      rows.push({
        name: name(`K=8, ${v.threads} thread${v.threads === 1 ? '' : 's'}, other process busy on 1 core`),
        value: c[i]!.wall,
        unit: 'samples/s',
      }),
    );
  } finally {
    busy.kill();
  }
  rows.push({
    name: 'ORT cpu: fixed cost of one run (2-8-8-1 step, 8 rows)',
    value: await perRunOverhead(),
    unit: 'µs/run',
  });
  // Other processes share this machine: the 1-minute load average says how much to trust wall times.
  rows.push({
    name: 'machine load average (1 min) after the ORT runs',
    value: loadavg()[0]!,
    unit: `/${availableParallelism()} cores`,
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchOrt())
    console.log(
      `${r.name.padEnd(78)} ${Math.round(r.value).toLocaleString('en-US').padStart(9)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`,
    );
}
