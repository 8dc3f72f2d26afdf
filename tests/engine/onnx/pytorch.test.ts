import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { need, torch, PYTHON } from '../../support/prerequisites.ts';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { exportPytorch } from '../../../src-engine/onnx/pytorch.ts';
import { exportWeightsJson, importWeightsJson } from '../../../src-engine/onnx/json-export.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { TsBackend } from '../../../src-engine/train/ts-backend.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { testData, testNets } from './graphs.ts';

describe('PyTorch and JSON exports', () => {
  it('the generated module predicts like the engine (Debian python3-torch)', (ctx) => {
    need(ctx, torch());
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-torch-'));
    const nets = testNets();
    const cases: { file: string; x: number[][]; expected: ArrayLike<number>; name: string }[] = [];
    for (const [k, net] of nets.entries()) {
      const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(k + 1));
      for (const [name, w] of weights) if (name.endsWith('.b')) w.data.fill(0.05);
      // Batch norm statistics away from their initial 0 and 1, so loading them is exercised.
      for (const [name, w] of weights)
        if (name.endsWith('.running_mean') || name.endsWith('.running_var'))
          for (let i = 0; i < w.data.length; i++) w.data[i] = name.endsWith('mean') ? 0.1 * i - 0.2 : 0.5 + 0.3 * i;
      const file = path.join(dir, `m${k}.py`);
      writeFileSync(file, exportPytorch(net.graph, weights, { name: net.name }));
      const { x } = testData(net, 20, 5);
      const expected = new TsBackend(net.graph, makeTrainConfig({}), weights, new SeededRng(1)).predict(x, 20);
      cases.push({
        file,
        name: net.name,
        expected,
        x: Array.from({ length: 20 }, (_, r) => Array.from(x.subarray(r * net.features, (r + 1) * net.features))),
      });
    }
    // One Python process for every module: importing torch dominates the cost.
    const driver = path.join(dir, 'driver.py');
    writeFileSync(
      driver,
      [
        'import importlib.util, json, sys, torch',
        'cases = json.load(open(sys.argv[1]))',
        'out = []',
        'for i, c in enumerate(cases):',
        '    spec = importlib.util.spec_from_file_location(f"m{i}", c["file"])',
        '    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
        '    with torch.no_grad(): out.append(m.load_model()(m.preprocess(c["x"])).flatten().tolist())',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const input = path.join(dir, 'cases.json');
    writeFileSync(input, JSON.stringify(cases.map((c) => ({ file: c.file, x: c.x }))));
    const outs = JSON.parse(execFileSync(PYTHON, [driver, input], { encoding: 'utf8' })) as number[][];
    cases.forEach((c, k) => {
      const got = outs[k]!;
      expect(got.length).toBe(c.expected.length);
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - c.expected[i]!));
      expect(maxErr, c.name).toBeLessThan(1e-5);
    });
    // The file also runs on its own, reading CSV rows on stdin.
    const csv = cases[0]!.x.map((r) => r.join(',')).join('\n');
    const single = JSON.parse(execFileSync(PYTHON, [cases[0]!.file], { input: csv, encoding: 'utf8' })) as number[][];
    expect(single.flat()[0]).toBeCloseTo(cases[0]!.expected[0]!, 5);
  }, 60_000);

  it('JSON export carries graph, weights and shapes', () => {
    const net = testNets()[0]!;
    const weights = initWeights(buildForward(net.graph, { training: false }).params, new SeededRng(3));
    const doc = JSON.parse(exportWeightsJson(net.graph, weights, { name: 'n' }));
    expect(doc.format).toBe('netwright-weights');
    expect(doc.weights['h1.W'].shape).toEqual([4, 8]);
    expect(doc.weights['h1.W'].data[5]).toBe(weights.get('h1.W')!.data[5]);
    expect(doc.graph.nodes.length).toBe(net.graph.nodes.length);
    const back = importWeightsJson(exportWeightsJson(net.graph, weights, { name: 'n' }));
    expect(back.graph).toEqual(net.graph);
    for (const [name, w] of weights) expect(Array.from(back.weights.get(name)!.data)).toEqual(Array.from(w.data));
    expect(() => importWeightsJson('{"format":"other"}', 'x.json')).toThrow(
      /x\.json is not a Netwright weights document/,
    );
  });
});
