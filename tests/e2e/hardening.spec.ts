// The app under pressure: the token leaves the address bar, a file larger than one upload chunk
// opens, a data error keeps its sentence, and an engine that runs out of memory is restarted while
// the project stays on the canvas.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

async function ready(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  const banner = page.getByTestId('recovery');
  if (await banner.isVisible()) await banner.getByRole('button', { name: 'Discard' }).click();
}

async function openTemplate(page: Page, id: string): Promise<void> {
  await page.getByTestId('btn-new').click();
  await page.getByTestId(`template-${id}`).click();
  await expect(page.getByTestId('template-gallery')).toBeHidden();
}

test('the token is taken out of the address bar and history, and a reload still connects', async ({ page }) => {
  const url = process.env.NETWRIGHT_URL!;
  expect(url).toContain('token=');
  await page.goto('about:blank');
  await ready(page, url);
  expect(page.url()).toBe(url.replace(/\?token=[^&#]*/, ''));
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('btn-new').click();
  await expect(page.getByTestId('template-gallery')).toBeVisible();
  await page.keyboard.press('Escape');
  // Back and forward again: the entry that had the token was replaced.
  await page.goBack();
  expect(page.url()).toBe('about:blank');
  await page.goForward();
  expect(page.url()).not.toContain('token');
});

test('a CSV larger than one upload chunk opens in the data panel; a damaged one keeps its sentence', async ({
  page,
}) => {
  await ready(page, process.env.NETWRIGHT_URL!);
  await openTemplate(page, 'x4-relu-hidden');
  // ~10 MB: three 4 MiB chunks.
  const rows = Array.from(
    { length: 200_000 },
    (_, i) => `${i},${(i * 37) % 101},${'note'.repeat(8)},${i % 2 ? 'a' : 'b'}`,
  );
  const csv = Buffer.from(['id,value,note,label', ...rows].join('\n'));
  expect(csv.length).toBeGreaterThan(2 * 4 * 1024 * 1024);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (await chooser).setFiles({ name: 'wide.csv', mimeType: 'text/csv', buffer: csv });
  await expect(page.getByTestId('data-summary')).toContainText('wide.csv: 200,000 rows, 4 columns', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('data-error')).toBeHidden();
  const bad = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (await bad).setFiles({ name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3\n4,5\n') });
  await expect(page.getByTestId('data-error')).toHaveText(
    'ragged.csv (row 3): this row has 1 fields but the header has 2. Make every row have 2 fields (quote fields that contain the delimiter)',
  );
});

test.describe('an engine that runs out of memory', () => {
  let host: ChildProcess;
  let url: string;
  test.beforeAll(async () => {
    // Its own host, with a small engine heap, so a large project exhausts it.
    const root = path.resolve(import.meta.dirname, '../..');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'netwright-e2e-oom-'));
    host = spawn(process.execPath, [path.join(root, 'out/main/host.js'), '--port', '0', '--data-dir', dataDir], {
      env: { ...process.env, NETWRIGHT_ENGINE_HEAP_MB: '64' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /running at (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      host.on('exit', (code) => reject(new Error(`The browser host exited with ${code}: ${out}`)));
    });
  });
  test.afterAll(() => {
    host.kill('SIGTERM');
  });

  test('is restarted; the page says what happened and keeps the project', async ({ page }) => {
    await ready(page, url);
    await openTemplate(page, 'x4-relu-hidden');
    const params = await page.getByTestId('total-params').textContent();
    expect(Number(params)).toBeGreaterThan(0);
    const huge = `{"format":"netwright-project","version":1,"weights":{"w":{"shape":[1,1],"data":[${'0.5,'.repeat(4_000_000)}0]}}}`;
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('btn-open').click();
    await (await chooser).setFiles({ name: 'huge.netwright', mimeType: 'application/json', buffer: Buffer.from(huge) });
    const notice = page.locator('[data-testid="notice"][data-source="project"]');
    await expect(notice).toContainText('The engine ran out of memory', { timeout: 30_000 });
    await expect(notice).toContainText(/your project is unchanged\./i);
    await page.screenshot({ path: test.info().outputPath('engine-restarted.png') });
    // The project is still on the canvas, and the restarted engine answers.
    await expect(page.getByTestId('total-params')).toHaveText(params!);
    await page.getByTestId('btn-new').click();
    await page.getByTestId('template-circle').click();
    await expect(page.getByTestId('template-gallery')).toBeHidden();
    await expect(page.getByTestId('total-params')).not.toHaveText(params!);
    expect(host.exitCode).toBeNull();
  });
});
