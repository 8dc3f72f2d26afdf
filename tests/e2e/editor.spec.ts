/**
 * The editor in the browser host: build 784-15-10 by dragging from the palette, read the parameter
 * total, have an invalid connection refused with its reason, undo/redo, save, reload and reopen,
 * open a template, and take screenshots in both themes.
 */
import { test, expect } from '@playwright/test';
import { readFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { connect, dropLayer, openEditor, selectNode, setParam, viewportSettled } from './helpers.ts';

test.beforeEach(async ({ page }) => {
  await openEditor(page);
});

test('784-15-10 from the palette has 11,935 parameters; undo, redo, save and reopen', async ({ page }) => {
  await dropLayer(page, 'Input', 120, 200);
  await dropLayer(page, 'Dense', 420, 200);
  await dropLayer(page, 'Output', 720, 200);
  await connect(page, 'input1', 'dense1');
  await connect(page, 'dense1', 'output1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);

  await setParam(page, 'input1', 'features', '784');
  await setParam(page, 'dense1', 'units', '15');
  await setParam(page, 'output1', 'units', '10');
  await expect(page.getByTestId('total-params')).toHaveText('11,935');
  await expect(page.getByTestId('params-dense1')).toHaveText('11,775 params');
  await expect(page.getByTestId('shape-output1')).toHaveText('→ [10]');

  // An out-of-range value is refused inline and not applied.
  await selectNode(page, 'dense1');
  await page.getByTestId('param-units').fill('0');
  await expect(page.getByTestId('param-units-error')).toContainText('between 1 and 100000');
  await expect(page.getByTestId('total-params')).toHaveText('11,935');
  await page.getByTestId('param-units').fill('15');

  // Input -> Output is refused: Output already has its input.
  await connect(page, 'input1', 'output1');
  await expect(page.getByTestId('connection-refused')).toContainText("Output 'output1' already has its input");
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);

  // Undo the last parameter edit (output units 10 -> 1), then redo it.
  await page.getByTestId('btn-undo').click();
  await expect(page.getByTestId('total-params')).toHaveText((784 * 15 + 15 + 15 + 1).toLocaleString('en-US'));
  await page.getByTestId('btn-redo').click();
  await expect(page.getByTestId('total-params')).toHaveText('11,935');

  // Save (a download in the browser host), reload, open the file: same graph.
  const downloadP = page.waitForEvent('download');
  await page.getByTestId('btn-save').click();
  const download = await downloadP;
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const saved = JSON.parse(readFileSync(file, 'utf8'));
  expect(saved.format).toBe('netwright-project');
  expect(saved.graph.nodes.map((n: { id: string }) => n.id)).toEqual(['input1', 'dense1', 'output1']);

  // The last project reopens on start (the browser host keeps a copy of what it saved).
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('total-params')).toHaveText('11,935');
  await expect(page.getByTestId('status-project')).toContainText('Untitled.netwright');
  await page.getByTestId('btn-new').click();
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('total-params')).toHaveText('0');
  const chooserP = page.waitForEvent('filechooser');
  await page.getByTestId('btn-open').click();
  await (await chooserP).setFiles(file);
  await expect(page.getByTestId('total-params')).toHaveText('11,935');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('shape-dense1')).toHaveText('→ [15]');

  // Screenshots in both themes.
  const opened = page.getByTestId('notice').filter({ hasText: 'Opened' });
  await opened.getByRole('button', { name: 'Dismiss' }).click();
  await expect(opened).toHaveCount(0);
  await page.getByTestId('btn-layout').click();
  await viewportSettled(page);
  await selectNode(page, 'dense1');
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'test-results/editor-light.png' });
  await page.getByTestId('btn-theme').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.waitForTimeout(200);
  await page.screenshot({ path: 'test-results/editor-dark.png' });
  if (process.env.NETWRIGHT_UPDATE_SCREENSHOTS) {
    mkdirSync('docs/screenshots', { recursive: true });
    copyFileSync('test-results/editor-light.png', 'docs/screenshots/editor-light.png');
  }
});

test('a template opens as a new project', async ({ page }) => {
  await page.getByTestId('btn-new').click();
  const gallery = page.getByTestId('template-gallery');
  await expect(gallery).toBeVisible();
  const cards = gallery.locator('[data-testid^="template-"]:not([data-testid="template-blank"])');
  expect(await cards.count()).toBeGreaterThan(0);
  const first = cards.first();
  const name = (await first.locator('strong').textContent())!;
  await first.click();
  await expect(gallery).toBeHidden();
  await expect(page.getByTestId('project-title')).toHaveText(name);
  expect(await page.locator('.svelte-flow__node').count()).toBeGreaterThan(1);
  await expect(page.getByTestId('total-params')).not.toHaveText('0');
});
