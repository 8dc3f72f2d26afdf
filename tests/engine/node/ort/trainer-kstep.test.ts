import { describe, expect, it } from 'vitest';
import { createOrtBackend } from '../../../../src-engine/node/ort/index.ts';
import { makeTrainConfig } from '../../../../src-engine/train/config.ts';
import { Trainer, type TrainEvent } from '../../../../src-engine/train/trainer.ts';
import type { Dataset } from '../../../../src-engine/data/dataset.ts';
import { testData, testNets } from '../../onnx/graphs.ts';

/**
 * What the Trainer asks of an ORT backend with K = 4 for `rows` rows in batches of 8: the order of
 * prepare(), the 'start' event and each stepMany() call.
 */
async function calls(rows: number): Promise<string[]> {
  const net = testNets()[1]!;
  const { x, y } = testData(net, rows, 1);
  const ds: Dataset = {
    name: 'probe',
    x,
    y,
    rows,
    features: net.features,
    targets: net.targets,
    task: 'binary',
    featureNames: [],
  };
  const config = makeTrainConfig({ epochs: 1, batchSize: 8 });
  const backend = await createOrtBackend({ graph: net.graph, config, stepsPerRun: 4 });
  const log: string[] = [];
  const inner = backend.stepMany.bind(backend);
  backend.stepMany = (...args) => {
    log.push('stepMany');
    return inner(...args);
  };
  const prepare = backend.prepare.bind(backend);
  backend.prepare = (rows) => {
    log.push(`prepare ${rows}`);
    return prepare(rows);
  };
  for await (const e of new Trainer({ graph: net.graph, config, train: ds, backend }).run())
    if (e.type === 'start') log.push('start');
  await backend.dispose();
  return log;
}

describe('Trainer with K mini-batches per ORT run', () => {
  it('groups full mini-batches K at a time, the K-step session compiled before the run starts', async () => {
    expect(await calls(64)).toEqual(['prepare 8', 'start', 'stepMany', 'stepMany']);
    // Fewer than K full batches: single steps only, nothing to compile.
    expect(await calls(24)).toEqual(['start']);
  });

  it('gives the same batches and epochs as the TypeScript backend', async () => {
    for (const net of [testNets()[0]!, testNets()[3]!]) {
      const rows = 203; // 12 full batches of 16 and a partial one
      const { x, y } = testData(net, rows, 3);
      const ds: Dataset = {
        name: 't',
        x,
        y,
        rows,
        features: net.features,
        targets: net.targets,
        task: net.y === 'real' ? 'regression' : 'multiclass',
        featureNames: [],
      };
      const config = makeTrainConfig({ epochs: 3, batchSize: 16, optimizer: { name: 'adam', lr: 0.01 }, seed: 5 });
      const epochs = async (backend?: Awaited<ReturnType<typeof createOrtBackend>>) => {
        const ev: TrainEvent[] = [];
        await new Trainer({
          graph: net.graph,
          config,
          train: ds,
          batchEvery: 1,
          ...(backend ? { backend } : {}),
        }).runToEnd((e) => ev.push(e));
        return ev;
      };
      const ts = await epochs();
      const ort = await epochs(await createOrtBackend({ graph: net.graph, config, stepsPerRun: 5 }));
      const lossOf = (ev: TrainEvent[], type: 'epoch' | 'batch') =>
        ev
          .filter((e) => e.type === type)
          .map((e) => (e.type === 'epoch' ? e.metrics.loss : e.type === 'batch' ? e.loss : NaN));
      expect(lossOf(ort, 'batch').length).toBe(3 * 13);
      lossOf(ts, 'batch').forEach((l, i) =>
        expect(Math.abs(lossOf(ort, 'batch')[i]! - l) / Math.max(1e-3, Math.abs(l))).toBeLessThan(1e-4),
      );
      lossOf(ts, 'epoch').forEach((l, i) => expect(lossOf(ort, 'epoch')[i]).toBeCloseTo(l, 4));
    }
  });
});
