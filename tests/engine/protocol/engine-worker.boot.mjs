// Starts the TypeScript engine worker inside a worker thread for engine-worker.test.ts (tsx compiles it
// on the fly; the app runs the bundled out/main/engine-worker.js instead).
import { register } from 'tsx/esm/api';

register();
await import('../../../src-engine/node/worker/engine-worker.ts');
