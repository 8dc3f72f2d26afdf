/** The engine in-process, behind the same async interface as the worker (for unit tests). */
import { engineOps } from './engine-ops.ts';
import type { Engine } from './engine-client.ts';

/** The engine operations, called directly. */
export function inlineEngine(): Engine {
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    async (...a: A): Promise<Awaited<R>> =>
      await f(...a);
  return {
    templates: wrap(engineOps.templates),
    newProject: wrap(engineOps.newProject),
    readProject: wrap(engineOps.readProject),
    projectText: wrap(engineOps.projectText),
    onEvent: () => () => {},
    close: async () => {},
  };
}

