/**
 * Which training backend a network gets when nothing else decides: convolutional networks go to
 * ONNX Runtime (its convolution kernels beat the TypeScript engine's; see bench/RESULTS.md), the
 * rest stay on the TypeScript engine (no session to open, fastest for small dense networks). The one
 * place for that rule, meant to grow (an "auto" backend, GPUs).
 */
import type { GraphDoc } from '../graph/document.ts';
import type { TrainConfig } from './config.ts';

/** Layer types whose work is convolution-like (the TypeScript engine runs them slowest relative to ORT). */
const CONVOLUTIONAL = new Set(['Conv2D']);

export function preferredBackend(graph: GraphDoc): TrainConfig['backend'] {
  return graph.nodes.some((n) => CONVOLUTIONAL.has(n.type)) ? 'ort' : 'ts';
}
