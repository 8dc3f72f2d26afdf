/**
 * How hosts reach the engine: `workerEngine` runs it in a worker thread (the app); `inlineEngine`
 * (engine-inline.ts) calls the same functions directly, for unit tests where no built worker exists.
 */
import { Worker } from 'node:worker_threads';
import type { ApiEvent } from '../../protocol/api.ts';
import { ENGINE_OP_NAMES, type EngineOps } from './engine-ops.ts';

type Promised<T> = {
  [K in keyof T]: T[K] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;
};

/** The engine operations, asynchronous, plus the events the engine pushes (training progress, in issue 6). */
export type Engine = Promised<EngineOps> & { onEvent(cb: (e: ApiEvent) => void): () => void; close(): Promise<void> };

/** An engine error carried back from the worker, keeping its name (e.g. ProjectError). */
export class EngineError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The engine in a worker thread started from the built worker file. */
export function workerEngine(workerFile: string): Engine {
  const worker = new Worker(workerFile);
  worker.unref();
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(e: ApiEvent) => void>();
  worker.on(
    'message',
    (m: { id: number; ok: boolean; result?: unknown; error?: { name: string; message: string }; event?: ApiEvent }) => {
      if (m.event) {
        // A listener's failure (a closed window, a socket going away) must not take the host down.
        for (const l of listeners) {
          try {
            l(m.event);
          } catch (e) {
            console.error(`Netwright: an engine event could not be delivered: ${(e as Error).message}`);
          }
        }
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineError(m.error!.name, m.error!.message));
    },
  );
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`The engine worker stopped (exit code ${code}).`)));
  const call =
    (op: keyof EngineOps) =>
    (...args: unknown[]) =>
      new Promise<never>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, op, args });
      });
  return {
    ...Object.fromEntries(ENGINE_OP_NAMES.map((op) => [op, call(op)])),
    onEvent(cb: (e: ApiEvent) => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    close: async () => {
      await worker.terminate();
    },
  } as unknown as Engine;
}
