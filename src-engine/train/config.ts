/** Training configuration: optimizer, schedule, regularization, batching, stopping. Validated with zod. */
import { z } from 'zod';

/** Training backends a config can ask for. */
export const BACKENDS = ['auto', 'ts', 'ort'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;

export const optimizerConfigSchema = z.object({
  name: z.enum(OPTIMIZERS).default('adam'),
  lr: z.number().positive().max(100).default(0.01),
  /** momentum / nesterov */
  momentum: z.number().min(0).max(0.9999).default(0.9),
  beta1: z.number().min(0).max(0.9999).default(0.9),
  beta2: z.number().min(0).max(0.999999).default(0.999),
  /** rmsprop smoothing constant */
  rho: z.number().min(0).max(0.9999).default(0.99),
  eps: z.number().positive().max(1).default(1e-8),
  /** adamw decoupled weight decay */
  weightDecay: z.number().min(0).max(1).default(0.01),
});
export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  z.object({ kind: z.literal('step'), everyEpochs: z.number().int().min(1), factor: z.number().positive().max(1) }),
  z.object({ kind: z.literal('cosine'), minLr: z.number().min(0).default(0) }),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

export const trainConfigSchema = z.object({
  epochs: z.number().int().min(1).max(1_000_000).default(100),
  /** 0 means full batch. */
  batchSize: z.number().int().min(0).default(32),
  optimizer: optimizerConfigSchema.default(() => optimizerConfigSchema.parse({})),
  schedule: scheduleSchema.default({ kind: 'constant' }),
  l1: z.number().min(0).default(0),
  l2: z.number().min(0).default(0),
  /** Clip the global gradient norm to this value; 0 disables. */
  clipNorm: z.number().min(0).default(0),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  shuffle: z.boolean().default(true),
  /** Fraction of the training rows held out for validation (0 = none). */
  validationSplit: z.number().min(0).max(0.9).default(0),
  earlyStopping: z
    .object({
      patience: z.number().int().min(1),
      minDelta: z.number().min(0).default(0),
      monitor: z.enum(['loss', 'val_loss']).default('val_loss'),
    })
    .nullable()
    .default(null),
  /** Keep a checkpoint (weights, optimizer and generator state) at the end of every n-th epoch; 0: none. */
  checkpointEvery: z.number().int().min(0).max(1_000_000).default(0),
  /** Random shifts (pixels) and left-right flips of image rows, for training batches only (seeded). */
  augment: z
    .object({ shift: z.number().int().min(0).max(8).default(0), flip: z.boolean().default(false) })
    .default({ shift: 0, flip: false }),
  /**
   * 'ts' trains with Netwright's TypeScript engine, 'ort' through ONNX Runtime, 'auto' with whichever
   * is faster for the network and batch (src-engine/train/backend-choice.ts decides).
   */
  backend: z.enum(BACKENDS).default('auto'),
});
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** A full config from a partial one, with defaults; throws a ZodError naming bad fields. */
export function makeTrainConfig(partial: unknown = {}): TrainConfig {
  return trainConfigSchema.parse(partial);
}
