/**
 * The one training session the app's worker and the CLI share: starting weights (continue or fresh),
 * the run record, the project snapshot (the project is the truth), and one decision rule that the
 * training accuracy and the exported ONNX model both apply.
 */
import { describe, expect, it, vi } from 'vitest';
import { getBuiltinDataset } from '../../../src-engine/data/builtin/index.ts';
import type { Dataset } from '../../../src-engine/data/dataset.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import { CompiledModel } from '../../../src-engine/model/compile.ts';
import { createSession, loadOrt } from '../../../src-engine/node/ort/runtime.ts';
import { exportRun } from '../../../src-engine/onnx/exports.ts';
import { exportWeightsJson, projectFromWeightsJson } from '../../../src-engine/onnx/json-export.ts';
import { weightsToJson } from '../../../src-engine/project/weights.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { projectSnapshot, runId, TrainingSession } from '../../../src-engine/train/session.ts';
import { RUN_RECORD_POINTS } from '../../../src-engine/views/history.ts';
import { getTemplate, newProject } from '../../../src-engine/train/templates.ts';
import { chain } from '../backprop/util.ts';

const x4 = getBuiltinDataset('x4-l-shape', {});

async function train(
  graph: GraphDoc,
  config: object,
  data: Dataset,
  start: 'fresh' | 'continue' = 'fresh',
  weights?: ReturnType<typeof projectSnapshot>['weights'],
) {
  const s = await TrainingSession.start(
    {},
    {
      graph,
      config: makeTrainConfig(config),
      name: 'test',
      data: { train: data, summary: '' },
      start,
      weights: weights ?? null,
    },
  );
  const done = await s.runToEnd();
  return { s, done };
}

describe('training session', () => {
  it('continues from given weights where name and shape match, and starts fresh otherwise', async () => {
    const t = getTemplate('x4-relu-hidden');
    const { s: first } = await train(t.graph, { ...t.training, epochs: 30 }, x4);
    const trained = await first.weights();
    // Continue: the first epoch starts where the last run ended (lower loss than a fresh start).
    const { s: cont } = await train(t.graph, { ...t.training, epochs: 1 }, x4, 'continue', trained);
    const { s: fresh } = await train(t.graph, { ...t.training, epochs: 1 }, x4, 'fresh', trained);
    expect(cont.kept).toBe(cont.total);
    expect(fresh.kept).toBe(0);
    expect(cont.snapshot.points[0]!.loss).toBeLessThan(fresh.snapshot.points[0]!.loss);
    // A wider hidden layer keeps only the parameters whose shapes still fit (the output bias).
    const wider = structuredClone(t.graph);
    const hidden = wider.nodes.find((n) => n.type === 'Dense')!;
    hidden.params.units = Number(hidden.params.units) + 2;
    const { s: partial } = await train(wider, { ...t.training, epochs: 1 }, x4, 'continue', trained);
    expect(partial.kept).toBeGreaterThan(0);
    expect(partial.kept).toBeLessThan(partial.total);
  });

  it("compiles a run's model once: the one the host compiled to check its size, else its own", async () => {
    const t = getTemplate('x4-relu-hidden');
    const model = new CompiledModel(t.graph);
    const req = {
      graph: t.graph,
      model,
      config: makeTrainConfig({ ...t.training, epochs: 1 }),
      name: 'test',
      data: { train: x4, summary: '' },
      start: 'fresh' as const,
    };
    expect((await TrainingSession.start({}, req)).model).toBe(model);
    // A model of another graph object is not taken for this one.
    const other = await TrainingSession.start({}, { ...req, graph: structuredClone(t.graph) });
    expect(other.model).not.toBe(model);
    expect(other.model.graph).toEqual(t.graph);
  });

  it('records the run once for app and CLI, and a project reopened from it exports without training', async () => {
    const t = getTemplate('x4-relu-hidden');
    const { s } = await train(t.graph, { ...t.training, epochs: 12 }, x4);
    const rec = s.record();
    expect(rec.id).toMatch(/^run-\d{8}-\d{9}$/);
    expect(rec.epochs).toHaveLength(12);
    expect(rec.final!.accuracy).toBe(s.snapshot.points.at(-1)!.accuracy);
    const project = { ...newProject('x4-relu-hidden'), weights: weightsToJson(s.snapshot.weights), runs: [rec] };
    const snap = projectSnapshot(JSON.parse(JSON.stringify(project)));
    expect(snap.points).toHaveLength(12);
    // The saved epochs come back as the run's own points, field for field.
    expect(snap.points).toEqual(s.snapshot.points);
    // A record from a file carries only what it says: unknown fields are left out, not passed on as metrics.
    const odd = structuredClone(project);
    odd.runs[0]!.epochs[0] = { epoch: 1, loss: 0.5, lr: 0.01, stray: 7 };
    expect(projectSnapshot(odd).points[0]).toEqual({ epoch: 1, loss: 0.5, lr: 0.01 });
    // Exports of a run use the model it was compiled into, not a second compilation of its graph.
    const forward = vi.spyOn(s.snapshot.model!, 'forward', 'get');
    const training = vi.spyOn(s.snapshot.model!, 'training');
    const a = exportRun(s.snapshot, 'onnx').data as Uint8Array;
    expect(forward).toHaveBeenCalled();
    exportRun(s.snapshot, 'onnx-train');
    expect(training).toHaveBeenCalled();
    forward.mockRestore();
    training.mockRestore();
    const b = exportRun(snap, 'onnx').data as Uint8Array;
    expect(b.byteLength).toBeGreaterThan(1000);
    // Same weights, same model (the summary metadata differs only in nothing that matters here).
    expect(Math.abs(a.byteLength - b.byteLength)).toBeLessThan(200);
    // Weights that do not fit the graph are refused with the parameter's name.
    const bad = structuredClone(project);
    const w = Object.keys(bad.weights!)[0]!;
    bad.weights![w]!.shape = [...bad.weights![w]!.shape].reverse();
    expect(() => projectSnapshot(bad)).toThrow(
      new RegExp(`The weights '${w.replace('.', '\\.')}' are \\d+ × \\d+ but the network needs`),
    );
  });

  it("a checkpoint's history becomes a run through the same builder: same id form, bounded epochs, final metrics", async () => {
    const t = getTemplate('x4-relu-hidden');
    const { s } = await train(t.graph, { ...t.training, epochs: 2 }, x4);
    // A long PyTorch run: more epochs than a project keeps.
    const n = RUN_RECORD_POINTS + 1500;
    const history = Array.from({ length: n }, (_, i) => ({
      epoch: i + 1,
      loss: 1 / (i + 1),
      accuracy: i / n,
      lr: 0.01,
    }));
    const doc = JSON.parse(exportWeightsJson(t.graph, await s.weights(), { name: 'x4' })) as Record<string, unknown>;
    const startedAt = '2026-01-02T03:04:05.678Z';
    const { project } = projectFromWeightsJson(JSON.stringify({ ...doc, history, startedAt }), 'x4.checkpoint.json');
    const [run] = project.runs;
    expect(run!.id).toBe(runId(startedAt));
    expect(run!.id).toMatch(/^run-\d{8}-\d{9}$/);
    expect(run!.epochs.length).toBeLessThanOrEqual(RUN_RECORD_POINTS + 1);
    expect(run!.epochs.length).toBeGreaterThan(RUN_RECORD_POINTS / 4);
    expect(run!.epochs.at(-1)).toEqual(history.at(-1));
    expect(run!.final).toEqual({ loss: 1 / n, accuracy: (n - 1) / n });
    expect(run!.graph).toEqual(t.graph);
  });
});

describe('one decision rule', () => {
  // Hinge decides at 0, BCE at 0.5, softmax by argmax: training accuracy and the exported model agree row by row.
  const circle = getBuiltinDataset('circle', { n: 300 });
  const blobs = getBuiltinDataset('gaussian-blobs', {});
  const cases: [string, GraphDoc, Dataset][] = [
    [
      'hinge',
      chain(2, [['h', 'Dense', { units: 8, activation: 'tanh' }]], { units: 1, activation: 'linear', loss: 'hinge' }),
      circle,
    ],
    [
      'bce',
      chain(2, [['h', 'Dense', { units: 8, activation: 'tanh' }]], { units: 1, activation: 'sigmoid', loss: 'bce' }),
      circle,
    ],
    [
      'softmax',
      chain(2, [['h', 'Dense', { units: 8, activation: 'relu' }]], {
        units: blobs.targets,
        activation: 'softmax',
        loss: 'cce',
      }),
      blobs,
    ],
  ];
  for (const [name, graph, data] of cases) {
    it(`${name}: the accuracy training reports equals the exported ONNX model's on the same rows`, async () => {
      const ort = await loadOrt();
      // Few epochs and no shuffling: the reported accuracy is computed on known rows.
      const { s } = await train(
        graph,
        { epochs: 3, batchSize: 0, shuffle: false, optimizer: { name: 'adam', lr: 0.05 } },
        data,
      );
      const reported = (await s.testMetrics(data)).test_accuracy!;
      const session = await createSession(exportRun(s.snapshot, 'onnx').data as Uint8Array);
      const out = await session.run({ features: new ort.Tensor('float32', data.x, [data.rows, data.features]) });
      const labels = out.label!.data as BigInt64Array;
      let correct = 0;
      for (let r = 0; r < data.rows; r++) {
        const want =
          data.targets === 1
            ? data.y[r]! >= 0.5
              ? 1
              : 0
            : data.y.subarray(r * data.targets, (r + 1) * data.targets).indexOf(1);
        if (Number(labels[r]) === want) correct++;
      }
      expect(correct / data.rows).toBe(reported);
      // And not trivially: the model is neither perfect nor constant on these rows.
      expect(new Set(Array.from(labels, Number)).size).toBeGreaterThan(1);
    });
  }
});
