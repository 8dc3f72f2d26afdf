#!/usr/bin/env node
// `npm start`: build what is stale, then start the Electron app; where Electron cannot start (no
// binary, no display), say why in one line and start the browser host instead, printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const built = path.join(root, 'out/main/host.js');
const forceBrowser = process.argv.includes('--browser') || process.env.NETWRIGHT_BROWSER === '1';

/** Newest modification time under the given folders (skipping node_modules). */
function newest(dirs) {
  let t = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else t = Math.max(t, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return t;
}

function buildIfStale() {
  const sources = ['renderer', 'electron', 'src-engine'].map((d) => path.join(root, d));
  const config = statSync(path.join(root, 'electron.vite.config.ts')).mtimeMs;
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(sources), config)) return;
  console.log('Building Netwright (electron-vite build)…');
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** The Electron binary, or the reason it cannot be used. */
function electronBinary() {
  if (forceBrowser) return { reason: 'the browser host was asked for' };
  let bin;
  try {
    bin = require('electron');
  } catch (e) {
    return { reason: `the Electron binary is not installed (${String(e.message).split('\n')[0]})` };
  }
  if (typeof bin !== 'string' || !existsSync(bin)) return { reason: `the Electron binary is missing (${bin})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  return { bin };
}

function startBrowserHost(reason) {
  console.log(`Electron cannot start here: ${reason}; starting the browser host instead.`);
  const host = spawn(process.execPath, [built, ...process.argv.slice(2).filter((a) => a !== '--browser')], {
    cwd: root,
    stdio: 'inherit',
  });
  const forward = (sig) => () => host.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  host.on('exit', (code) => process.exit(code ?? 0));
}

buildIfStale();
const found = electronBinary();
if (!found.bin) startBrowserHost(found.reason);
else {
  const started = Date.now();
  let stderr = '';
  const app = spawn(found.bin, [root], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  app.stderr.on('data', (d) => {
    stderr += d;
    process.stderr.write(d);
  });
  app.on('error', (e) => startBrowserHost(`Electron failed to launch (${e.message})`));
  app.on('exit', (code, signal) => {
    // A quick failure means Electron could not start (missing libraries, no GPU/display access).
    if (code !== 0 && Date.now() - started < 5000) {
      const line = stderr.trim().split('\n').pop() || `exit code ${code ?? signal}`;
      startBrowserHost(`Electron exited at startup (${line})`);
    } else process.exit(code ?? 0);
  });
}
