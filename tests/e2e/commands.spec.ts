/**
 * Editing and commands: dialogs close on Escape and keep the focus (and the keys) inside; the
 * browser host has the same shortcuts as Electron's menu (pause, stop, export, zoom); context menus
 * on layers, connections and the canvas; new and pasted layers go where nothing else is, with unique
 * names; the palette can be searched; Help and the first-start hint. Each test runs at one of the
 * window sizes and themes.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { listTemplates } from '../../src-engine/train/templates.ts';
import { LAYER_CATALOG } from '../../src-engine/graph/catalog.ts';
import { COMBOS, comboName, newProject, openApp, selectNode, viewportSettled } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** No two layers on the canvas overlap. */
async function noOverlaps(page: Page): Promise<void> {
  const boxes = await Promise.all(
    (await page.locator('.svelte-flow__node').all()).map(async (n) => (await n.boundingBox())!),
  );
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++)
      expect(overlap(boxes[i]!, boxes[j]!), `layers ${i} and ${j} overlap`).toBe(false);
}

/** Whether the focused element is inside the open dialog. */
const focusInDialog = (page: Page) =>
  page.evaluate("!!document.activeElement && !!document.activeElement.closest('dialog[open]')") as Promise<boolean>;

test(`dialogs close on Escape, keep the focus inside, and keys do not act behind them (${comboName(COMBOS[1]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[1]);
  await newProject(page, 'blank');
  await page.getByTestId('palette-Dense').dblclick();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);
  // Saved, so New asks nothing and the gallery opens at once.
  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+s');
  await download;

  await page.getByTestId('btn-new').click();
  const gallery = page.getByTestId('template-gallery');
  await expect(gallery).toBeVisible();
  expect(await focusInDialog(page)).toBe(true);
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press(i % 7 === 6 ? 'Shift+Tab' : 'Tab');
    expect(await focusInDialog(page), `focus left the dialog after ${i + 1} presses`).toBe(true);
  }
  // Undo, Delete and Select All do nothing behind the dialog.
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Escape');
  await expect(gallery).toBeHidden();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);
  await expect(page.getByTestId('btn-undo')).toBeEnabled();

  // Help closes on Escape too, and the keyboard returns to the page.
  await page.keyboard.press('F1');
  await expect(page.getByTestId('help')).toBeVisible();
  expect(await focusInDialog(page)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help')).toHaveCount(0);
});

test(`the browser host has the menu's shortcuts: train, pause, resume, step, stop, export, zoom (${comboName(COMBOS[2]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[2]);
  await newProject(page, 'x4-relu-hidden');
  await page.getByTestId('train-epochs').fill('100000');
  await page.getByTestId('train-batch').fill('1');
  await page.locator('.svelte-flow__pane').click({ position: { x: 30, y: 30 } });
  const status = page.getByTestId('train-status');
  await page.keyboard.press('Control+Enter');
  await expect(status).toHaveAttribute('data-status', 'running');
  await page.keyboard.press('Control+p');
  await expect(status).toHaveAttribute('data-status', 'paused', { timeout: 30_000 });
  const epoch = await page.getByTestId('train-epoch').textContent();
  await page.keyboard.press('Control+Shift+Enter');
  await expect(page.getByTestId('train-epoch')).not.toHaveText(epoch!);
  await page.keyboard.press('Control+p');
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await page.keyboard.press('Control+.');
  await expect(status).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+e');
  expect((await download).suggestedFilename()).toMatch(/\.onnx$/);

  const zoom = () =>
    page
      .locator('.svelte-flow__viewport')
      .evaluate((el) =>
        Number(/scale\(([\d.]+)\)/.exec((el as unknown as { style: { transform: string } }).style.transform)![1]),
      );
  await viewportSettled(page);
  const z0 = await zoom();
  await page.keyboard.press('Control+=');
  await expect.poll(zoom).toBeGreaterThan(z0);
  await viewportSettled(page);
  const z1 = await zoom();
  await page.keyboard.press('Control+-');
  await expect.poll(zoom).toBeLessThan(z1);
});

test(`context menus on layers, connections and the canvas (${comboName(COMBOS[4]!)})`, async ({ page }) => {
  await openApp(page, COMBOS[4]);
  await newProject(page, 'x4-relu-hidden');
  await page.getByTestId('btn-fit').click();
  await viewportSettled(page);
  const menu = page.getByTestId('context-menu');

  // A layer: rename (the name field takes the keyboard), duplicate (placed free, the name made unique), delete.
  await page.getByTestId('node-hidden').locator('header').click({ button: 'right' });
  await expect(menu).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/context-menu-layer-${comboName(COMBOS[4]!)}.png` });
  await menu.getByTestId('ctx-rename').click();
  await expect(page.getByTestId('node-label')).toBeFocused();
  await page.keyboard.type('encoder');
  await expect(page.getByTestId('node-hidden')).toContainText('encoder');
  await page.getByTestId('node-hidden').locator('header').click({ button: 'right' });
  await menu.getByTestId('ctx-duplicate').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
  await expect(page.getByTestId('node-dense1')).toContainText('encoder 2');
  await noOverlaps(page);
  await page.getByTestId('node-dense1').locator('header').click({ button: 'right' });
  await menu.getByTestId('ctx-delete').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);

  // A connection: insert a layer on it.
  const a = (await page.locator('.svelte-flow__node[data-id="hidden"] .svelte-flow__handle.source').boundingBox())!;
  const b = (await page.locator('.svelte-flow__node[data-id="output"] .svelte-flow__handle.target').boundingBox())!;
  await page.mouse.click((a.x + a.width / 2 + b.x + b.width / 2) / 2, (a.y + a.height / 2 + b.y + b.height / 2) / 2, {
    button: 'right',
  });
  await expect(menu.getByText('Insert a layer here')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/context-menu-connection-${comboName(COMBOS[4]!)}.png` });
  await menu.getByTestId('ctx-insert-Dropout').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(3);
  await expect(page.getByTestId('shape-dropout1')).toHaveText('→ [3]');
  await noOverlaps(page);

  // The canvas: add a layer where the pointer is; Escape closes the menu.
  const pane = (await page.locator('.svelte-flow__pane').boundingBox())!;
  await page.mouse.click(pane.x + 80, pane.y + pane.height - 60, { button: 'right' });
  await expect(menu.getByText('Add a layer here')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await page.mouse.click(pane.x + 80, pane.y + pane.height - 60, { button: 'right' });
  await menu.getByTestId('ctx-add-Activation').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(5);
  await noOverlaps(page);
});

test(`new and pasted layers go where nothing else is; pasted names are unique; the palette can be searched (${comboName(COMBOS[5]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[5]);
  await newProject(page, 'blank');
  for (let i = 0; i < 3; i++) await page.getByTestId('palette-Dense').dblclick();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
  await noOverlaps(page);

  await selectNode(page, 'dense1');
  await page.getByTestId('node-label').fill('encoder');
  await page.getByTestId('node-dense1').locator('header').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(5);
  await expect(page.getByTestId('node-dense4')).toContainText('encoder 2');
  await expect(page.getByTestId('node-dense5')).toContainText('encoder 3');
  await noOverlaps(page);
  await page.getByTestId('btn-fit').click();
  await viewportSettled(page);
  await page.screenshot({ path: `${SHOTS}/placement-${comboName(COMBOS[5]!)}.png` });

  // Search: Ctrl+F takes the keyboard to the palette; only matching layers stay; Enter adds the first.
  await page.keyboard.press('Control+f');
  const search = page.getByTestId('palette-search');
  await expect(search).toBeFocused();
  await search.fill('drop');
  await expect(page.locator('[data-testid^="palette-"][draggable="true"]')).toHaveCount(1);
  await expect(page.getByTestId('palette-Dropout')).toBeVisible();
  await search.press('Enter');
  await expect(page.locator('.svelte-flow__node[data-id="dropout1"]')).toHaveCount(1);
  await search.fill('zzz');
  await expect(page.getByTestId('palette-none')).toHaveText('No layer matches “zzz”.');
  await search.fill('');
  await expect(page.locator('[data-testid^="palette-"][draggable="true"]')).toHaveCount(LAYER_CATALOG.length);
  await noOverlaps(page);
});

test(`Help has the shortcuts and a guide to every template; a first-start hint points to it (${comboName(COMBOS[0]!)})`, async ({
  page,
}) => {
  await openApp(page, { ...COMBOS[0]!, hint: true });
  const hint = page.getByTestId('first-hint');
  await expect(hint).toContainText('New here?');
  await page.screenshot({ path: `${SHOTS}/first-hint-${comboName(COMBOS[0]!)}.png` });
  await page.getByTestId('hint-help').click();
  const help = page.getByTestId('help');
  await expect(help).toBeVisible();
  await expect(hint).toHaveCount(0);
  await page.getByTestId('help-tab-shortcuts').click();
  const keys = page.getByTestId('help-shortcuts');
  await expect(keys.getByRole('row', { name: /Pause \/ Resume/ })).toContainText('Ctrl+P');
  await expect(keys.getByRole('row', { name: /^Stop/ })).toContainText('Ctrl+.');
  await expect(keys.getByRole('row', { name: /Export the trained model as ONNX/ })).toContainText('Ctrl+E');
  await expect(keys.getByRole('row', { name: /Zoom In/ })).toContainText('Ctrl+=');
  await page.getByTestId('help-tab-templates').click();
  const lesson = page.getByTestId('lesson-x4-relu-hidden');
  await expect(lesson).toContainText('Teaches');
  await expect(lesson).toContainText('Look at');
  // One lesson per template in the gallery.
  await expect(page.getByTestId('help-templates').locator('section')).toHaveCount(listTemplates().length);
  await page.screenshot({ path: `${SHOTS}/help-templates-${comboName(COMBOS[0]!)}.png` });
  await page.getByTestId('lesson-open-x4-relu-hidden').click();
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('project-title')).toHaveText('Hidden ReLU layer on X4');
  // Seen once, the hint stays away.
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await expect(hint).toHaveCount(0);
});
