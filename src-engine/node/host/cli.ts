/**
 * `node out/main/host.js [--port N] [--data-dir DIR] [--max-cells N ...]`: start the browser host with the built
 * renderer and the engine worker beside it, and print the URL to open.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { removeStaleTemps } from '../atomic-write.ts';
import { workerEngine } from '../worker/engine-client.ts';
import { RecoveryStore } from './recovery.ts';
import { RecentStore } from './recent.ts';
import { createHandlers, downloadFiles } from './service.ts';
import { startBrowserHost } from './server.ts';
import { LIMIT_SETTINGS } from '../../limits.ts';
import { flagLimits, LIMIT_OPTIONS } from '../limits.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.NETWRIGHT_PORT ?? '0' },
    'data-dir': { type: 'string', default: process.env.NETWRIGHT_DATA_DIR ?? path.join(os.homedir(), '.netwright') },
    ...LIMIT_OPTIONS,
  },
});
try {
  flagLimits(values);
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
// The engine worker reads the limits from its environment: flags become the settings it inherits.
for (const s of Object.values(LIMIT_SETTINGS)) {
  const v = (values as Record<string, unknown>)[s.flag.slice(2)];
  if (typeof v === 'string') process.env[s.env] = v;
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (got '${values.port}').`);
  process.exit(2);
}

// Temp files of saves a crash cut short are removed now, not left to pile up.
await removeStaleTemps(values['data-dir']!);
const engine = workerEngine(path.join(here, 'engine-worker.js'));
const handlers = createHandlers({
  kind: 'browser',
  version: (JSON.parse(readFileSync(path.join(here, '../../package.json'), 'utf8')) as { version: string }).version,
  engine,
  recovery: new RecoveryStore(values['data-dir']!),
  recent: new RecentStore(values['data-dir']!),
  files: downloadFiles(),
});
const host = await startBrowserHost({ handlers, rendererDir: path.join(here, '../renderer'), port });
engine.onEvent((e) => host.emit(e));
console.log(`Netwright is running at ${host.url}`);

const stop = async () => {
  await host.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
