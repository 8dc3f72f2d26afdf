/**
 * Where ONNX Runtime runs each node of Netwright's graphs under the WebGPU provider, from its
 * profile (every node run, with the provider that ran it). Everything must run on WebGPU except the
 * shape arithmetic ORT keeps on the CPU on purpose: int64 shape vectors (Shape → Concat for Expand)
 * and the batch size as a float (Shape → Cast, uploaded as one number). No node may need a tensor
 * copied back from the device mid-graph. The list is in src-engine/node/ort/README.md.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, loadOrt, type OrtTensor } from '../../../../../src-engine/node/ort/runtime.ts';
import { evalModel } from '../../../../../src-engine/onnx/eval-model.ts';
import { encodeModel } from '../../../../../src-engine/onnx/schema.ts';
import { trainStepModel } from '../../../../../src-engine/onnx/train-step.ts';
import { makeTrainConfig, OPTIMIZERS } from '../../../../../src-engine/train/config.ts';
import { testData, testNets } from '../../../onnx/graphs.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

interface NodeRun {
  node: string;
  op: string;
  provider: string;
  outputs: string;
}

/** Run a model once on webgpu with profiling on; every node run as the profile records it. */
async function profiledRun(model: Uint8Array, feeds: Record<string, OrtTensor>): Promise<NodeRun[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-profile-'));
  const session = await createSession(model, { ep: 'webgpu', profilePrefix: path.join(dir, 'run') });
  await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    cat: string;
    name: string;
    args?: { op_name?: string; provider?: string; output_type_shape?: unknown };
  }[];
  return events
    .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
    .map((e) => ({
      node: e.name.replace(/_kernel_time$/, ''),
      op: e.args!.op_name!,
      provider: e.args!.provider!,
      outputs: JSON.stringify(e.args!.output_type_shape ?? []),
    }));
}

/**
 * Shape arithmetic that ORT places on the CPU by design: int64 vectors (a Concat of them, or a Gather
 * of one dimension in image nets), and the batch size cast to a float.
 */
const shapeArithmetic = (r: NodeRun) =>
  ((r.op === 'Concat' || r.op === 'Gather') && /^\[\{"int64":\[\d*\]\}\]$/.test(r.outputs)) ||
  (r.op === 'Cast' && /_f$/.test(r.node) && r.outputs === '[{"float":[1]}]');

describe('node placement under the WebGPU provider', () => {
  it('training-step and evaluation graphs of every test net and optimizer run on WebGPU but for shape arithmetic', async (ctx) => {
    need(ctx, await webgpu());
    const ort = await loadOrt();
    const f32 = (data: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', data, dims);
    const offDevice = new Map<string, NodeRun>();
    let graphs = 0;
    let nodes = 0;
    const ops = new Set<string>();
    for (const [k, net] of testNets().entries()) {
      if (net.graph.nodes.some((n) => n.params.loss === 'perceptron')) continue; // no ONNX training step
      const config = makeTrainConfig({
        optimizer: { name: OPTIMIZERS[k % OPTIMIZERS.length]! },
        l1: k % 2 ? 1e-3 : 0,
        l2: 1e-2,
        clipNorm: k % 3 === 0 ? 1 : 0,
      });
      const K = 2;
      const rows = 8;
      const { x, y } = testData(net, K * rows, k);
      const step = trainStepModel(net.graph, config, { steps: K });
      const feeds: Record<string, OrtTensor> = {
        x: f32(x, [K * rows, ...(net.image ?? [net.features])]),
        y: f32(y, [K * rows, net.targets]),
        lr: f32(new Float32Array(K).fill(0.01), [K, 1]),
        t: f32(
          Float32Array.from({ length: K }, (_, i) => i + 1),
          [K, 1],
        ),
      };
      for (const c of step.io.carried)
        feeds[c.name] = f32(new Float32Array(c.shape.reduce((a, b) => a * b, 1)).fill(0.1), c.shape);
      for (const m of step.io.masks)
        feeds[m.name] = f32(new Float32Array(K * rows * m.shape.reduce((a, b) => a * b, 1)).fill(1), [
          K * rows,
          ...m.shape,
        ]);
      const runs = await profiledRun(encodeModel(step.model), feeds);

      const ev = evalModel(net.graph, { withLoss: true });
      const evalFeeds: Record<string, OrtTensor> = {
        x: f32(x.slice(0, rows * net.features), [rows, ...(net.image ?? [net.features])]),
        y: f32(y.slice(0, rows * net.targets), [rows, net.targets]),
      };
      for (const p of ev.params)
        evalFeeds[p.name] = f32(new Float32Array(p.shape.reduce((a, b) => a * b, 1)).fill(0.1), p.shape);
      runs.push(...(await profiledRun(encodeModel(ev.model), evalFeeds)));

      graphs += 2;
      nodes += runs.length;
      for (const r of runs) {
        ops.add(r.op);
        if (r.provider !== 'WebGpuExecutionProvider') offDevice.set(`${r.op} ${r.outputs}`, r);
      }
    }
    expect(graphs).toBe(2 * (testNets().length - 1));
    expect(nodes).toBeGreaterThan(1000);
    // Nothing reads a device tensor back to the host in the middle of a graph.
    expect(ops.has('MemcpyToHost')).toBe(false);
    for (const op of ['Gemm', 'Softmax', 'ReduceLogSumExp', 'Where', 'Sqrt', 'Erf']) expect(ops).toContain(op);
    const unexpected = [...offDevice.values()].filter((r) => !shapeArithmetic(r));
    expect(unexpected, `nodes ORT ran off the WebGPU device: ${JSON.stringify(unexpected)}`).toEqual([]);
    // The known shape arithmetic is really there (the test sees what it claims to allow).
    expect(new Set([...offDevice.values()].map((r) => r.op))).toEqual(
      new Set(testNets().some((n) => n.image) ? ['Cast', 'Concat', 'Gather'] : ['Cast', 'Concat']),
    );
  });
});
