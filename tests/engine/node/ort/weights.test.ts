/** The ONNX Runtime backend takes every parameter in its exact shape, or refuses: never keeps random weights. */
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../../src-engine/model/compile.ts';
import { OrtBackend } from '../../../../src-engine/node/ort/ort-backend.ts';
import { makeTrainConfig } from '../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../../src-engine/model/compile.ts';
import { testNets } from '../../onnx/graphs.ts';

describe('ORT backend weights', () => {
  it('refuses a weight set with a parameter missing or transposed', async () => {
    const net = testNets()[0]!;
    const config = makeTrainConfig({});
    const weights = initWeights(buildForward(net.graph, { training: true }).params, new SeededRng(1));
    const ort = await OrtBackend.create(net.graph, config, weights, new SeededRng(2));
    try {
      const [name, w] = [...weights][0]!;
      const missing = new Map(weights);
      missing.delete(name);
      expect(() => ort.setWeights(missing)).toThrow(`The weights have no values for parameter '${name}'`);
      if (w.shape[0] !== w.shape[1]) {
        const transposed = new Map(weights).set(name, { shape: [w.shape[1], w.shape[0]], data: w.data });
        expect(() => ort.setWeights(transposed)).toThrow(/the layer needs/);
      }
      const back = await ort.getWeights();
      expect(Array.from(back.get(name)!.data)).toEqual(Array.from(w.data));
      await expect(OrtBackend.create(net.graph, config, missing, new SeededRng(2))).rejects.toThrow(/no values/);
    } finally {
      await ort.dispose();
    }
  });
});
