import { describe, expect, it } from 'vitest';
import { exportDeploymentOnnx, META } from '../../../src-engine/onnx/export-model.ts';
import { decodeModel } from '../../../src-engine/onnx/schema.ts';
import { createSession, loadOrt } from '../../../src-engine/node/ort/runtime.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { applyPreprocessing, type Preprocessing } from '../../../src-engine/data/preprocess.ts';
import { listTemplates } from '../../../src-engine/train/templates.ts';
import { categoricalPreprocessing, testData, testNets } from './graphs.ts';

const ROWS = 1000;

describe('deployment export', () => {
  for (const net of testNets()) {
    it(`onnxruntime-node predicts like the engine: ${net.name}`, async () => {
      const ort = await loadOrt();
      const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(7));
      // Non-zero biases so they are exercised.
      for (const [name, w] of weights)
        if (name.endsWith('.b')) for (let i = 0; i < w.data.length; i++) w.data[i] = 0.1 * (i + 1);
      const ts = new TsBackend(net.graph, makeTrainConfig({}), weights, new SeededRng(1));
      const { x } = testData(net, ROWS, 3);
      const expected = ts.predict(x, ROWS);
      const bytes = exportDeploymentOnnx({ graph: net.graph, weights, name: net.name });
      const session = await createSession(bytes);
      // Image models take their pixels as one 4-D input.
      const feed = (rows: number, data: Float32Array) => ({
        [net.image ? 'image' : 'features']: new ort.Tensor(
          'float32',
          data,
          net.image ? [rows, ...net.image] : [rows, net.features],
        ),
      });
      const out = await session.run(feed(ROWS, x));
      const main = out.values ?? out.probabilities!;
      expect(main.dims).toEqual([ROWS, net.targets]);
      const got = main.data as Float32Array;
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - expected[i]!));
      expect(maxErr).toBeLessThan(1e-5);
      if (out.label) {
        const labels = out.label.data as BigInt64Array;
        expect(labels.length).toBe(ROWS);
        for (let r = 0; r < 50; r++) {
          let want: number;
          if (net.targets === 1)
            want =
              expected[r]! >=
              (String(net.graph.nodes.find((n) => n.type === 'Output')!.params.loss) === 'hinge' ? 0 : 0.5)
                ? 1
                : 0;
          else {
            want = 0;
            for (let c = 1; c < net.targets; c++)
              if (expected[r * net.targets + c]! > expected[r * net.targets + want]!) want = c;
          }
          expect(Number(labels[r])).toBe(want);
        }
      }
      // A batch of a different size runs too (dynamic batch dimension).
      const one = await session.run(feed(1, x.slice(0, net.features)));
      expect((one.values ?? one.probabilities!).dims).toEqual([1, net.targets]);
    });
  }

  it('every template exports, loads and matches the engine on 1,000 rows', async () => {
    const ort = await loadOrt();
    const templates = listTemplates();
    expect(templates.length).toBeGreaterThan(5);
    for (const t of templates) {
      const fwd = buildForward(t.graph, { training: false });
      const weights = initWeights(fwd.params, new SeededRng(4));
      const ts = new TsBackend(t.graph, t.training, weights, new SeededRng(1));
      const rng = new SeededRng(8);
      const x = Float32Array.from({ length: ROWS * fwd.features }, () => rng.normal());
      const expected = ts.predict(x, ROWS);
      const session = await createSession(exportDeploymentOnnx({ graph: t.graph, weights, name: t.name }), {
        label: t.id,
      });
      const image = fwd.inputShape.length > 1;
      const out = await session.run({
        [image ? 'image' : 'features']: new ort.Tensor('float32', x, [ROWS, ...fwd.inputShape]),
      });
      const got = (out.values ?? out.probabilities!).data as Float32Array;
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - expected[i]!));
      expect(maxErr, t.id).toBeLessThan(1e-5);
      await session.release();
    }
  });

  it('bakes one-hot encoding of categorical columns (string inputs; unseen -> zeros, missing -> imputed)', async () => {
    const ort = await loadOrt();
    const net = testNets()[0]!; // 4 features
    const pre = categoricalPreprocessing;
    const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(5));
    const ts = new TsBackend(net.graph, makeTrainConfig({}), weights, new SeededRng(1));
    const bytes = exportDeploymentOnnx({ graph: net.graph, weights, preprocessing: pre });
    const session = await createSession(bytes);
    const meta = Object.fromEntries(decodeModel(bytes).metadataProps.map((m) => [m.key, m.value]));
    const specs = JSON.parse(meta[META.inputs]!) as { name: string; kind: string; column?: string }[];
    expect(specs.map((s) => s.kind)).toEqual(['numeric', 'categorical', 'categorical']);
    const colourInput = specs.find((s) => s.column === 'colour')!.name;
    const shapeInput = specs.find((s) => s.column === 'shape')!.name;
    const out = await session.run({
      features: new ort.Tensor('float32', new Float32Array([5, NaN, 0, 2]), [4, 1]),
      [colourInput]: new ort.Tensor('string', ['blue', 'red', '', 'green'], [4, 1]),
      [shapeInput]: new ort.Tensor('string', ['round', '', 'square', 'round'], [4, 1]),
    });
    // Rows as applyPreprocessing encodes them: missing colour -> red (imputed), unseen green -> zeros, missing shape -> zeros.
    const encoded = applyPreprocessing(pre, [
      { colour: 'blue', size: 5, shape: 'round' },
      { colour: 'red', size: null, shape: null },
      { colour: null, size: 0, shape: 'square' },
      { colour: 'green', size: 2, shape: 'round' },
    ]);
    expect(Array.from(encoded)).toEqual([1, 0, 9, 1, 0, 1, -3, 0, 0, 1, -6, 0, 0, 0, 0, 1]);
    const expected = ts.predict(encoded, 4);
    const got = out.probabilities!.data as Float32Array;
    for (let i = 0; i < 12; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6);
    expect(decodeModel(bytes).opsetImport.map((o) => o.domain ?? '')).toEqual(['', 'ai.onnx.ml']);
  });

  it('bakes imputation and scaling into the model and writes metadata', async () => {
    const ort = await loadOrt();
    const net = testNets()[0]!;
    const pre: Preprocessing = {
      version: 1,
      scaling: 'standard',
      missing: 'impute',
      inputs: [
        { kind: 'numeric', column: 'a', impute: 2, offset: 1.5, scale: 0.5 },
        { kind: 'numeric', column: 'b', impute: -1, offset: -3, scale: 2 },
        { kind: 'boolean', column: 'c', impute: 1 },
        { kind: 'numeric', column: 'd', impute: 0, offset: 10, scale: 0.1 },
      ],
      featureNames: ['a', 'b', 'c', 'd'],
      target: { column: 'kind', task: 'multiclass', classNames: ['x', 'y', 'z'] },
    };
    const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(9));
    const ts = new TsBackend(net.graph, makeTrainConfig({}), weights, new SeededRng(1));
    const raw = new Float32Array([3, 0.5, 1, 12, NaN, NaN, NaN, NaN]);
    const scaled = new Float32Array([
      (3 - 1.5) * 0.5,
      (0.5 + 3) * 2,
      1,
      (12 - 10) * 0.1,
      (2 - 1.5) * 0.5,
      (-1 + 3) * 2,
      1,
      (0 - 10) * 0.1,
    ]);
    const expected = ts.predict(scaled, 2);
    const bytes = exportDeploymentOnnx({
      graph: net.graph,
      weights,
      preprocessing: pre,
      name: 'iris',
      summary: { epochs: 3 },
    });
    const session = await createSession(bytes);
    const out = await session.run({ features: new ort.Tensor('float32', raw, [2, 4]) });
    const got = out.probabilities!.data as Float32Array;
    for (let i = 0; i < 6; i++) expect(got[i]).toBeCloseTo(expected[i]!, 6);
    const model = decodeModel(bytes);
    const meta = Object.fromEntries(model.metadataProps.map((m) => [m.key, m.value]));
    expect(JSON.parse(meta[META.classNames]!)).toEqual(['x', 'y', 'z']);
    expect(JSON.parse(meta[META.featureNames]!)).toEqual(['a', 'b', 'c', 'd']);
    expect(meta[META.task]).toBe('multiclass');
    expect(JSON.parse(meta[META.summary]!)).toEqual({ epochs: 3 });
    expect(model.opsetImport[0]!.version).toBe(17);
  });
});
