/**
 * How hosts reach the engine: `workerEngine` runs it in a supervised worker thread (the app);
 * `inlineEngine` (engine-inline.ts) calls the same functions directly, for unit tests where no
 * built worker exists.
 *
 * The worker has its own heap limit, so running out of memory ends the worker, not the host. When
 * it dies, every pending call fails with a sentence saying so, a run in progress ends, the pages get
 * an 'error' event, and a fresh worker takes the next call. The project lives in the page and is kept.
 */
import { Worker } from 'node:worker_threads';
import type { ApiEvent } from '../../protocol/api.ts';
import { ENGINE_OP_NAMES, type EngineOps } from './engine-ops.ts';

type Promised<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;
};

/** The engine operations, asynchronous, plus the events the engine pushes (training progress). */
export type Engine = Promised<EngineOps> & {
  onEvent(cb: (e: ApiEvent) => void): () => void;
  close(): Promise<void>;
  /** Calls waiting for the engine, and how often it was restarted (for diagnostics and tests). */
  status(): { pending: number; restarts: number };
};

/** An engine error carried back from the worker, keeping its name (e.g. ProjectError, DataError) and code. */
export class EngineError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** The name of the error pending calls fail with when the engine worker died. */
export const ENGINE_RESTARTED = 'EngineRestarted';

/** Default heap of the engine worker, in MB (typed arrays of data and weights live outside it). */
export const DEFAULT_ENGINE_HEAP_MB = 4096;

export interface WorkerEngineOptions {
  /** The worker's heap limit in MB (default NETWRIGHT_ENGINE_HEAP_MB, else DEFAULT_ENGINE_HEAP_MB). */
  maxHeapMb?: number;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; code?: string };
  event?: ApiEvent;
}

function heapMb(opts: WorkerEngineOptions): number {
  const fromEnv = Number(process.env.NETWRIGHT_ENGINE_HEAP_MB);
  return opts.maxHeapMb ?? (Number.isFinite(fromEnv) && fromEnv >= 64 ? fromEnv : DEFAULT_ENGINE_HEAP_MB);
}

/** What happened to the worker, as the first half of a sentence. */
function causeOf(error: Error | null, code: number): string {
  if (error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
    return 'The engine ran out of memory';
  if (error) return `The engine stopped after an unexpected error (${error.message})`;
  return `The engine stopped unexpectedly (exit code ${code})`;
}

/** The engine in a supervised worker thread started from the built worker file. */
export function workerEngine(workerFile: string, opts: WorkerEngineOptions = {}): Engine {
  const maxOldGenerationSizeMb = heapMb(opts);
  let next = 1;
  let closing = false;
  let restarts = 0;
  /** Starts in a row that died within a second: a worker that cannot start is not restarted forever. */
  let quickDeaths = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(e: ApiEvent) => void>();
  /** The run in progress, from the engine's own events, so a crash can end it in the page. */
  let activeRun: { runId: string; epochs: number } | null = null;

  const deliver = (event: ApiEvent) => {
    // A listener's failure (a closed window, a socket going away) must not take the host down.
    for (const l of listeners) {
      try {
        l(event);
      } catch (e) {
        console.error(`Netwright: an engine event could not be delivered: ${(e as Error).message}`);
      }
    }
  };

  const track = (event: ApiEvent) => {
    if (event.type === 'train' && event.event.type === 'start') activeRun = { runId: event.runId, epochs: 0 };
    else if (event.type === 'train-progress' && activeRun?.runId === event.runId) activeRun.epochs = event.epochs;
    else if (event.type === 'train' && event.event.type === 'done' && activeRun?.runId === event.runId)
      activeRun = null;
  };

  const failAll = (e: Error) => {
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(e);
  };

  let worker: Worker;
  let died = false;
  const start = () => {
    const startedAt = performance.now();
    const w = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb } });
    w.unref();
    let error: Error | null = null;
    died = false;
    w.on('message', (m: Reply) => {
      if (m.event) {
        track(m.event);
        deliver(m.event);
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineError(m.error!.name, m.error!.message, m.error!.code));
    });
    w.on('error', (e) => (error = e));
    w.on('exit', (code) => {
      if (w !== worker) return;
      died = true;
      if (closing) {
        failAll(new EngineError(ENGINE_RESTARTED, 'The engine was shut down.'));
        return;
      }
      quickDeaths = performance.now() - startedAt < 1000 ? quickDeaths + 1 : 0;
      const cause = causeOf(error, code);
      const lost = pending.size > 0;
      failAll(
        new EngineError(
          ENGINE_RESTARTED,
          `${cause} while working on this request, and was restarted. Data files opened before must be opened again; your project is unchanged.`,
        ),
      );
      const run = activeRun;
      activeRun = null;
      if (run)
        deliver({
          type: 'train',
          runId: run.runId,
          event: { type: 'done', reason: 'stopped', epochs: run.epochs, metrics: null, samplesPerSec: 0, elapsedMs: 0 },
        });
      if (quickDeaths >= 3) {
        deliver({ type: 'error', message: `${cause} three times as it started; it is not restarted again.` });
        return;
      }
      restarts++;
      start();
      deliver({
        type: 'error',
        message: `${cause}${run ? ', which stopped the training run' : ''}${lost ? ' and a request failed' : ''}. It was restarted: data files opened before must be opened again, and training starts afresh. Your project is unchanged.`,
      });
    });
    worker = w;
  };
  start();

  const call =
    (op: keyof EngineOps) =>
    (...args: unknown[]) =>
      new Promise<never>((resolve, reject) => {
        if (died || closing) {
          reject(new EngineError(ENGINE_RESTARTED, 'The engine is not running; restart Netwright.'));
          return;
        }
        const id = next++;
        try {
          // Serialising can fail (a payload nested 100,000 deep): then nothing may stay pending.
          worker.postMessage({ id, op, args });
        } catch (e) {
          reject(new EngineError('BadRequest', `The request cannot be passed to the engine: ${(e as Error).message}.`));
          return;
        }
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      });
  const ops = Object.fromEntries(
    ENGINE_OP_NAMES.map((op): [string, (...args: unknown[]) => Promise<unknown>] => [op, call(op)]),
  );
  return {
    ...(ops as Omit<Engine, 'onEvent' | 'close' | 'status'>),
    onEvent(cb: (e: ApiEvent) => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    status: () => ({ pending: pending.size, restarts }),
    close: async () => {
      closing = true;
      await worker.terminate();
    },
  };
}
