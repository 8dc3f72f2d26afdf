import { describe, expect, it } from 'vitest';
import { createOrtBackend } from '../../../../src-engine/node/ort/index.ts';
import { makeTrainConfig } from '../../../../src-engine/train/config.ts';
import { Trainer, type TrainEvent } from '../../../../src-engine/train/trainer.ts';
import type { Dataset } from '../../../../src-engine/data/dataset.ts';
import { testData, testNets } from '../../onnx/graphs.ts';

/** How many stepMany calls the Trainer makes for 64 rows in batches of 8 with K = 4. */
async function groupedCalls(): Promise<number> {
  const net = testNets()[1]!;
  const { x, y } = testData(net, 64, 1);
  const ds: Dataset = {
    name: 'probe',
    x,
    y,
    rows: 64,
    features: net.features,
    targets: net.targets,
    task: 'binary',
    featureNames: [],
  };
  const config = makeTrainConfig({ epochs: 1, batchSize: 8 });
  const backend = await createOrtBackend({ graph: net.graph, config, stepsPerRun: 4 });
  let calls = 0;
  const inner = backend.stepMany.bind(backend);
  backend.stepMany = (...args) => {
    calls++;
    return inner(...args);
  };
  await new Trainer({ graph: net.graph, config, train: ds, backend }).runToEnd();
  return calls;
}

describe('Trainer with K mini-batches per ORT run', () => {
  it('groups full mini-batches K at a time', async () => {
    expect(await groupedCalls()).toBe(2);
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
