/**
 * onnxruntime-node, loaded lazily (a native module: CLI commands that never touch ONNX should not
 * pay for it, and a broken install should surface as a clear error, not a crash at startup).
 * Every session is created for exactly one execution provider: ORT 1.30 does not fall back along
 * a provider list, so callers probe providers one by one (./providers.ts).
 */
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-node';

export type Ort = typeof import('onnxruntime-node');
export type { OrtSession, OrtTensor };

/** Execution providers Netwright knows how to ask for. */
export const EXECUTION_PROVIDERS = ['cpu', 'webgpu', 'cuda', 'tensorrt', 'dml', 'coreml'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

let ortPromise: Promise<Ort> | null = null;

/** The onnxruntime-node module (imported once). */
export async function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then(
    (ort) => {
      // Failures reach callers as exceptions with their message; ORT's own stderr log (e.g. every
      // missing provider library during probing) is noise unless debugging. Read once, at first use.
      if (!process.env.NETWRIGHT_DEBUG) ort.env.logLevel = 'fatal';
      return ort;
    },
    (e: unknown) => {
      ortPromise = null;
      throw new OnnxRuntimeError(
        `onnxruntime-node could not be loaded: ${(e as Error).message}. Reinstall Netwright (the package ships its native binary).`,
      );
    },
  );
  return ortPromise;
}

/** A problem with ONNX Runtime or a model file, with a message meant for users. */
export class OnnxRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxRuntimeError';
  }
}

export interface SessionSettings {
  ep?: ExecutionProvider;
  /** Threads for one op (default: see defaultThreads). */
  threads?: number;
  /** Output names to keep on the device (GPU providers) instead of copying them to the CPU. */
  outputsOnDevice?: readonly string[];
  /** Name for error messages (a file name). */
  label?: string;
  /** Let idle pool threads spin-wait for work (faster hand-offs, but burns a core a neighbour may need). */
  spin?: boolean;
  /** Write ORT's profile (every node run, with the provider that ran it) to `<prefix>_<date>.json` on endProfiling(). */
  profilePrefix?: string;
}

/**
 * Intra-op threads: one core is left to the app's main process, its UI and the neighbours (cores - 1,
 * at most 4), and idle pool threads sleep instead of spinning. On the 2-core reference machine a
 * second thread gained nothing for the MLP benchmark (its many small element-wise ops run on one
 * thread anyway) and lost more when another process was busy; see bench/RESULTS.md.
 */
export function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(4, cores - 1));
}

/** The session options createSession uses (also for sessions opened in other threads). */
export function sessionOptions(s: SessionSettings = {}): OrtSession.SessionOptions {
  const ep = s.ep ?? 'cpu';
  const options: OrtSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: s.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: s.spin ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
  };
  if (s.profilePrefix) {
    options.enableProfiling = true;
    options.profileFilePrefix = s.profilePrefix;
  }
  if (s.outputsOnDevice?.length && ep !== 'cpu') {
    options.preferredOutputLocation = Object.fromEntries(s.outputsOnDevice.map((n) => [n, 'gpu-buffer' as const]));
  }
  return options;
}

/** Create an inference session on one execution provider; model bytes or a file path. */
export async function createSession(model: Uint8Array | string, s: SessionSettings = {}): Promise<OrtSession> {
  const ort = await loadOrt();
  const ep = s.ep ?? 'cpu';
  const options = sessionOptions(s);
  try {
    return typeof model === 'string'
      ? await ort.InferenceSession.create(model, options)
      : await ort.InferenceSession.create(model, options);
  } catch (e) {
    throw new OnnxRuntimeError(
      `${s.label ?? 'The model'} could not be opened with ONNX Runtime (${ep}): ${firstLine((e as Error).message)}`,
    );
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
