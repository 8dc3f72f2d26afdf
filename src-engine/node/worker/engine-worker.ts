/**
 * Entry of the engine worker thread. Engine work (parsing, and in issue 6 training) runs here so the
 * host's event loop, and with it the window, stays responsive. Messages: { id, op, args } in,
 * { id, ok, result | error } out, and { event } for what the engine pushes on its own (ApiEvent).
 */
import { parentPort } from 'node:worker_threads';
import { removeStaleUploads } from '../data/uploads.ts';
import { createEngineOps, type EngineOps } from './engine-ops.ts';

if (!parentPort) throw new Error('engine-worker.ts must run in a worker thread');
const port = parentPort;
// Upload folders of an engine that was killed (or ran out of memory) are removed as the next starts.
removeStaleUploads();
const engineOps = createEngineOps((event) => port.postMessage({ event }));

port.on('message', async (msg: { id: number; op: keyof EngineOps; args: unknown[] }) => {
  try {
    const fn = engineOps[msg.op] as (...a: unknown[]) => unknown;
    if (typeof fn !== 'function') throw new Error(`Unknown engine op '${String(msg.op)}'`);
    port.postMessage({ id: msg.id, ok: true, result: await fn(...msg.args) });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // The name (and a DataError's code, e.g. 'too-large') tell the host which Api error code to send.
    const code = (err as { code?: unknown }).code;
    port.postMessage({
      id: msg.id,
      ok: false,
      error: { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) },
    });
  }
});
