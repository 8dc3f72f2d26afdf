/**
 * Views that read on their own, for a classifier and a regression, at 1024x700 and 1920x1080 in both
 * themes: axes with names and ticks, legends, training and test markers, Playground's toggles, the
 * weight palette's legend, and for regression the errors in the target's units with the
 * predicted-versus-actual and residual plots (scikit-learn's diabetes data, tests/fixtures/data).
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writePenguinsCsv } from '../engine/data/fixtures.ts';
import { openApp, openTemplate, trainToEnd, eachLook, openCsv } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
/** Click a PNG button; the file's name and its pixel size (read from the PNG header). */
async function savePng(page: Page, testId: string): Promise<{ name: string; width: number; height: number }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const d = await download;
  const bytes = readFileSync((await d.path())!);
  await d.saveAs(`${SHOTS}/png-export-${d.suggestedFilename().replace(/ /g, '_')}`);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return { name: d.suggestedFilename(), width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('a classifier: the boundary has axes, a class legend, filled training points and test rings, and toggles', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  await openCsv(page, writePenguinsCsv(mkdtempSync(path.join(tmpdir(), 'nw-e2e-views-'))));
  await page.getByTestId('data-target').selectOption('Species');
  await page.getByTestId('data-test').fill('0.25');
  await page.getByTestId('fit-network').click();
  // Before training: the data and the untrained model's boundary show as soon as both are chosen.
  await expect(page.getByTestId('untrained-note')).toBeVisible();
  await page.getByTestId('view-tab-boundary').click();
  await expect(page.getByTestId('boundary-canvas')).toHaveAttribute('data-legend', /class Adelie/);
  expect(Number(await page.getByTestId('boundary-canvas').getAttribute('data-training'))).toBeGreaterThan(150);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-classifier-untrained.png` });
  await page.getByTestId('train-epochs').fill('60');
  await trainToEnd(page);
  await expect(page.getByTestId('untrained-note')).toHaveCount(0);
  // Accuracy is a classifier's readout; the loss chart keeps its accuracy axis.
  await expect(page.getByTestId('metric-accuracy')).toBeVisible();
  await expect(page.getByTestId('metric-r2')).toHaveCount(0);
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-accuracy-axis', 'true');
  await page.getByTestId('view-tab-boundary').click();
  const plane = page.getByTestId('boundary-canvas');
  await expect(plane).toHaveAttribute(
    'data-legend',
    /class Adelie \| class Chinstrap \| class Gentoo \| training \| test/,
  );
  expect(Number(await plane.getAttribute('data-ticks'))).toBeGreaterThanOrEqual(6);
  expect(Number(await plane.getAttribute('data-training'))).toBeGreaterThan(150);
  expect(Number(await plane.getAttribute('data-test'))).toBeGreaterThan(50);
  const axes = await plane.getAttribute('data-axes');
  expect(axes).toMatch(/ \| /);

  // Hiding the test points removes the rings and their legend entry.
  const before = await plane.screenshot();
  await page.getByTestId('show-test').uncheck();
  await expect(plane).toHaveAttribute('data-test', '0');
  await expect(plane).not.toHaveAttribute('data-legend', /test/);
  await page.getByTestId('show-test').check();
  // Discretized output: flat class colours, a different picture.
  await page.getByTestId('discretize').check();
  await expect(plane).toHaveAttribute('data-discretize', 'true');
  expect((await plane.screenshot()).equals(before)).toBe(false);
  await page.getByTestId('discretize').uncheck();

  // PNGs at twice the size on screen, named after the project and the view; a notice says where they went.
  const planeBox = (await plane.boundingBox())!;
  const png = await savePng(page, 'png-view');
  expect(png.name).toMatch(/ - Decision boundary\.png$/);
  expect(png.width).toBe(Math.round(planeBox.width) * 2);
  await expect(page.getByTestId('notice').filter({ hasText: 'in your downloads folder' })).toBeVisible();
  await page.getByTestId('view-tab-network').click();
  const netPng = await savePng(page, 'png-view');
  expect(netPng.name).toMatch(/ - Network\.png$/);
  const svgWidth = Number(await page.getByTestId('network-view').locator('svg').getAttribute('width'));
  expect(netPng.width).toBe(svgWidth * 2);
  const lossPng = await savePng(page, 'png-loss');
  expect(lossPng.name).toMatch(/ - Loss\.png$/);
  const lossBox = (await page.getByTestId('loss-chart').boundingBox())!;
  expect(Math.abs(lossPng.width - lossBox.width * 2)).toBeLessThanOrEqual(2);

  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-boundary').click();
    await expect(plane).toHaveAttribute('data-legend', /training \| test/);
    // The legend hides no points: beside the plot where the pane is wide, above it where it is not.
    await expect(plane).toHaveAttribute('data-legend-place', /right|above/);
    // The metrics' values are whole inside the training panel, however narrow it is.
    const panel = (await page.getByTestId('training-panel').boundingBox())!;
    for (const id of ['metric-loss', 'metric-accuracy', 'metric-val-loss', 'metric-val-accuracy']) {
      const m = (await page.getByTestId(id).boundingBox())!;
      expect(m.x + m.width, `${id} at ${name}`).toBeLessThanOrEqual(panel.x + panel.width);
    }
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-classifier-boundary-${name}.png` });
    await page.getByTestId('view-tab-network').click();
    await expect(page.getByTestId('weight-legend')).toContainText('weight');
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-classifier-network-${name}.png` });
  });
});

test('a regression on the diabetes data: errors in its units, predicted against actual, residuals, curve', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openApp(page, { width: 1440, height: 900 });
  await openTemplate(page, 'x4-relu-hidden');
  await openCsv(page, path.resolve('tests/fixtures/data/diabetes.csv'));
  await expect(page.getByTestId('data-summary')).toContainText('diabetes.csv: 442 rows, 11 columns');
  await page.getByTestId('data-target').selectOption('progression');
  await page.getByTestId('data-test').fill('0.2');
  await page.getByTestId('fit-network').click();
  await expect(page.getByTestId('data-shape')).toContainText('regression');
  await page.getByTestId('train-epochs').fill('60');
  await trainToEnd(page);
  // Regression reads R² and RMSE, and the loss chart has no accuracy axis.
  await expect(page.getByTestId('metric-accuracy')).toHaveCount(0);
  const r2 = Number(await page.getByTestId('metric-r2').textContent());
  expect(r2).toBeGreaterThan(0.3);
  expect(r2).toBeLessThan(1);
  // RMSE in the target's units (its standard deviation is about 77).
  const rmse = Number(await page.getByTestId('metric-rmse').textContent());
  expect(rmse).toBeGreaterThan(20);
  expect(rmse).toBeLessThan(80);
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-accuracy-axis', 'false');

  await page.getByTestId('view-tab-evaluation').click();
  await expect(page.getByTestId('regression-metrics-training')).toBeVisible();
  const testRow = page.getByTestId('regression-metrics-test');
  await expect(testRow).toContainText('test (');
  const cells = await testRow.locator('td').allTextContents();
  expect(cells).toHaveLength(4);
  const [mse, testRmse, mae, testR2] = cells.map(Number);
  expect(testRmse).toBeCloseTo(Math.sqrt(mse!), 0);
  expect(mae).toBeLessThan(testRmse!);
  expect(testR2).toBeGreaterThan(0.2);
  const fit = page.getByTestId('fit-canvas');
  await expect(fit).toHaveAttribute('data-axes', 'actual progression | predicted progression');
  await expect(fit).toHaveAttribute('data-legend', 'test rows | y = x (perfect fit)');
  expect(Number(await fit.getAttribute('data-ticks'))).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId('residual-canvas')).toHaveAttribute(
    'data-axes',
    'predicted progression | residual (actual − predicted)',
  );

  // A second run on the same data: the first is listed and overlaid; it can be renamed, hidden and removed.
  await page.getByTestId('train-epochs').fill('20');
  await trainToEnd(page, 'fresh');
  const chart = page.getByTestId('loss-chart');
  await expect(page.getByTestId('run-list')).toBeVisible();
  await expect(chart).toHaveAttribute('data-runs', '1');
  await page.getByTestId('run-name').fill('sixty epochs');
  await page.getByTestId('run-name').press('Enter');
  await expect(page.getByTestId('run-name')).toHaveValue('sixty epochs');
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-regression-runs.png` });
  await page.getByTestId('run-visible').uncheck();
  await expect(chart).toHaveAttribute('data-runs', '0');
  await page.getByTestId('run-visible').check();
  await expect(chart).toHaveAttribute('data-runs', '1');
  // The chart draws the new run's buckets up to its last epoch.
  await expect(chart).toHaveAttribute('data-last-epoch', '20');
  await expect(chart).toHaveAttribute('data-points', '20');
  // Deleting a run asks first, takes it out of the project (unsaved until saved), and the saved file lacks it.
  const saveProject = async (name: string) => {
    const dl = page.waitForEvent('download');
    await page.getByTestId('btn-save').click();
    const file = test.info().outputPath(name);
    await (await dl).saveAs(file);
    return JSON.parse(readFileSync(file, 'utf8')) as { runs: { id: string }[] };
  };
  const before = await saveProject('two-runs.netwright');
  expect(before.runs).toHaveLength(2);
  await expect(page).not.toHaveTitle(/•/);
  await page.getByTestId('run-delete').click();
  await expect(page.getByTestId('question')).toContainText('from the project');
  await page.getByTestId('answer-cancel').click();
  await expect(chart).toHaveAttribute('data-runs', '1');
  await expect(page).not.toHaveTitle(/•/);
  await page.getByTestId('run-delete').click();
  await page.getByTestId('answer-delete').click();
  await expect(page.getByTestId('run-list')).toHaveCount(0);
  await expect(chart).toHaveAttribute('data-runs', '0');
  await expect(page).toHaveTitle(/•/);
  const after = await saveProject('one-run.netwright');
  expect(after.runs.map((r) => r.id)).toEqual([before.runs[1]!.id]);
  await expect(chart).toHaveAttribute('data-points', '20');

  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-evaluation').click();
    await expect(fit).toHaveAttribute('data-legend', /y = x/);
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-regression-evaluation-${name}.png` });
    await page.getByTestId('view-tab-curve').click();
    await expect(page.getByTestId('curve-canvas')).toHaveAttribute('data-axes', /\| progression$/);
    await expect(page.getByTestId('curve-canvas')).toHaveAttribute('data-legend', 'data | prediction');
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/views-regression-curve-${name}.png` });
  });
});
