/**
 * Errors where the user looks: what stops training is in the problems bar before Train is pressed
 * (Input size versus the data, loss versus the target, missing values refused, one class), each with
 * its one-click fix; typed settings say what is wrong in a sentence; failures show as notifications
 * in view at any scroll position and beside their control, and go when their cause does; a failed
 * start keeps the last model. Each test runs at one of the window sizes and themes, all covered.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { COMBOS, comboName, newProject, openApp } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

async function upload(page: Page, name: string, text: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (await chooser).setFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await expect(page.getByTestId('data-summary')).toContainText(name);
}

/** The notification's box lies inside the window. */
async function inView(page: Page, source: string): Promise<void> {
  const toast = page.locator(`[data-testid="notice"][data-source="${source}"]`);
  await expect(toast).toBeVisible();
  const b = (await toast.boundingBox())!;
  const v = page.viewportSize()!;
  expect(b.y).toBeGreaterThanOrEqual(0);
  expect(b.y + b.height).toBeLessThanOrEqual(v.height);
  expect(b.x + b.width).toBeLessThanOrEqual(v.width);
}

const problems = (page: Page) => page.getByTestId('problems').getByTestId('problem');

test(`Input size versus the data: listed before Train with "Set Input to 3 features" (${comboName(COMBOS[0]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[0]);
  await newProject(page, 'x4-relu-hidden');
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByTestId('data-source').selectOption('from-scratch-xor');
  const p = problems(page).filter({ hasText: "Input 'input' takes 2 features, but XOR table (from scratch) has 3" });
  await expect(p).toBeVisible();
  await expect(page.getByTestId('no-problems')).toHaveCount(0);

  // Pressing Train says why beside the button and in a notification that stays in view while the panel scrolls.
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText("Training cannot start: Input 'input' takes 2 features");
  await page.evaluate("document.querySelector('[data-testid=training-panel]').scrollTo(0, 10000)");
  await inView(page, 'train');
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/problems-input-size-${comboName(COMBOS[0]!)}.png` });

  await p.getByTestId('fix').filter({ hasText: 'Set Input to 3 features' }).click();
  await expect(page.getByTestId('node-input')).toContainText('3 features');
  // The cause is gone: so are the problem, the message beside Train and the notification.
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await expect(page.locator('[data-testid="notice"][data-source="train"]')).toHaveCount(0);
  // One undo step takes the fix back.
  await page.getByTestId('btn-undo').click();
  await expect(p).toBeVisible();
});

test(`loss versus the target type: a binary Output on three classes, fixed in one click (${comboName(COMBOS[3]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[3]);
  await newProject(page, 'x4-relu-hidden');
  const rows = Array.from({ length: 60 }, (_, i) => `${(i % 7) * 0.5},${(i % 5) * 0.3},${['a', 'b', 'c'][i % 3]}`);
  await upload(page, 'three.csv', ['u,v,label', ...rows].join('\n'));
  const p = problems(page).filter({
    hasText: "Output 'output' uses binary cross-entropy, but the target 'label' has 3 classes (a, b, c)",
  });
  await expect(p).toBeVisible();
  // The bar grew, so the canvas shrank: let the minimap find its corner before the picture.
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/problems-loss-${comboName(COMBOS[3]!)}.png` });
  await p
    .getByTestId('fix')
    .filter({ hasText: 'Set Output to 3 softmax units with categorical cross-entropy' })
    .click();
  await expect(page.getByTestId('node-output')).toContainText('3 units · softmax · cce');
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByTestId('train-epochs').fill('20');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
});

test(`missing values refused and a one-class target are listed before Train (${comboName(COMBOS[4]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[4]);
  await newProject(page, 'x4-relu-hidden');
  const rows = Array.from({ length: 40 }, (_, i) => `${i % 4 ? i : ''},${i * 2},${i % 2}`);
  await upload(page, 'gaps.csv', ['a,b,y', ...rows].join('\n'));
  await page.getByTestId('data-missing').selectOption('refuse');
  const p = problems(page).filter({
    hasText: 'gaps.csv has 10 missing cells in the columns used (a), and Missing values is set to refuse.',
  });
  await expect(p).toBeVisible();
  await p.getByTestId('fix').filter({ hasText: 'Drop rows with missing values' }).click();
  await expect(page.getByTestId('data-missing')).toHaveValue('drop');
  await expect(p).toHaveCount(0);
  await expect(page.getByTestId('no-problems')).toBeVisible();

  await upload(
    page,
    'one-class.csv',
    ['a,b,kind', ...Array.from({ length: 20 }, (_, i) => `${i},${i * 3},cat`)].join('\n'),
  );
  const one = problems(page).filter({ hasText: "The target 'kind' of one-class.csv has one class only ('cat')" });
  await expect(one).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/problems-one-class-${comboName(COMBOS[4]!)}.png` });
  await one.getByTestId('fix').click();
  await expect(page.getByTestId('data-target')).toBeFocused();
  await page.getByTestId('data-target').selectOption('a');
  await expect(one).toHaveCount(0);
});

test(`typed settings are checked inline with a sentence, never schema JSON (${comboName(COMBOS[1]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[1]);
  await newProject(page, 'circle');
  await page.getByTestId('train-lr').fill('-1');
  await expect(page.getByTestId('train-lr-error')).toHaveText('Learning rate must be greater than 0 (it is -1).');
  await expect(problems(page).filter({ hasText: 'Learning rate must be greater than 0' })).toBeVisible();
  await page.getByTestId('train-epochs').fill('1.5');
  await expect(page.getByTestId('train-epochs-error')).toHaveText('Epochs must be a whole number (it is 1.5).');
  await page.getByTestId('data-param-n').fill('1');
  await expect(page.getByTestId('data-param-n-error')).toHaveText('n must be at least 2 (it is 1).');
  await page.getByTestId('data-validation').fill('0.95');
  await expect(page.getByTestId('data-validation-error')).toHaveText('Validation must be at most 0.9 (it is 0.95).');

  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-error')).toContainText('Training cannot start');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'idle');
  const text = await page.getByTestId('app').innerText();
  expect(text).not.toMatch(/"code"|too_small|\[\{/);
  await page.screenshot({ path: `${SHOTS}/problems-fields-${comboName(COMBOS[1]!)}.png` });

  for (const [id, good] of [
    ['train-lr', '0.03'],
    ['train-epochs', '5'],
    ['data-param-n', '200'],
    ['data-validation', '0.2'],
  ] as const) {
    await page.getByTestId(id).fill(good);
    await expect(page.getByTestId(`${id}-error`)).toHaveCount(0);
  }
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('metric-val-loss')).not.toHaveText('–');
});

test(`a failed start keeps the last model's views and exports; its message goes with its cause (${comboName(COMBOS[2]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[2]);
  await newProject(page, 'perceptron');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();

  // The perceptron rule trains one layer only: a hidden layer is a problem.
  // An edge's box is flat (SVG boxes leave out the stroke): right-click half-way between its handles.
  const a = (await page.locator('.svelte-flow__node[data-id="input"] .svelte-flow__handle.source').boundingBox())!;
  const b = (await page.locator('.svelte-flow__node[data-id="output"] .svelte-flow__handle.target').boundingBox())!;
  await page.mouse.click((a.x + a.width / 2 + b.x + b.width / 2) / 2, (a.y + a.height / 2 + b.y + b.height / 2) / 2, {
    button: 'right',
  });
  await page.getByTestId('ctx-insert-Dense').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
  // The problems bar says so before Train is pressed; pressing it says why nothing starts.
  await expect(problems(page)).toContainText(['The perceptron rule trains a single layer']);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('keep-weights-prompt')).toHaveCount(0);
  await expect(page.getByTestId('train-error')).toContainText('The perceptron rule trains a single layer');
  await inView(page, 'train');
  await page.screenshot({ path: `${SHOTS}/failed-start-${comboName(COMBOS[2]!)}.png` });
  // The last model is still shown and still exports.
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  await expect(page.getByTestId('export-onnx')).toBeEnabled();
  const download = page.waitForEvent('download');
  await page.getByTestId('export-onnx').click();
  expect((await download).suggestedFilename()).toMatch(/\.onnx$/);

  // Undo the hidden layer: the message and its notification go.
  await page.getByTestId('btn-undo').click();
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await expect(page.locator('[data-testid="notice"][data-source="train"]')).toHaveCount(0);
});

test(`data and export failures show beside their control and as notifications, and go with their cause (${comboName(COMBOS[5]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[5]);
  await newProject(page, 'xor-quadrants');
  // Export before any training (the export buttons are disabled; the shortcut still asks).
  await page.keyboard.press('Control+e');
  await expect(page.getByTestId('export-error')).toHaveText('Nothing to export yet: train the network first.');
  await inView(page, 'export');

  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (
    await chooser
  ).setFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3,oops\n4,5\n') });
  await expect(page.getByTestId('data-error')).toContainText('bad.csv (row 3, column "b")');
  await inView(page, 'data');
  await page.screenshot({ path: `${SHOTS}/notifications-${comboName(COMBOS[5]!)}.png` });

  // Another dataset: the data error goes; a trained model: the export error goes.
  await page.getByTestId('data-source').selectOption('circle');
  await expect(page.getByTestId('data-error')).toHaveCount(0);
  await expect(page.locator('[data-testid="notice"][data-source="data"]')).toHaveCount(0);
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('export-error')).toHaveCount(0);
});

test(`a failed save shows beside Save and as a notification, and a good save clears it (${comboName(COMBOS[1]!)})`, async ({
  page,
}) => {
  // The host's disk fills up: its answer to saveProject is an error (the Api round trip is otherwise untouched).
  let diskFull = true;
  await page.routeWebSocket(/\/api\?token=/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const m = JSON.parse(String(message)) as { id: number; method: string };
      if (m.method === 'saveProject' && diskFull)
        ws.send(
          JSON.stringify({
            id: m.id,
            ok: false,
            error: { code: 'internal', message: 'Could not write Untitled.netwright: the disk is full.' },
          }),
        );
      else server.send(message);
    });
  });
  await openApp(page, COMBOS[1]);
  await newProject(page, 'blank');
  await page.getByTestId('palette-Dense').dblclick();
  await page.getByTestId('btn-save').click();
  await expect(page.getByTestId('save-error')).toHaveText('Could not write Untitled.netwright: the disk is full.');
  await inView(page, 'save');
  await expect(page.getByTestId('project-title')).toHaveText('Untitled •');
  await page.screenshot({ path: `${SHOTS}/save-failed-${comboName(COMBOS[1]!)}.png` });
  diskFull = false;
  const download = page.waitForEvent('download');
  await page.keyboard.press('Control+s');
  await download;
  await expect(page.getByTestId('save-error')).toHaveCount(0);
  await expect(page.locator('[data-testid="notice"][data-kind="error"]')).toHaveCount(0);
  await expect(page.getByTestId('project-title')).toHaveText('Untitled');
});
