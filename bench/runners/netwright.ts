/** Netwright's own backends as bench runners: the TypeScript engine, ONNX Runtime, and 'auto'. */
import { CompiledModel, initWeights } from '../../src-engine/model/compile.ts';
import { SeededRng } from '../../src-engine/tensor/rng.ts';
import { createOrtBackend } from '../../src-engine/node/ort/index.ts';
import type { TrainBackend } from '../../src-engine/train/backend.ts';
import { Trainer } from '../../src-engine/train/trainer.ts';
import { rowsFor, type Workload } from '../workloads.ts';
import type { Measure, Runner } from './runner.ts';

/** One run of the workload through the Trainer (metrics, shuffling and all), as the app and CLI train. */
async function trainerRun(w: Workload, model: CompiledModel, slow: boolean, backend?: TrainBackend): Promise<number> {
  const train = rowsFor(w, slow);
  const done = await new Trainer({
    graph: model.graph,
    model,
    config: w.config,
    train,
    // A reused backend starts every run from the seed's weights, as a fresh one does (a run that
    // continued from converged weights would be cut short by the divergence watch).
    ...(backend ? { backend, initialWeights: initWeights(model.forward.params, new SeededRng(w.config.seed)) } : {}),
    now: () => performance.now(),
  }).runToEnd();
  if (done.reason !== 'completed') throw new Error(`the run ended early (${done.reason})`);
  return w.unit === 'samples/s' ? done.samplesPerSec : done.epochs / (done.elapsedMs / 1000);
}

/** The TypeScript engine (one thread). */
export const tsRunner: Runner = {
  id: 'ts',
  label: 'Netwright, TypeScript engine',
  async prepare(w) {
    const model = new CompiledModel(w.graph());
    const measure: Measure = () => trainerRun(w, model, true);
    await measure();
    return measure;
  },
};

/**
 * ONNX Runtime with the backend's default settings (threads, mini-batches per run), on the CPU or on
 * the execution provider named by NETWRIGHT_BENCH_EP (cuda, webgpu: for a GPU machine).
 */
export function ortRunner(ep = process.env.NETWRIGHT_BENCH_EP ?? 'cpu'): Runner {
  const open: TrainBackend[] = [];
  return {
    id: 'ort',
    label: `Netwright, ONNX Runtime (${ep === 'cpu' ? 'CPU' : ep})`,
    async prepare(w) {
      const model = new CompiledModel(w.graph());
      const backend = await createOrtBackend({ graph: model, config: w.config, ep });
      open.push(backend);
      const measure: Measure = () => trainerRun(w, model, false, backend);
      await measure();
      return measure;
    },
    async close() {
      for (const b of open) await b.dispose?.();
    },
  };
}
