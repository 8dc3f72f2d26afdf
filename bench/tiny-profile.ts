/**
 * The tiny workload (2-8-8-1 tanh, SGD, batch 10, 500 points) through the Trainer, run after run, as
 * the side-by-side bench and a user pressing Train again do (each run builds a new Trainer and
 * backend), in alternation with the naive loop of bench/runners/naive.ts. Prints each run's epochs/s
 * and µs per step, by the wall clock and by this process's CPU time (steadier on a shared machine),
 * then the backend's step alone (without the Trainer).
 * Profile it with
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/tiny-profile.ts [runs] [--engine-only]
 */
import { CompiledModel } from '../src-engine/model/compile.ts';
import { Trainer } from '../src-engine/train/trainer.ts';
import { TsBackend } from '../src-engine/train/ts-backend.ts';
import { initWeights } from '../src-engine/model/compile.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { naiveRunner } from './runners/naive.ts';
import { WORKLOADS } from './workloads.ts';

const runs = Number(process.argv[2] ?? 10);
const engineOnly = process.argv.includes('--engine-only');
const w = WORKLOADS.find((x) => x.id === 'tiny')!;
const model = new CompiledModel(w.graph());
const train = w.data();
const steps = w.config.epochs * Math.ceil(train.rows / w.config.batchSize);
const naive = engineOnly ? null : await naiveRunner.prepare(w);

/** Run `f` and report its rate and µs per step (wall and CPU). */
async function timed(label: string, f: () => Promise<string>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const note = await f();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const us = (ms: number) => ((ms * 1000) / steps).toFixed(2);
  console.log(
    `${label.padEnd(6)} ${(w.config.epochs / (wallMs / 1000)).toFixed(0).padStart(5)} epochs/s, ${us(wallMs)} µs/step wall, ${us(cpuMs)} CPU ${note}`,
  );
}

for (let r = 0; r < runs; r++) {
  await timed('engine', async () => {
    const done = await new Trainer({ graph: model.graph, model, config: w.config, train }).runToEnd();
    return `(loss ${done.metrics?.loss.toPrecision(8)})`;
  });
  if (naive) await timed('naive', async () => (await naive(), ''));
}
// The step alone, without the Trainer (row gathering, metrics, shuffling, events): the backend's
// share of a step, and how it runs (WebAssembly or generated JavaScript).
const backend = new TsBackend(model, w.config, initWeights(model.forward.params, new SeededRng(1)), new SeededRng(2));
const bs = w.config.batchSize;
const x = train.x.subarray(0, bs * train.features);
const y = train.y.subarray(0, bs * train.targets);
for (let i = 0; i < 20_000; i++) backend.step(x, y, bs, 0.03, 1);
const t0 = performance.now();
for (let i = 0; i < 100_000; i++) backend.step(x, y, bs, 0.03, 1);
console.log(`step alone (${backend.stepKind}): ${((performance.now() - t0) / 100).toFixed(2)} µs/step`);
console.log(`load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
