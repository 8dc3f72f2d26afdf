/** The engine in-process, behind the same async interface as the worker (for unit tests). */
import type { ApiEvent } from '../../protocol/api.ts';
import { createEngineOps, ENGINE_OP_NAMES } from './engine-ops.ts';
import type { Engine } from './engine-client.ts';

/** The engine operations, called directly; events go to onEvent listeners as from the worker. */
export function inlineEngine(): Engine {
  const listeners = new Set<(e: ApiEvent) => void>();
  const ops = createEngineOps((e) => {
    for (const l of listeners) l(e);
  });
  const wrapped = Object.fromEntries(
    ENGINE_OP_NAMES.map((op) => [op, async (...a: unknown[]) => await (ops[op] as (...x: unknown[]) => unknown)(...a)]),
  );
  return {
    ...(wrapped as Omit<Engine, 'onEvent' | 'close' | 'status'>),
    onEvent(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    status: () => ({ pending: 0, restarts: 0 }),
    close: async () => {},
  };
}
