import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../../src-engine/model/compile.ts';
import { command as exportCmd } from '../../../../src-engine/node/cli/export.ts';
import { command as predictCmd } from '../../../../src-engine/node/cli/predict.ts';
import { command as providersCmd } from '../../../../src-engine/node/cli/providers.ts';
import type { CliIo } from '../../../../src-engine/node/cli/types.ts';
import { loadFileData } from '../../../../src-engine/node/resolve-dataset.ts';
import { createSession, loadOrt } from '../../../../src-engine/node/ort/runtime.ts';
import { readOnnx } from '../../../../src-engine/onnx/read-model.ts';
import {
  PROJECT_FORMAT,
  PROJECT_VERSION,
  serializeProject,
  type Project,
} from '../../../../src-engine/project/project.ts';
import { weightsToJson } from '../../../../src-engine/project/weights.ts';
import { makeTrainConfig } from '../../../../src-engine/train/config.ts';
import { SeededRng } from '../../../../src-engine/tensor/rng.ts';
import { TsBackend } from '../../../../src-engine/train/ts-backend.ts';
import { initWeights } from '../../../../src-engine/model/compile.ts';
import { chain } from '../../backprop/util.ts';

function io(): CliIo & { stdout: string; stderr: string } {
  const o = {
    stdout: '',
    stderr: '',
    isTty: false,
    out: (t: string) => void (o.stdout += t),
    err: (t: string) => void (o.stderr += t),
  };
  return o;
}

/** A small trained classification project on a CSV with a missing value, and the CSV's path. */
async function makeProject(dir: string): Promise<{ projectFile: string; csv: string }> {
  const rng = new SeededRng(4);
  const lines = ['height,weight,smoker,city,kind'];
  for (let i = 0; i < 60; i++) {
    const h = 150 + rng.uniform() * 40;
    const w = 50 + rng.uniform() * 50;
    const kind = h + w > 250 ? 'big' : h > 170 ? 'tall' : 'small';
    const city = i === 7 ? '' : ['north', 'south', 'east'][rng.int(3)]!;
    lines.push(`${i === 5 ? '' : h.toFixed(1)},${w.toFixed(1)},${rng.uniform() < 0.5 ? 'yes' : 'no'},${city},${kind}`);
  }
  const csv = path.join(dir, 'people.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const data = await loadFileData(csv, { target: 'kind', prepare: { missing: 'impute' } });
  const graph = chain(data.train.features, [['h', 'Dense', { units: 6, activation: 'tanh' }]], {
    units: data.train.targets,
    activation: 'softmax',
    loss: 'cce',
  });
  const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.05 }, batchSize: 16 });
  const ts = new TsBackend(
    graph,
    config,
    initWeights(buildForward(graph, { training: true }).params, new SeededRng(1)),
    new SeededRng(2),
  );
  for (let s = 1; s <= 30; s++) ts.step(data.train.x, data.train.y, data.train.rows, 0.05, s);
  const project: Project = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: 'people',
    graph,
    dataset: { kind: 'none' },
    preprocessing: data.preprocessing,
    training: config,
    weights: weightsToJson(ts.getWeights()),
    runs: [],
  };
  const projectFile = path.join(dir, 'people.netwright');
  writeFileSync(projectFile, serializeProject(project));
  return { projectFile, csv };
}

describe('CLI: export, predict, providers', () => {
  it('exports ONNX whose CSV predictions equal the project engine, and the other formats', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const { projectFile, csv } = await makeProject(dir);
    const onnx = path.join(dir, 'people.onnx');
    expect(await exportCmd.run([projectFile, '--format', 'onnx', '--out', onnx], io())).toBe(0);
    const a = io();
    expect(await predictCmd.run([onnx, '--data', csv], a)).toBe(0);
    const b = io();
    expect(await predictCmd.run([projectFile, '--data', csv], b)).toBe(0);
    // The ONNX model takes the raw city strings itself (one-hot baked in).
    expect(readOnnx(readFileSync(onnx)).inputs.map((i) => i.name)).toEqual(['features', 'city']);
    const rowsA = a.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const rowsB = b.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rowsA[0]).toEqual(['label', 'p_big', 'p_small', 'p_tall'].filter((h) => rowsB[0]!.includes(h)));
    expect(rowsA[0]).toEqual(rowsB[0]);
    expect(rowsA.length).toBe(61);
    for (let r = 1; r < rowsA.length; r++) {
      expect(rowsA[r]![0]).toBe(rowsB[r]![0]);
      for (let c = 1; c < rowsA[r]!.length; c++)
        expect(Math.abs(Number(rowsA[r]![c]) - Number(rowsB[r]![c]))).toBeLessThan(1e-5);
    }

    for (const [format, file] of [
      ['json', 'w.json'],
      ['pytorch', 'model.py'],
      ['onnx-train', 'step.onnx'],
    ] as const) {
      const o = io();
      expect(
        await exportCmd.run(
          [
            projectFile,
            '--format',
            format,
            '--out',
            path.join(dir, file),
            ...(format === 'onnx-train' ? ['--steps', '2'] : []),
          ],
          o,
        ),
      ).toBe(0);
      expect(o.stderr).toMatch(new RegExp(`wrote .*${file.replace('.', '\\.')}`));
    }
    expect(readFileSync(path.join(dir, 'model.py'), 'utf8')).toMatch(/class NetwrightModel\(nn\.Module\)/);
    // The training-step export runs in plain ONNX Runtime with only data, lr and t fed (weights default to the project's).
    const ort = await loadOrt();
    const session = await createSession(readFileSync(path.join(dir, 'step.onnx')));
    const F = (
      JSON.parse(readFileSync(projectFile, 'utf8')) as {
        graph: { nodes: { type: string; params: { features?: number } }[] };
      }
    ).graph.nodes.find((n) => n.type === 'Input')!.params.features!;
    const out = await session.run({
      x: new ort.Tensor('float32', new Float32Array(2 * 8 * F).fill(0.5), [16, F]),
      y: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 16 * 3 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
        [16, 3],
      ),
      lr: new ort.Tensor('float32', new Float32Array([0.01, 0.01]), [2, 1]),
      t: new ort.Tensor('float32', new Float32Array([1, 2]), [2, 1]),
    });
    expect(out.loss!.dims).toEqual([2, 1]);
    expect(Number.isFinite((out.loss!.data as Float32Array)[1]!)).toBe(true);
    expect(out['next.h.W']!.dims).toEqual([F, 6]);
  });

  it('gives clear errors for bad input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-'));
    const bad = path.join(dir, 'bad.onnx');
    writeFileSync(bad, 'not a model at all');
    writeFileSync(path.join(dir, 'd.csv'), 'a,b\n1,2\n');
    await expect(predictCmd.run([bad, '--data', path.join(dir, 'd.csv')], io())).rejects.toThrow(
      /bad\.onnx is not a usable ONNX model/,
    );
    await expect(
      exportCmd.run([path.join(dir, 'none.netwright'), '--format', 'onnx', '--out', 'x.onnx'], io()),
    ).rejects.toThrow(/no such project file/);
    await expect(exportCmd.run([bad, '--format', 'tflite', '--out', 'x.tfl'], io())).rejects.toThrow(
      /--format must be one of onnx, onnx-train, weights-json, pytorch, pytorch-train, metrics-csv/,
    );
    const untrained: Project = {
      format: PROJECT_FORMAT,
      version: PROJECT_VERSION,
      name: 'u',
      graph: chain(2, [], { units: 1, activation: 'sigmoid', loss: 'bce' }),
      dataset: { kind: 'none' },
      training: makeTrainConfig({}),
      runs: [],
    };
    const uf = path.join(dir, 'u.netwright');
    writeFileSync(uf, serializeProject(untrained));
    await expect(exportCmd.run([uf, '--format', 'onnx', '--out', path.join(dir, 'u.onnx')], io())).rejects.toThrow(
      /has no trained weights yet/,
    );
  });

  it('providers reports cpu usable and the others with reasons', async () => {
    const o = io();
    expect(await providersCmd.run(['--json'], o)).toBe(0);
    const r = JSON.parse(o.stdout) as { providers: { ep: string; usable: boolean; reason: string }[] };
    expect(r.providers.find((p) => p.ep === 'cpu')!.usable).toBe(true);
    expect(r.providers.filter((p) => !p.usable).every((p) => p.reason.length > 10)).toBe(true);
  });
});
