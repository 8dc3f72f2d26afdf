/**
 * Build the app (skip with NETWRIGHT_SKIP_BUILD=1 when out/ is known fresh), start the browser host on a free port with a throwaway data
 * folder, and hand its URL (with the token) to the tests through NETWRIGHT_URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '../..');
  if (!existsSync(path.join(root, 'out/main/host.js')) || process.env.NETWRIGHT_SKIP_BUILD !== '1') {
    const b = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'],
      { cwd: root, stdio: 'inherit' },
    );
    if (b.status !== 0) throw new Error('electron-vite build failed');
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'netwright-e2e-'));
  const host = spawn(process.execPath, [path.join(root, 'out/main/host.js'), '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`The browser host did not start: ${out}`)), 20_000);
    host.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    host.on('exit', (code) => reject(new Error(`The browser host exited with ${code}: ${out}`)));
  });
  process.env.NETWRIGHT_URL = url;
  process.env.NETWRIGHT_DATA_DIR = dataDir;
  return async () => {
    host.kill('SIGTERM');
  };
}
