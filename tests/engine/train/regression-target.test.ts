// Regression targets are standardised on the training rows and every output is in the target's own
// units again: metrics, views, the CLI's predictions and the deployment ONNX model (run here through
// onnxruntime-node on raw feature values). Data: scikit-learn's diabetes set (tests/fixtures/data).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFileData } from '../../../src-engine/node/resolve-dataset.ts';
import { withRawTargets, toTargetUnits } from '../../../src-engine/data/target-scale.ts';
import { TrainingSession } from '../../../src-engine/train/session.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { graphForData } from '../../../src-engine/train/auto-graph.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { exportPytorch } from '../../../src-engine/onnx/pytorch.ts';
import { createSession, loadOrt } from '../../../src-engine/node/ort/runtime.ts';
import { ForwardEvaluator, inTargetUnits, unitContributions } from '../../../src-engine/views/index.ts';
import { regressionReport } from '../../../src-engine/views/evaluation.ts';

const DIABETES = path.resolve('tests/fixtures/data/diabetes.csv');

/** The raw CSV as numbers: header and rows. */
function rawCsv(): { header: string[]; rows: number[][] } {
  const [head, ...lines] = readFileSync(DIABETES, 'utf8').trim().split('\n');
  return { header: head!.split(','), rows: lines.map((l) => l.split(',').map(Number)) };
}

describe('standardised regression targets', () => {
  it('are fitted on the training rows only, and undone exactly', async () => {
    const data = await loadFileData(DIABETES, { target: 'progression', testSplit: 0.2, seed: 3 });
    const { train, test, preprocessing, prepared } = data;
    const { rows } = rawCsv();
    const raw = (r: number) => rows[r]![10]!;
    const trainRaw = Array.from(prepared.rows.train, raw);
    const mean = trainRaw.reduce((a, b) => a + b, 0) / trainRaw.length;
    const std = Math.sqrt(trainRaw.reduce((a, b) => a + (b - mean) ** 2, 0) / trainRaw.length);
    const t = preprocessing!.target;
    expect(t.task).toBe('regression');
    if (t.task !== 'regression') return;
    expect(t.mean).toBeCloseTo(mean, 8);
    expect(t.std).toBeCloseTo(std, 8);
    expect(train.targetScale).toEqual({ mean: t.mean, std: t.std });
    // The network sees mean 0 and standard deviation 1 on the training rows.
    const m = train.y.reduce((a, b) => a + b, 0) / train.rows;
    expect(Math.abs(m)).toBeLessThan(1e-5);
    // Test rows use the training rows' scale, and come back to their own values.
    const back = withRawTargets(test!);
    expect(back.targetScale).toBeUndefined();
    const testRaw = Array.from(prepared.rows.test, raw);
    for (let i = 0; i < test!.rows; i++) expect(back.y[i]).toBeCloseTo(testRaw[i]!, 3);
    expect(test!.y[0]).toBeCloseTo((testRaw[0]! - mean) / std, 5);
  });

  it('an MLP trained on standardised targets exports an ONNX model that predicts in the target units', async () => {
    const data = await loadFileData(DIABETES, { target: 'progression', testSplit: 0.2, seed: 2 });
    const graph = graphForData(data.train, [32], 'relu');
    const config = makeTrainConfig({ epochs: 50, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, seed: 2 });
    const session = await TrainingSession.start({}, { graph, config, name: 'diabetes', data, start: 'fresh' });
    await session.runToEnd();
    const test = data.test!;
    const metrics = session.snapshot.test!;
    // The session's metrics are in the target's units: MSE is of the order of the target's variance.
    const report = regressionReport(await session.predict(test.x, test.rows), withRawTargets(test).y);
    expect(metrics.test_mse).toBeCloseTo(report.mse, 0);
    expect(metrics.test_mae).toBeCloseTo(report.mae, 2);
    expect(metrics.test_rmse).toBeCloseTo(Math.sqrt(report.mse), 2);
    expect(metrics.test_r2).toBeCloseTo(report.r2!, 4);
    expect(report.mse).toBeGreaterThan(1000);
    expect(report.r2).toBeGreaterThan(0.3);

    // The deployment model takes the raw CSV values and answers in the target's units.
    const ort = await loadOrt();
    const onnx = exportDeploymentOnnx({
      graph,
      weights: session.snapshot.weights,
      preprocessing: data.preprocessing!,
      name: 'diabetes',
    });
    const { rows } = rawCsv();
    const testRows = Array.from(data.prepared.rows.test);
    const x = Float32Array.from(testRows.flatMap((r) => rows[r]!.slice(0, 10)));
    const ses = await createSession(onnx);
    const out = await ses.run({ features: new ort.Tensor('float32', x, [testRows.length, 10]) });
    await ses.release();
    const values = out.values!.data as Float32Array;
    const engine = await session.predict(test.x, test.rows);
    for (let i = 0; i < testRows.length; i++) expect(values[i]).toBeCloseTo(engine[i]!, 2);
    const onnxReport = regressionReport(
      values,
      testRows.map((r) => rows[r]![10]!),
    );
    expect(onnxReport.r2).toBeCloseTo(report.r2!, 4);

    // PyTorch's export undoes the scaling in postprocess().
    const py = exportPytorch(graph, session.snapshot.weights, { preprocessing: data.preprocessing! });
    expect(py).toMatch(/def postprocess\(out\):/);
    expect(py).toMatch(/print\(postprocess\(model\(preprocess\(rows\)\)\)\.tolist\(\)\)/);
  });

  it('the views show predictions, the bias and the contributions in the target units', async () => {
    const data = await loadFileData(DIABETES, { target: 'progression', testSplit: 0, seed: 1 });
    const graph = graphForData(data.train, [4], 'tanh');
    const config = makeTrainConfig({ epochs: 5, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, seed: 1 });
    const session = await TrainingSession.start({}, { graph, config, name: 'd', data, start: 'fresh' });
    await session.runToEnd();
    const scale = data.train.targetScale!;
    const src = inTargetUnits(new ForwardEvaluator(session.model, session.snapshot.weights), scale);
    const u = unitContributions(src, { xMin: -2, xMax: 2, n: 9 });
    // The panels add up to the prediction, which is in the target's units.
    for (let i = 0; i < 9; i++) {
      expect(u.sum[i]).toBeCloseTo(u.prediction[i]!, 2);
      expect(u.logits[i]).toBeCloseTo(u.prediction[i]!, 2);
    }
    expect(u.bias).toBeGreaterThan(50);
    const plain = new ForwardEvaluator(session.model, session.snapshot.weights);
    const std = plain.runForward(data.train.x, 3, [plain.forward.pred])[0]!;
    const rawPred = src.runForward(data.train.x, 3, [src.forward.pred])[0]!;
    expect(Array.from(rawPred)).toEqual(Array.from(toTargetUnits(std, scale)));
  });
});
