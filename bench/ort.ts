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
import { buildForward } from '../src-engine/backprop/model.ts';
import { createOrtBackend } from '../src-engine/node/ort/index.ts';
import { defaultThreads } from '../src-engine/node/ort/runtime.ts';
import { makeTrainConfig, type TrainConfig } from '../src-engine/train/config.ts';
import { SeededRng } from '../src-engine/train/rng.ts';
import { chainGraph } from '../src-engine/train/templates.ts';
import { Trainer } from '../src-engine/train/trainer.ts';
import { initWeights, TsBackend } from '../src-engine/train/ts-backend.ts';
import { syntheticDigits, type BenchRow } from './engine.ts';

const ROWS = 60_000;
const BATCH = 128;

/** Best of several runs: on a machine shared with other work, the fastest run is the least disturbed. */
function best(xs: number[]): number {
  return Math.max(...xs);
}

const mlp = () => chainGraph(784, [{ units: 128, activation: 'relu' }, { units: 64, activation: 'relu' }], { units: 10, activation: 'softmax', loss: 'cce' });
const adam = (): TrainConfig => makeTrainConfig({ epochs: 1, batchSize: BATCH, optimizer: { name: 'adam', lr: 0.001 }, seed: 1, shuffle: false });

/**
 * Samples/s of one epoch through stepMany with K batches per run (K = 1 runs the single-step graph),
 * and samples per CPU-second of this process (steadier than wall time on a shared machine).
 */
async function stepManyRates(K: number, threads: number, data: ReturnType<typeof syntheticDigits>, runs = 3): Promise<{ wall: number; cpu: number }> {
  const backend = await createOrtBackend({ graph: mlp(), config: adam(), threads, stepsPerRun: K });
  const per = K * BATCH;
  const groups = Math.floor(data.rows / per);
  const lr = [0.001];
  // Warm-up: the first run allocates and plans.
  await backend.stepMany(data.x, data.y, BATCH, K, lr, 1);
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let g = 0; g < groups; g++) await backend.stepMany(data.x.subarray(g * per * 784), data.y.subarray(g * per * 10), BATCH, K, lr, 2 + g * K);
    const c = process.cpuUsage(c0);
    rates.push((groups * per) / ((performance.now() - t0) / 1000));
    cpu.push((groups * per) / ((c.user + c.system) / 1e6));
  }
  await backend.dispose();
  return { wall: best(rates), cpu: best(cpu) };
}

async function stepManyRate(K: number, threads: number, data: ReturnType<typeof syntheticDigits>): Promise<number> {
  return (await stepManyRates(K, threads, data)).wall;
}

/**
 * Samples/s of one epoch through the Trainer with default threads, for each K in `ks`, runs
 * interleaved so that a burst of load elsewhere hits every K alike. With K > 1 a trainer that groups
 * mini-batches (TrainBackend.stepMany) runs K per call; `grouped` says whether it did.
 */
async function trainerRates(data: ReturnType<typeof syntheticDigits>, ks: number[]): Promise<{ rate: number; grouped: boolean }[]> {
  const rates = ks.map(() => [] as number[]);
  const grouped = ks.map(() => false);
  for (let r = 0; r < 3; r++) {
    for (const [i, K] of ks.entries()) {
      const backend = await createOrtBackend({ graph: mlp(), config: adam(), stepsPerRun: K });
      const inner = backend.stepMany.bind(backend);
      backend.stepMany = (...args) => ((grouped[i] = true), inner(...args));
      const done = await new Trainer({ graph: mlp(), config: adam(), train: data, backend, now: () => performance.now() }).runToEnd();
      rates[i]!.push(done.samplesPerSec);
      await backend.dispose();
    }
  }
  return ks.map((_, i) => ({ rate: best(rates[i]!), grouped: grouped[i]! }));
}

/** Fixed cost of one run: a 2-8-8-1 step on 8 rows, where the math is negligible (microseconds). */
async function perRunOverhead(): Promise<number> {
  const graph = chainGraph(2, [{ units: 8, activation: 'tanh' }, { units: 8, activation: 'tanh' }], { units: 1, activation: 'sigmoid', loss: 'bce' });
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
  const ts = new TsBackend(graph, config, initWeights(buildForward(graph, { training: true }).params, new SeededRng(1)), new SeededRng(2));
  const batches = 60;
  ts.step(data.x, data.y, BATCH, 0.001, 1);
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) ts.step(data.x.subarray(b * BATCH * 784), data.y.subarray(b * BATCH * 10), BATCH, 0.001, b + 2);
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
  const [k1, k8] = (await trainerRates(data, [1, 8])) as [{ rate: number; grouped: boolean }, { rate: number; grouped: boolean }];
  rows.push({ name: name(`Trainer, 1 step per run, ${defThreads} thread(s)`), value: k1.rate, unit: 'samples/s' });
  rows.push({ name: name(`Trainer, K=8 per run${k8.grouped ? '' : ' (trainer does not group: 1 per run)'}, ${defThreads} thread(s)`), value: k8.rate, unit: 'samples/s', target: '>= 100,000' });
  for (const threads of [1, 2]) {
    for (const K of [1, 4, 8, 16]) {
      const v = await stepManyRates(K, threads, data);
      rows.push({ name: name(`K=${K} per run, ${threads} thread${threads === 1 ? '' : 's'}`), value: v.wall, unit: 'samples/s', ...(K === 8 ? { target: '>= 100,000' } : {}) });
      if (threads === 1) rows.push({ name: name(`K=${K} per run, 1 thread, per CPU-second`), value: v.cpu, unit: 'samples/cpu-s' });
    }
  }
  const busy = busyNeighbour();
  try {
    await new Promise((r) => setTimeout(r, 200));
    for (const threads of [1, 2]) rows.push({ name: name(`K=8, ${threads} thread${threads === 1 ? '' : 's'}, other process busy on 1 core`), value: await stepManyRate(8, threads, data), unit: 'samples/s' });
  } finally {
    busy.kill();
  }
  rows.push({ name: 'ORT cpu: fixed cost of one run (2-8-8-1 step, 8 rows)', value: await perRunOverhead(), unit: 'µs/run' });
  // Other processes share this machine: the 1-minute load average says how much to trust wall times.
  rows.push({ name: 'machine load average (1 min) after the ORT runs', value: loadavg()[0]!, unit: `/${availableParallelism()} cores` });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await benchOrt()) console.log(`${r.name.padEnd(78)} ${Math.round(r.value).toLocaleString('en-US').padStart(9)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`);
}
