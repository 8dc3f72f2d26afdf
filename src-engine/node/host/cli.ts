/**
 * `node out/main/host.js [--port N] [--data-dir DIR]`: start the browser host with the built
 * renderer and the engine worker beside it, and print the URL to open.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { workerEngine } from '../worker/engine-client.ts';
import { RecoveryStore } from './recovery.ts';
import { RecentStore } from './recent.ts';
import { createHandlers, downloadFiles } from './service.ts';
import { startBrowserHost } from './server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.NETWRIGHT_PORT ?? '0' },
    'data-dir': { type: 'string', default: process.env.NETWRIGHT_DATA_DIR ?? path.join(os.homedir(), '.netwright') },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (got '${values.port}').`);
  process.exit(2);
}

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
