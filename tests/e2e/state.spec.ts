/**
 * State that never disagrees: one place for the split; data changed while paused is asked about
 * (continue when shapes match, else start fresh); the network and the data are locked while a run
 * goes; the status line always names the current project, data and backend; Step moves the
 * readouts; Stop says stopped. Each test runs at one of the window sizes and themes, all covered.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { COMBOS, comboName, newProject, openApp } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** A run that goes on until stopped; one row per batch keeps it slow, so the page is not flooded with epochs. */
async function startLongRun(page: Page, batch = '1'): Promise<void> {
  await page.getByTestId('train-epochs').fill('100000');
  await page.getByTestId('train-batch').fill(batch);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running');
}

// A busy machine can take a while to hand a control to the engine between batches.
async function pause(page: Page): Promise<void> {
  await page.getByTestId('train-pause').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'paused', { timeout: 30_000 });
}

async function stop(page: Page): Promise<void> {
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
  await expect(page.getByTestId('train-status')).toContainText('stopped');
  await expect(page.getByTestId('status-run')).toContainText('stopped');
}

test(`one place for the split: a single Validation field, used by the run (${comboName(COMBOS[1]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[1]);
  await newProject(page, 'circle');
  await expect(page.getByLabel('Validation', { exact: true })).toHaveCount(1);
  await expect(page.getByTestId('training-panel').getByLabel('Validation')).toHaveCount(0);
  await page.getByTestId('data-validation').fill('0.25');
  await expect(page.getByTestId('data-split')).toContainText('train 75% · validation 25% · test 0%');
  await page.getByTestId('train-epochs').fill('5');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('metric-val-loss')).not.toHaveText('–');
});

test(`data changed while paused: continue on it when shapes match, else start fresh (${comboName(COMBOS[2]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[2]);
  await newProject(page, 'x4-relu-hidden');
  await startLongRun(page);
  await pause(page);
  // XOR quadrants has X4's shape (2 features, binary): the learned weights fit it.
  await page.getByTestId('data-source').selectOption('xor-quadrants');
  const ask = page.getByTestId('keep-weights-prompt');
  await expect(ask).toContainText('The data changed while paused.');
  await expect(page.getByTestId('train-resume')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/paused-data-changed-${comboName(COMBOS[2]!)}.png` });
  await page.getByTestId('keep-weights').filter({ hasText: 'Continue on the new data' }).click();
  await expect(page.getByTestId('train-message')).toHaveText('Continued from the learned weights (all 4 parameters).');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('train-summary')).toContainText('XOR quadrants');
  await expect(page.getByTestId('status-data')).toContainText('XOR quadrants');
  await stop(page);

  // Four blobs become five: the Output no longer fits, so the only way on is a fresh start after the fix.
  await newProject(page, 'gaussian-blobs');
  await startLongRun(page);
  await pause(page);
  await page.getByTestId('data-param-k').fill('5');
  await expect(page.getByTestId('shape-changed')).toContainText('the learned weights do not fit it');
  await expect(page.getByTestId('keep-weights')).toHaveCount(0);
  await page.getByTestId('problems').getByTestId('fix').filter({ hasText: 'Set Output to 5 softmax units' }).click();
  await expect(page.getByTestId('keep-weights-prompt')).toContainText('The network and the data changed while paused.');
  await page.getByTestId('fresh-weights').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await stop(page);
});

test(`the network and the data are locked while a run goes (${comboName(COMBOS[3]!)})`, async ({ page }) => {
  await openApp(page, COMBOS[3]);
  await newProject(page, 'x4-relu-hidden');
  await startLongRun(page);
  await expect(page.getByTestId('data-locked')).toHaveText('Training is running: pause or stop it to change the data.');
  await expect(page.getByTestId('data-source')).toBeDisabled();
  await expect(page.getByTestId('data-open')).toBeDisabled();
  await page.getByTestId('node-hidden').locator('header').click();
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('connection-refused')).toHaveText(
    /Training is running: pause or stop it to change the network\./,
  );
  await page.getByTestId('palette-Dense').dblclick();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
  await expect(page.getByTestId('param-units')).toBeDisabled();
  await expect(page.getByTestId('btn-delete')).toBeDisabled();
  await page.keyboard.press('Control+z');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(3);
  await page.screenshot({ path: `${SHOTS}/locked-while-training-${comboName(COMBOS[3]!)}.png` });
  // Paused, the network can change again (and the panel asks how to go on).
  await pause(page);
  await page.keyboard.press('Delete');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);
  await expect(page.getByTestId('keep-weights-prompt')).toContainText('The network changed while paused.');
  await stop(page);
  await expect(page.getByTestId('data-source')).toBeEnabled();
});

test(`the status line names the current project, data and backend; the panel shows no old figures (${comboName(COMBOS[4]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[4]);
  await newProject(page, 'x4-relu-hidden');
  await expect(page.getByTestId('status-project')).toContainText('Hidden ReLU layer on X4');
  await expect(page.getByTestId('status-data')).toContainText('X4: L-shape around a square (1,250 rows, 2 features)');
  await expect(page.getByTestId('status-backend')).toHaveText('Backend: Auto');
  await page.getByTestId('train-epochs').fill('50');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('status-run')).toHaveText('done · epoch 50 / 50');

  await newProject(page, 'softmax-3');
  await expect(page.getByTestId('status-project')).toContainText('Softmax, 3 classes');
  await expect(page.getByTestId('status-data')).toContainText('X3');
  await expect(page.getByTestId('status-run')).toHaveText('not trained yet');
  await expect(page.getByTestId('train-status')).toHaveText(/^\s*ready\s+epoch 0 \/ 2200\s*$/);
  await expect(page.getByTestId('metric-loss')).toHaveText('–');
  await page.getByTestId('train-backend').selectOption('ort');
  await expect(page.getByTestId('status-backend')).toHaveText('Backend: ONNX Runtime (cpu)');
  await page.screenshot({ path: `${SHOTS}/status-line-${comboName(COMBOS[4]!)}.png` });

  // A blank project has no data: it does not borrow the last project's, and says so.
  await newProject(page, 'blank');
  await expect(page.getByTestId('status-data')).toHaveText('Data: no data');
  await page.getByTestId('palette-Input').dblclick();
  await expect(page.getByTestId('problems')).toContainText('No data to train on: Choose a dataset.');
});

test(`Step moves the epoch, batch and loss readouts; Stop says stopped (${comboName(COMBOS[5]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[5]);
  await newProject(page, 'x4-relu-hidden');
  await startLongRun(page, '32');
  await pause(page);
  const readout = async () =>
    `${await page.getByTestId('train-epoch').textContent()} | ${await page.getByTestId('metric-loss').textContent()}`;
  let before = await readout();
  for (let i = 0; i < 3; i++) {
    await page.getByTestId('train-step').click();
    await expect.poll(readout).not.toBe(before);
    before = await readout();
  }
  // Mid-epoch, the readouts name the batch and its loss.
  await expect(page.getByTestId('train-epoch')).toContainText(/batch \d+ \/ \d+/);
  await expect(page.getByTestId('training-panel').getByText('batch loss')).toBeVisible();
  await expect(page.getByTestId('metric-loss')).toHaveAttribute('data-batch', 'true');
  await stop(page);
  await expect(page.getByTestId('train-left')).toHaveCount(0);
});
