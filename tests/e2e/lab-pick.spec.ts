/**
 * Pointing at things in the learning lab: a connection hovered or selected during a step shows the
 * tensor flowing along it (values forward, gradients backward); a point clicked on the decision
 * boundary, a row clicked in the trace view's table and an image clicked in the feature maps (a
 * mistake picked in the gallery, say) are traced; a saved trained project, reopened, offers its
 * recorded runs to compare, and a run of another project file is compared with its own. Projects with runs are trained by the CLI, as a user's saved files are.
 * A sweep's result opened is the project with its run and checkpoints, forked from its timeline and
 * compared with another result; a sweep of wide networks shows where its checkpoint budget bites.
 * Screenshots at 1024×700 and 1920×1080, light and dark.
 */
import { test, expect, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openApp, openTemplate, pixelVariance, viewportSettled, setTheme } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [path.resolve('bin/netwright.mjs'), ...args], { timeout: 120_000 });

async function openFile(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('btn-open').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('status-project')).toContainText(path.basename(file));
}

/**
 * Select the option whose label starts with `prefix` in a compare select, once it is there (a project
 * file added to the comparison is read first: its option comes a moment after the file is picked).
 */
async function choose(page: Page, testid: string, prefix: string): Promise<void> {
  const options = page.getByTestId(testid).locator('option');
  let labels: string[] = [];
  await expect
    .poll(async () => (labels = await options.allTextContents()).findIndex((l) => l.startsWith(prefix)), {
      message: `${prefix} among the options`,
    })
    .toBeGreaterThanOrEqual(0);
  await page.getByTestId(testid).selectOption(String(labels.findIndex((l) => l.startsWith(prefix))));
}

test('hover and select a connection during a step: its tensor, values forward and gradients backward', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'x4-relu-hidden');
  await viewportSettled(page);
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-trace-step').click();
  await expect(page.getByTestId('lab-phase-title')).toHaveText('Forward input');
  const edge = (s: string, t: string) => page.locator(`.svelte-flow__edge[aria-label="Edge from ${s} to ${t}"]`);
  // A straight connection has no height, which Playwright calls hidden: point at the middle of its line.
  // (Left of the lab where the lab covers the middle: the layers lie on one line, so the connection is straight.)
  const middle = async (s: string, t: string) => {
    const b = (await edge(s, t).boundingBox())!;
    const lab = (await page.getByTestId('lab').boundingBox())!;
    return [Math.max(b.x + 4, Math.min(b.x + b.width / 2, lab.x - 24)), b.y + b.height / 2] as const;
  };
  const hoverEdge = async (s: string, t: string) => page.mouse.move(...(await middle(s, t)));

  // Forward into hidden: the connection input → hidden is marked and carries the input, 32 rows × 2.
  await page.getByTestId('lab-next').click();
  await expect(page.getByTestId('lab-phase-title')).toHaveText('Forward hidden');
  await expect(edge('input', 'hidden')).toHaveAttribute('data-lab-focus', 'forward');
  await expect(edge('hidden', 'output')).not.toHaveAttribute('data-lab-focus', /.*/);
  await hoverEdge('input', 'hidden');
  const peek = page.getByTestId('lab-peek');
  await expect(peek).toContainText('input → hidden: input output');
  await expect(peek).toContainText('shape [32 × 2]');
  await hoverEdge('hidden', 'output');
  await expect(peek).toContainText('hidden → output: hidden output');
  await expect(peek).toContainText('shape [32 × 3]');
  await shot(page, 'lab-edge-forward-1920x1080-light');

  // Backward out of hidden: hidden → output carries ∂L/∂hidden, the same shape as hidden's output.
  await page.getByTestId('lab-phase-backward').click();
  await page.getByTestId('lab-next').click();
  await expect(page.getByTestId('lab-phase-title')).toHaveText('Backward hidden');
  await expect(edge('hidden', 'output')).toHaveAttribute('data-lab-focus', 'backward');
  await hoverEdge('hidden', 'output');
  await expect(peek).toContainText('hidden → output: ∂L/∂hidden');
  await expect(peek).toContainText('shape [32 × 3]');
  await page.getByTestId('lab-step').hover();
  await expect(peek).toBeHidden();

  // Selecting the connection pins its tensor above the step-through; it follows the phase.
  await page.mouse.click(...(await middle('hidden', 'output')));
  await expect(page.getByTestId('lab-edge-title')).toHaveText('hidden → output: ∂L/∂hidden');
  await expect(page.getByTestId('lab-edge-map')).toContainText('shape [32 × 3]');
  await page.getByTestId('lab-phase-forward').click();
  await expect(page.getByTestId('lab-edge-title')).toHaveText('hidden → output: hidden output');
  await page.getByTestId('lab-phase-backward').click();
  await page.getByTestId('lab-next').click();

  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const)
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await setTheme(page, theme);
      await viewportSettled(page);
      // The canvas may still pan the phase's layer into view after the resize: point again until the card shows.
      await expect(async () => {
        await page.mouse.move(0, 0);
        await hoverEdge('input', 'hidden');
        await expect(peek).toContainText('input → hidden', { timeout: 1000 });
      }).toPass({ timeout: 10_000 });
      await shot(page, `lab-edge-${w}x${h}-${theme}`);
    }
});

test('a reopened trained project offers its saved runs to compare; a point on the boundary and a table row are traced', async ({
  page,
}) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-e2e-runs-'));
  await cli(['train', 'circle', '--epochs', '3', '--lr', '0.03', '--out', dir]);
  const file = path.join(dir, 'circle.netwright');
  await cli(['train', file, '--epochs', '4', '--lr', '0.2', '--out', dir]);

  await openApp(page, { width: 1920, height: 1080 });
  await openFile(page, file);
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  // The last run is the loss chart's own curve; only the run before it is listed (and drawn) beside it.
  await expect(page.getByTestId('run-name')).toHaveCount(1);
  await expect(page.getByTestId('run-name')).toHaveValue('saved run 1');
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-runs', '1');

  // Compare: both saved runs are offered; the first has no weights and says so.
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-tab-compare').click();
  await choose(page, 'lab-compare-a', 'saved run 1');
  await choose(page, 'lab-compare-b', 'saved run 2');
  await page.getByTestId('lab-compare-go').click();
  const lr = page.getByTestId('lab-diff-settings').locator('tr', { hasText: /^lr/ });
  await expect(lr).toContainText('0.03');
  await expect(lr).toContainText('0.2');
  await expect(page.getByTestId('lab-diff-settings').locator('tr', { hasText: /^epochs/ })).toContainText('3');
  await expect(page.getByTestId('lab-diff-architecture')).toContainText('Same layers and connections.');
  await expect(page.getByTestId('lab-diff-metrics')).toContainText('loss');
  expect(await page.getByTestId('lab-compare-curves').locator('path').count()).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('lab-missing-a')).toContainText("a project keeps only its last run's weights");
  await expect(page.getByTestId('lab-missing-b')).toHaveCount(0);
  await expect(page.getByTestId('lab-diff-weights')).toHaveCount(0);
  // The last saved run has the project's weights: its boundary and confusion matrix are drawn from them.
  await expect(page.getByTestId('lab-boundary-b')).toBeVisible();
  await expect(page.getByTestId('lab-cm-b')).toBeVisible();
  await expect(page.getByTestId('lab-boundary-a')).toHaveCount(0);
  await shot(page, 'lab-compare-saved-1920x1080-light');
  await page.setViewportSize({ width: 1024, height: 700 });
  await setTheme(page, 'dark');
  await shot(page, 'lab-compare-saved-1024x700-dark');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await setTheme(page, 'light');

  // A run of another project file (Adam, lr 0.1) against this project's last run: both have weights.
  const other = mkdtempSync(path.join(tmpdir(), 'nw-e2e-other-'));
  await cli(['train', 'circle', '--epochs', '2', '--optimizer', 'adam', '--lr', '0.1', '--out', other]);
  await page.getByTestId('lab-compare-file').setInputFiles(path.join(other, 'circle.netwright'));
  await choose(page, 'lab-compare-a', 'circle.netwright');
  await choose(page, 'lab-compare-b', 'saved run 2');
  await page.getByTestId('lab-compare-go').click();
  await expect(lr).toContainText('0.1');
  await expect(lr).toContainText('0.2');
  const optimizer = page.getByTestId('lab-diff-settings').locator('tr', { hasText: /^optimizer\.name/ });
  await expect(optimizer).toContainText('adam');
  await expect(optimizer).toContainText('sgd');
  await expect(page.getByTestId('lab-missing-a')).toHaveCount(0);
  await expect(page.getByTestId('lab-diff-weights')).toContainText('.W');
  // Both boundaries and both confusion matrices, the other file's drawn from its own weights.
  for (const id of ['lab-boundary-a', 'lab-boundary-b', 'lab-cm-a', 'lab-cm-b'])
    await expect(page.getByTestId(id)).toBeVisible();
  await shot(page, 'lab-compare-file-1920x1080-light');

  // A click on a data point of the boundary plot traces that sample (the lab opens on the trace).
  await page.getByTestId('lab-close').click();
  const canvas = page.getByTestId('boundary-canvas');
  const box = (await canvas.boundingBox())!;
  let hit = false;
  // From the middle outwards until the click lands on a point (a click beside every point does nothing).
  for (let ring = 0; ring < 8 && !hit; ring++)
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
      [1, 1],
      [-1, -1],
      [1, -1],
      [-1, 1],
    ]) {
      await canvas.click({ position: { x: box.width / 2 + dx! * ring * 14, y: box.height / 2 + dy! * ring * 14 } });
      if (await page.getByTestId('lab').isVisible()) {
        hit = true;
        break;
      }
    }
  expect(hit).toBe(true);
  await expect(page.getByTestId('lab-tab-trace')).toHaveAttribute('aria-selected', 'true');
  const summary = page.getByTestId('lab-trace-summary');
  await expect(summary).toContainText(/(Training|Validation) row \d+: inputs \[/);
  await expect(page.getByTestId('lab-trace-out-hidden1')).toBeVisible();

  // The trace view's own table of the first training rows: a click traces that row.
  await page.getByTestId('lab-trace-list').click();
  const row3 = page.getByTestId('lab-trace-pick-3');
  await expect(row3).toBeVisible();
  const inputs = (await row3.locator('td').nth(1).textContent())!;
  await row3.click();
  await expect(summary).toContainText(`Training row 3: inputs [${inputs}]`);
  await expect(row3).toHaveClass(/on/);
  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const)
    for (const theme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h });
      await setTheme(page, theme);
      await shot(page, `lab-trace-pick-${w}x${h}-${theme}`);
    }
});

test('a misclassified image picked in the gallery, then clicked in the feature maps, is traced', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nw-e2e-cnn-'));
  await cli(['train', 'why-conv-cnn', '--epochs', '1', '--out', dir]);
  await openApp(page, { width: 1920, height: 1080 });
  await openFile(page, path.join(dir, 'why-conv-cnn.netwright'));

  // A mistake picked in the gallery shows its feature maps (the lab stays closed over the views).
  await page.getByTestId('view-tab-mistakes').click();
  const first = page.getByTestId('image-mistakes').locator('[data-testid^="mistake-"]').first();
  const row = Number((await first.getAttribute('data-testid'))!.slice('mistake-'.length));
  await first.click();
  await expect(page.getByTestId('sample-row')).toHaveValue(String(row + 1));
  await expect(page.getByTestId('lab')).toBeHidden();
  // Its image, clicked, is traced: the lab opens on the trace of that test row.
  await page.getByTestId('sample-image').click();
  await expect(page.getByTestId('lab-tab-trace')).toHaveAttribute('aria-selected', 'true');
  const summary = page.getByTestId('lab-trace-summary');
  await expect(summary).toContainText(`Test row ${row}: inputs [`);
  await expect(summary).toContainText('(784)');
  await expect(page.getByTestId('lab-trace-out-conv1')).toContainText('shape [1 × 8 × 28 × 28]');
  await shot(page, 'lab-trace-image-1920x1080-light');

  // The next sample of the feature maps, clicked, is traced.
  await page.getByTestId('lab-close').click();
  await page.getByRole('button', { name: 'Next sample' }).click();
  await expect(page.getByTestId('sample-row')).toHaveValue(String(row + 2));
  await page.getByTestId('sample-image').click();
  await expect(summary).toContainText(`Test row ${row + 1}: inputs [`);
  await page.setViewportSize({ width: 1024, height: 700 });
  await setTheme(page, 'dark');
  await shot(page, 'lab-trace-image-1024x700-dark');
});

test('a sweep result opened is the project with its run and checkpoints, forked from its timeline; another compared', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'x4-relu-hidden');
  await page.getByTestId('train-epochs').fill('15');
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-tab-sweep').click();
  await page.getByTestId('lab-sweep-lr').fill('0.03, 0.1');
  await page.getByTestId('lab-sweep-start').click();
  for (const i of [0, 1])
    await expect(page.getByTestId(`lab-sweep-row-${i}`)).toContainText('done', { timeout: 45_000 });
  // Each run keeps checkpoints every 4 of its 15 epochs (the project sets no interval), within the budget.
  for (const i of [0, 1])
    await expect(page.getByTestId(`lab-sweep-checkpoints-${i}`)).toHaveText('checkpoints 4, 8, 12');
  await expect(page.getByTestId('lab-sweep-note')).toHaveCount(0);
  await shot(page, 'lab-sweep-board-1920x1080-light');

  // Compare on run 1 keeps it for comparison; Open on run 2 makes it the project, its run and its settings.
  await page.getByTestId('lab-sweep-keep-0').click();
  await page.getByTestId('lab-sweep-open-1').click();
  await expect(page.getByTestId('status-project')).toContainText('lr 0.1');
  await expect(page.getByTestId('train-lr')).toHaveValue('0.1');
  await expect(page.getByTestId('train-epochs')).toHaveValue('15');
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  expect(await pixelVariance(page.getByTestId('loss-chart'))).toBeGreaterThan(0);

  // Its timeline has the run's checkpoints; fork from epoch 8 with another learning rate.
  await page.getByTestId('lab-tab-timeline').click();
  for (const e of [4, 8, 12]) await expect(page.getByTestId(`lab-checkpoint-${e}`)).toBeVisible();
  await page.getByTestId('lab-checkpoint-8').click();
  await expect(page.getByTestId('lab-checkpoint-epoch')).toHaveText('epoch 8');
  await expect(page.getByTestId('lab-checkpoint-metrics')).toContainText('loss');
  await shot(page, 'lab-sweep-opened-1920x1080-light');
  await page.getByTestId('lab-fork-lr').fill('0.05');
  await page.getByTestId('lab-fork').click();
  await expect(page.getByTestId('train-message')).toContainText('Forked from the checkpoint at epoch 8');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
  await expect(page.getByTestId('train-error')).toBeHidden();

  // Sweep run 1 (lr 0.03) against the fork (lr 0.05): the settings differ by their learning rate only.
  await page.getByTestId('lab-tab-compare').click();
  await choose(page, 'lab-compare-a', 'sweep run 1');
  await choose(page, 'lab-compare-b', 'this project now');
  const settings = page.getByTestId('lab-diff-settings');
  await expect(async () => {
    await page.getByTestId('lab-compare-go').click();
    await expect(settings).toContainText('lr', { timeout: 1000 });
  }).toPass();
  const lr = settings.locator('tr', { hasText: /^lr/ });
  await expect(lr).toContainText('0.03');
  await expect(lr).toContainText('0.05');
  await expect(settings.locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('lab-diff-architecture')).toContainText('Same layers and connections.');
  expect(await page.getByTestId('lab-compare-curves').locator('path').count()).toBeGreaterThanOrEqual(2);
  await shot(page, 'lab-sweep-compare-1920x1080-light');
  await page.setViewportSize({ width: 1024, height: 700 });
  await setTheme(page, 'dark');
  await shot(page, 'lab-sweep-compare-1024x700-dark');
  await page.getByTestId('lab-tab-sweep').click();
  await shot(page, 'lab-sweep-board-1024x700-dark');
});

test('a sweep of wide networks keeps what its checkpoint budget allows and says so on the board', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openTemplate(page, 'vanishing-sigmoid');
  await page.getByTestId('train-epochs').fill('2');
  await page.getByTestId('btn-lab').click();
  await page.getByTestId('lab-tab-sweep').click();
  // Three runs share 4,000,000 numbers, 1,333,333 each. A checkpoint holds the weights twice (the weights and
  // the last good ones): eight sigmoid layers 280 wide, 551,881 weights, keep one of their two checkpoints;
  // 400 wide, 1,124,401 weights, keep none.
  await page.getByTestId('lab-sweep-lr').fill('');
  await page.getByTestId('lab-sweep-width').fill('8, 280, 400');
  await page.getByTestId('lab-sweep-start').click();
  for (const i of [0, 1, 2])
    await expect(page.getByTestId(`lab-sweep-row-${i}`)).toContainText('done', { timeout: 60_000 });
  await expect(page.getByTestId('lab-sweep-checkpoints-0')).toHaveText('checkpoints 1, 2');
  await expect(page.getByTestId('lab-sweep-checkpoints-1')).toHaveText(/^checkpoints 2\s*⚠$/);
  await expect(page.getByTestId('lab-sweep-checkpoints-2')).toHaveText(/^checkpoints none\s*⚠$/);
  const share = "its share of the sweep's checkpoint budget (1,333,333 of 4,000,000 numbers for 3 runs)";
  await expect(page.getByTestId('lab-sweep-note')).toHaveText([
    `⚠ Run 2: Kept 1 of 2 checkpoints within ${share}.`,
    `⚠ Run 3: No checkpoints kept: one holds 2,248,802 numbers, more than ${share}. Sweep fewer settings to keep them.`,
  ]);
  await shot(page, 'lab-sweep-budget-1920x1080-light');
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}
