/**
 * The ONNX Runtime backend's front door: `createOrtBackend` checks the requested execution
 * provider (probing and verifying it when it is not the CPU), draws initial weights exactly as the
 * TypeScript backend would for the same seed, and opens the sessions.
 */
import { availableParallelism } from 'node:os';
import { compiled, type CompiledModel } from '../../model/compile.ts';
import type { GraphDoc } from '../../graph/document.ts';
import type { WeightSet } from '../../tensor/weights.ts';
import type { TrainConfig } from '../../train/config.ts';
import { SeededRng } from '../../tensor/rng.ts';
import { initWeights } from '../../model/compile.ts';
import { isTrainable } from '../../layers/params.ts';
import { OrtBackend } from './ort-backend.ts';
import { ParallelOrtBackend } from './parallel.ts';
import { probeProviders } from './providers.ts';
import { defaultThreads, EXECUTION_PROVIDERS, OnnxRuntimeError, type ExecutionProvider } from './runtime.ts';

export { OrtBackend, type OrtBackendOptions } from './ort-backend.ts';
export { ParallelOrtBackend } from './parallel.ts';
export { bestProvider, probeProviders, type ProviderReport } from './providers.ts';
export { createSession, loadOrt, OnnxRuntimeError, EXECUTION_PROVIDERS, type ExecutionProvider } from './runtime.ts';

export interface OrtBackendRequest {
  graph: GraphDoc | CompiledModel;
  config: TrainConfig;
  /** Execution provider name (default cpu). */
  ep?: string;
  /** Starting weights; default: drawn from config.seed like the TypeScript backend. */
  weights?: WeightSet;
  /**
   * Cores to train on (default: cores - 1, at least 1, at most 4). On the CPU, two or more split every
   * mini-batch between them (ParallelOrtBackend) where that pays (splitsWell); otherwise they are
   * ONNX Runtime's intra-op threads.
   */
  threads?: number;
  /**
   * No page shares the machine (the CLI): when no thread count is given, a network that splits well
   * trains on every core (at most 4) instead of leaving one free.
   */
  allCores?: boolean;
  /** Mini-batches per run for stepMany (default 8). */
  stepsPerRun?: number;
  /** JSON file caching provider probes across runs. */
  probeCache?: string;
}

/** Rows each core needs at least for a split to pay (below it, the hand-offs cost more than they save). */
export const MIN_ROWS_PER_CORE = 16;

/**
 * Whether a run trains faster with each mini-batch split between `cores` cores than on one session
 * with that many intra-op threads: for convolutional networks, whose steps are long (LeNet-5, batch
 * 64: 1.3-1.4× on two cores), not for multilayer perceptrons, whose steps are so short that the
 * per-step hand-offs and the update's own run cost more than they save (the 784-128-64-10 MLP,
 * batch 128: 0.5×). Not for batch normalisation either (a share's statistics are not the batch's), nor
 * full-batch runs (the helpers' buffers are sized by the batch size). See bench/RESULTS.md.
 */
export function splitsWell(model: CompiledModel, config: TrainConfig, cores: number): boolean {
  const fwd = model.forward;
  return (
    config.batchSize >= MIN_ROWS_PER_CORE * cores &&
    fwd.params.every(isTrainable) &&
    fwd.program.nodes.some((n) => n.op.kind === 'conv2d')
  );
}

/** An OrtBackend for a graph and config; refuses an unusable provider with the probe's reason. */
export async function createOrtBackend(
  req: OrtBackendRequest,
): Promise<(OrtBackend | ParallelOrtBackend) & { providerNote: string }> {
  const ep = (req.ep ?? 'cpu') as ExecutionProvider;
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(ep))
    throw new OnnxRuntimeError(`Unknown execution provider '${req.ep}'. Known: ${EXECUTION_PROVIDERS.join(', ')}.`);
  if (ep !== 'cpu') {
    const [report] = await probeProviders({
      providers: [ep],
      ...(req.probeCache ? { cacheFile: req.probeCache } : {}),
    });
    if (!report!.usable)
      throw new OnnxRuntimeError(
        `The ${ep} execution provider is not usable here: ${report!.reason} Run 'netwright providers' for details, or use --ep cpu.`,
      );
  }
  const { config, graph } = req;
  const model = compiled(graph);
  const fwd = model.forward;
  if (fwd.loss === 'perceptron')
    throw new OnnxRuntimeError(
      'The perceptron rule is not gradient descent and has no ONNX training step: train this network with the TypeScript backend (--backend ts).',
    );
  // Same seeds as Trainer + TsBackend, so both backends start from the same weights and masks.
  const weights = req.weights ?? initWeights(fwd.params, new SeededRng(config.seed));
  const cores = availableParallelism();
  const every = Math.min(4, cores);
  const threads =
    req.threads ?? (req.allCores && every >= 2 && splitsWell(model, config, every) ? every : defaultThreads(cores));
  const maskRng = new SeededRng((config.seed ^ 0x85ebca6b) >>> 0);
  if (ep === 'cpu' && threads >= 2 && splitsWell(model, config, threads)) {
    const backend = await ParallelOrtBackend.create(model, config, weights, maskRng, {
      shares: threads,
      maxRows: config.batchSize,
    });
    return Object.assign(backend, {
      providerNote: `backend: ONNX Runtime on cpu (${threads} cores, each mini-batch split between them)`,
    });
  }
  const backend = await OrtBackend.create(model, config, weights, maskRng, {
    ep,
    threads,
    ...(req.stepsPerRun ? { stepsPerRun: req.stepsPerRun } : {}),
  });
  return Object.assign(backend, {
    providerNote: `backend: ONNX Runtime on ${ep} (${threads} thread${threads === 1 ? '' : 's'})`,
  });
}
