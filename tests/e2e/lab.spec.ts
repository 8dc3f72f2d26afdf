/**
 * The learning lab in the browser host: step through one training step on the canvas (the layer of
 * each phase highlighted, formulas whose numbers agree with the engine, Next/Previous and the arrow
 * keys, selecting a layer on the canvas), trace one sample, keep checkpoints, fork a run from one with
 * another learning rate, and compare the fork with the run it came from. Screenshots at 1024×700 and
 * 1920×1080, light and dark, go to docs/screenshots/ for the README.
 */
import { test, expect, type Page } from '@playwright/test';
import { copyFileSync, mkdirSync } from 'node:fs';
import { openTemplate, selectNode, trainToEnd, viewportSettled, setTheme } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
const DOCS = 'docs/screenshots';
mkdirSync(SHOTS, { recursive: true });
mkdirSync(DOCS, { recursive: true });

/** Save a screenshot of the whole window under test-results and docs/screenshots. */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  copyFileSync(`${SHOTS}/${name}.png`, `${DOCS}/${name}.png`);
}

test('step through one training step on the canvas: forward, loss, backward, Adam update', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'x4-relu-hidden');
  await viewportSettled(page);
  // The step is the one Train would take: with the panel's batch size, typed and not yet saved (32 is stored).
  await page.getByTestId('train-batch').fill('8');
  await page.getByTestId('btn-lab').click();
  await expect(page.getByTestId('lab')).toBeVisible();
  await page.getByTestId('lab-trace-step').click();

  // Forward, node by node: the input, then the hidden layer highlighted on the canvas.
  const title = page.getByTestId('lab-phase-title');
  await expect(title).toHaveText('Forward input');
  await expect(page.locator('.svelte-flow__node[data-id="input"]')).toHaveAttribute('data-lab-focus', 'forward');
  await page.getByTestId('lab-next').click();
  await expect(title).toHaveText('Forward hidden');
  await expect(page.locator('.svelte-flow__node[data-id="hidden"]')).toHaveAttribute('data-lab-focus', 'forward');
  await expect(page.locator('.svelte-flow__node[data-id="input"]')).not.toHaveAttribute('data-lab-focus', /.*/);
  // Hovering a layer shows its tensor beside it.
  await page.getByTestId('node-input').hover();
  await expect(page.getByTestId('lab-peek')).toContainText('input output');
  await expect(page.getByTestId('lab-peek')).toContainText('shape [8 × 2]');
  await page.getByTestId('lab-step').hover();
  await expect(page.getByTestId('lab-peek')).toBeHidden();
  // The weighted sum of the chosen unit, written out, agrees with the engine.
  const formula = page.getByTestId('lab-formula');
  await expect(formula).toContainText('z[0,0] = Σₖ input[0,k]·W[k,0] + b[0]');
  await expect(formula.locator('.chk')).toContainText(['✓']);
  // Click another unit in the heatmap: its formula.
  await page.getByTestId('lab-tensor-cell-1-2').click();
  await expect(formula).toContainText('z[1,2]');
  await expect(formula.locator('.chk .off')).toHaveCount(0);

  // The arrow keys walk on: output, then the loss.
  await page.getByTestId('lab').focus();
  await page.keyboard.press('ArrowRight');
  await expect(title).toHaveText('Forward output');
  await page.keyboard.press('ArrowRight');
  await expect(title).toHaveText('Loss');
  const loss = Number(await page.getByTestId('lab-loss').textContent());
  expect(loss).toBeGreaterThan(0);
  await expect(formula).toContainText('bce');
  await page.keyboard.press('ArrowLeft');
  await expect(title).toHaveText('Forward output');
  await page.keyboard.press('ArrowRight');

  // Backward: the output's gradient (sigmoid and BCE fused), then the hidden layer's.
  await page.getByTestId('lab-next').click();
  await expect(title).toHaveText('Backward output');
  await expect(page.locator('.svelte-flow__node[data-id="output"]')).toHaveAttribute('data-lab-focus', 'backward');
  await expect(formula).toContainText('(prediction − target) / rows');
  await page.getByTestId('lab-next').click();
  await expect(title).toHaveText('Backward hidden');
  await expect(formula).toContainText('∂L/∂z[0,0] = ∂L/∂hidden · [z > 0]');
  await expect(formula.locator('.chk .off')).toHaveCount(0);
  await shot(page, 'lab-step-backward-1920x1080-light');

  // The Adam update of hidden.W: m, v, bias corrections and the new value, each agreeing with the engine.
  await page.getByTestId('lab-phase-update').click();
  await expect(title).toHaveText('Update hidden.W');
  await expect(page.locator('.svelte-flow__node[data-id="hidden"]')).toHaveAttribute('data-lab-focus', 'update');
  await expect(formula).toContainText('m′ = β₁·m + (1 − β₁)·g');
  await expect(formula).toContainText('v′ = β₂·v + (1 − β₂)·g²');
  await expect(formula).toContainText('m̂ = m′ / (1 − β₁^t)');
  await expect(formula.locator('.chk')).toHaveText(['', '✓', '✓', '', '✓']);
  await expect(page.getByTestId('lab-old')).toBeVisible();
  await expect(page.getByTestId('lab-new')).toBeVisible();
  // The new value shown in the formula is the one in the New value heatmap.
  await page.getByTestId('lab-new-cell-1-1').click();
  await expect(formula).toContainText('w[4], g[4]');
  const newCell = await page.getByTestId('lab-new-cell-1-1').getAttribute('title');
  const fromFormula = Number((await formula.locator('tr').last().locator('.res').textContent())!.replace('= ', ''));
  expect(Math.abs(Number(newCell!.split('= ')[1]) - fromFormula)).toBeLessThan(1e-3 * Math.abs(fromFormula) + 1e-6);
  await shot(page, 'lab-step-update-1920x1080-light');

  // Selecting a layer on the canvas shows its phase.
  await page.getByTestId('lab-phase-forward').click();
  await selectNode(page, 'output');
  await expect(title).toHaveText('Forward output');

  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const)
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await setTheme(page, theme);
      await expect(page.getByTestId('lab')).toBeVisible();
      const box = (await page.getByTestId('lab').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(w + 1);
      // The canvas stays in view beside the lab, and the layer of the phase is not hidden behind it (the canvas pans).
      expect(box.x).toBeGreaterThan(w * 0.4);
      await expect
        .poll(async () => {
          const n = await page.locator('.svelte-flow__node[data-lab-focus]').boundingBox();
          return n !== null && n.x >= 0 && n.x + n.width / 2 < box.x;
        })
        .toBe(true);
      await viewportSettled(page);
      await shot(page, `lab-step-${w}x${h}-${theme}`);
    }
});

test('trace a sample, keep checkpoints, fork a run with another learning rate and compare the two', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'x4-relu-hidden');
  await page.getByTestId('train-epochs').fill('40');
  await page.getByTestId('btn-lab').click();

  // Trace one sample with the seed's weights.
  await page.getByTestId('lab-tab-trace').click();
  await page.getByTestId('lab-trace-row').fill('7');
  await page.getByTestId('lab-trace-row').dispatchEvent('change');
  await page.getByTestId('lab-trace-go').click();
  await expect(page.getByTestId('lab-trace-summary')).toContainText('Training row 7: inputs [');
  for (const id of ['input', 'hidden', 'output']) await expect(page.getByTestId(`lab-trace-layer-${id}`)).toBeVisible();
  await expect(page.getByTestId('lab-trace-out-hidden')).toContainText('shape [1 × 3]');
  const sampleLoss = Number(await page.getByTestId('lab-trace-loss').textContent());
  expect(sampleLoss).toBeGreaterThan(0);
  // The gradient of its loss with respect to its two inputs.
  await expect(page.getByTestId('lab-trace-input-grad')).toContainText('shape [1 × 2]');
  await shot(page, 'lab-trace-1920x1080-light');

  // Checkpoints every 10 epochs, then train.
  await page.getByTestId('lab-tab-timeline').click();
  await page.getByTestId('lab-checkpoint-every').fill('10');
  await page.getByTestId('lab-checkpoint-every').dispatchEvent('change');
  await trainToEnd(page);

  // Gradient flow of the run, live from the engine.
  await page.getByTestId('lab-tab-flow').click();
  await expect(page.getByTestId('lab-flow-table')).toContainText('hidden');
  await expect(page.getByTestId('lab-flow-gradRms')).toBeVisible();

  // Keep this run for comparison.
  await page.getByTestId('lab-tab-compare').click();
  await page.getByTestId('lab-keep').click();

  // The timeline: checkpoints at 10, 20, 30, 40; show epoch 20.
  await page.getByTestId('lab-tab-timeline').click();
  await expect(page.getByTestId('lab-checkpoint-20')).toBeVisible();
  await page.getByTestId('lab-checkpoint-20').click();
  await expect(page.getByTestId('lab-checkpoint-epoch')).toHaveText('epoch 20');
  await expect(page.getByTestId('lab-checkpoint-metrics')).toContainText('loss');
  await expect(page.getByTestId('lab-at-boundary')).toBeVisible();
  // The plane fills its row (it stayed at its 120 px minimum when its figure was as narrow as its content).
  expect((await page.getByTestId('lab-at-boundary').locator('canvas').boundingBox())!.width).toBeGreaterThan(180);
  await shot(page, 'lab-timeline-1920x1080-light');

  // Fork from epoch 20 with a larger learning rate.
  await page.getByTestId('lab-fork-lr').fill('0.05');
  await page.getByTestId('lab-fork').click();
  await expect(page.getByTestId('train-message')).toContainText('Forked from the checkpoint at epoch 20');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 45_000 });

  // Compare the kept run (A) with the fork (B): the learning rate differs, the layers do not.
  await page.getByTestId('lab-tab-compare').click();
  const settings = page.getByTestId('lab-diff-settings');
  // The fork's run is recorded in the project as it ends.
  await expect(async () => {
    await page.getByTestId('lab-compare-go').click();
    await expect(settings).toContainText('lr', { timeout: 1000 });
  }).toPass();
  await expect(settings.locator('tr', { hasText: /^lr/ })).toContainText('0.01');
  await expect(settings.locator('tr', { hasText: /^lr/ })).toContainText('0.05');
  await expect(page.getByTestId('lab-diff-architecture')).toContainText('Same layers and connections.');
  expect(await page.getByTestId('lab-compare-curves').locator('path').count()).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('lab-diff-weights')).toContainText('hidden.W');
  await expect(page.getByTestId('lab-boundary-a')).toBeVisible();
  await expect(page.getByTestId('lab-boundary-b')).toBeVisible();
  for (const tag of ['a', 'b'])
    expect((await page.getByTestId(`lab-boundary-${tag}`).locator('canvas').boundingBox())!.width).toBeGreaterThan(180);
  // The confusion matrices side by side.
  await expect(page.getByTestId('lab-cm-a')).toContainText('true \\ predicted');
  await expect(page.getByTestId('lab-cm-b')).toContainText('true \\ predicted');
  await shot(page, 'lab-compare-1920x1080-light');
  await page.setViewportSize({ width: 1024, height: 700 });
  await setTheme(page, 'dark');
  await shot(page, 'lab-compare-1024x700-dark');
});

test('gradient flow shows vanishing gradients in the deep sigmoid network; a small sweep fills a sortable board; a divergence is explained', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'vanishing-sigmoid');
  await page.getByTestId('train-epochs').fill('20');
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-tab-flow').click();
  await trainToEnd(page);
  const table = page.getByTestId('lab-flow-table');
  await expect(table).toContainText('hidden8');
  // The gradient reaching the first sigmoid layer is far smaller than the one reaching the last.
  const grad = async (id: string) =>
    Number(
      await table
        .locator('tr', { has: page.getByRole('cell', { name: id, exact: true }) })
        .locator('td')
        .nth(1)
        .textContent(),
    );
  const first = await grad('hidden1');
  const last = await grad('hidden8');
  expect(first).toBeGreaterThan(0);
  expect(first * 10).toBeLessThan(last);
  await expect(page.getByTestId('lab-flow-saturated')).toBeVisible();
  await shot(page, 'lab-flow-1920x1080-light');

  // A sweep over two learning rates: both runs finish, the board sorts by loss.
  await page.getByTestId('lab-tab-sweep').click();
  await page.getByTestId('lab-sweep-lr').fill('0.1, 1');
  await page.getByTestId('lab-sweep-start').click();
  await expect(page.getByTestId('lab-sweep-row-0')).toContainText('done', { timeout: 45_000 });
  await expect(page.getByTestId('lab-sweep-row-1')).toContainText('done', { timeout: 45_000 });
  await page.getByTestId('lab-sweep-sort-loss').click();
  const rows = page.getByTestId('lab-sweep-table').locator('tbody tr');
  const headers = await page.getByTestId('lab-sweep-table').locator('thead th').allTextContents();
  const col = headers.findIndex((h) => h.startsWith('loss'));
  expect(col).toBeGreaterThan(0);
  const losses = await rows.evaluateAll(
    (trs, c) =>
      trs.map((tr) => Number((tr as unknown as { children: { textContent: string }[] }).children[c]!.textContent)),
    col,
  );
  expect(losses).toHaveLength(2);
  expect(losses[0]).toBeLessThanOrEqual(losses[1]!);
  await expect(page.getByTestId('lab-sweep-curves').locator('path')).toHaveCount(2);
  await shot(page, 'lab-sweep-1920x1080-light');

  // The ReLU twin with a learning rate far too large: the run diverges and the flow view says so.
  await openTemplate(page, 'vanishing-relu');
  await page.getByTestId('train-lr').fill('5');
  await page.getByTestId('train-epochs').fill('20');
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-tab-flow').click();
  await trainToEnd(page);
  await expect(page.getByTestId('lab-diverged')).toContainText('Training diverged in epoch 1');
  // One suggestion, the measured one: not the general "a smaller learning rate" as well.
  await expect(page.getByTestId('lab-diverged')).not.toContainText('Try a smaller learning rate');
  // It blew up within epoch 1: the epoch is replayed step by step, and the explanation names one of the
  // network's layers (hidden1…hidden8, output) and what to try.
  const advice = page.getByTestId('lab-diverged-advice');
  await expect(advice).toContainText(
    /The gradients of layer '(hidden[1-8]|output)' grew first \(to [\d,.·⁰¹²³⁴⁵⁶⁷⁸⁹]+×/,
  );
  await expect(advice).toContainText('Try a learning rate of 0.5, or gradient clipping (a clip norm of 1).');
  // The replayed epoch is drawn step by step: a line per layer with weights (hidden1…hidden8, output).
  const replay = page.getByTestId('lab-diverged-replay');
  await expect(replay).toContainText("Epoch 1 replayed step by step: weights' gradient");
  await expect(replay.locator('.legend li')).toHaveCount(9);
  const drawn = await replay
    .locator('path')
    .evaluateAll((ps) => ps.filter((p) => (p.getAttribute('d') ?? '').includes('L')).length);
  expect(drawn).toBe(9);
  await page.screenshot({ path: `${SHOTS}/lab-diverged-1920x1080-light.png` });
  await page.setViewportSize({ width: 1024, height: 700 });
  await setTheme(page, 'dark');
  await expect(advice).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/lab-diverged-1024x700-dark.png` });
});
