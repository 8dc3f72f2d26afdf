/**
 * `npx tsx bench/ui-longtasks.ts [templateId]`: train the heaviest template (default: digits,
 * 784-15-10 on 5000 MNIST digits) in the browser host under Playwright's Chromium and print the
 * worst long task the page recorded (PerformanceObserver 'longtask') and how often the loss plot
 * redrew. A benchmark, not a test: it prints numbers and the 100 ms target, and never fails on them.
 * Builds the app first unless NETWRIGHT_SKIP_BUILD=1 and out/ exists.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '..');
const templateId = process.argv[2] ?? 'digits';

function build(): void {
  if (existsSync(path.join(root, 'out/main/host.js')) && process.env.NETWRIGHT_SKIP_BUILD === '1') return;
  const b = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
  if (b.status !== 0) throw new Error('electron-vite build failed');
}

async function startHost(): Promise<{ url: string; stop: () => void }> {
  const host = spawn(
    process.execPath,
    [
      path.join(root, 'out/main/host.js'),
      '--port',
      '0',
      '--data-dir',
      mkdtempSync(path.join(tmpdir(), 'netwright-bench-')),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    host.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    host.on('exit', (code) => reject(new Error(`The browser host exited with ${code}: ${out}`)));
  });
  return { url, stop: () => host.kill('SIGTERM') };
}

// Installed before the page's own scripts: collects every long task from the start.
const OBSERVE = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
    .observe({ type: 'longtask', buffered: true });
`;

async function main(): Promise<void> {
  build();
  const host = await startHost();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.addInitScript(OBSERVE);
    await page.goto(host.url);
    await page.getByTestId('app').and(page.locator('[data-ready="true"]')).waitFor();
    await page.getByTestId('btn-new').click();
    await page.getByTestId(`template-${templateId}`).click();
    await page.waitForTimeout(500);
    const t0 = (await page.evaluate('performance.now()')) as number;
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-status"][data-status="running"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="train-status"][data-status="done"]').waitFor({ timeout: 600_000 });
    const t1 = (await page.evaluate('performance.now()')) as number;
    const tasks = (await page.evaluate('window.__longTasks')) as { start: number; duration: number }[];
    const during = tasks.filter((t) => t.start >= t0 && t.start <= t1);
    const worst = during.reduce((m, t) => Math.max(m, t.duration), 0);
    const updates = Number(await page.getByTestId('loss-chart').getAttribute('data-updates'));
    const seconds = (t1 - t0) / 1000;
    const accuracy = await page.getByTestId('metric-accuracy').textContent();
    console.log(`template ${templateId}: trained in ${seconds.toFixed(1)} s, accuracy ${accuracy}`);
    console.log(
      `long tasks while training: ${during.length}, worst ${worst.toFixed(0)} ms (target: none over 100 ms) ${worst <= 100 ? 'OK' : 'OVER'}`,
    );
    console.log(
      `loss plot updates: ${updates} in ${seconds.toFixed(1)} s = ${(updates / seconds).toFixed(1)} per second (target: at least 10)`,
    );
  } finally {
    await browser.close();
    host.stop();
  }
}

await main();
