/**
 * Training in the browser host: the X4 ReLU template learns (accuracy on screen, a falling loss
 * curve), the decision boundary and the 3-D hidden space render, the exported ONNX runs in
 * onnxruntime-node, and penguins opened through the data panel's file picker trains to >= 0.95.
 */
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { writePenguinsCsv } from '../engine/data/fixtures.ts';
import { openTemplate, pixelVariance, trainToEnd } from './helpers.ts';

const SHOTS = 'test-results/screenshots';

test('X4 ReLU template: trains to >= 0.98, loss falls, boundary and 3-D views render, ONNX export runs', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  await expect(page.getByTestId('builtin-summary')).toHaveText(
    'X4: L-shape around a square: 1250 rows, 2 features, binary (0, 1)',
  );
  await trainToEnd(page);

  const accuracy = Number(await page.getByTestId('metric-accuracy').textContent());
  expect(accuracy).toBeGreaterThanOrEqual(0.98);
  const chart = page.getByTestId('loss-chart');
  // The run streams a bounded history: at most PROGRESS_POINTS (500) buckets, the last at the last epoch,
  // several epochs a bucket (drawn as a band around the mean line).
  const points = Number(await chart.getAttribute('data-points'));
  const epochs = Number(await chart.getAttribute('data-last-epoch'));
  expect(epochs).toBeGreaterThan(1000);
  expect(points).toBeGreaterThan(100);
  expect(points).toBeLessThanOrEqual(500);
  expect(Number(await chart.getAttribute('data-stride'))).toBeGreaterThan(1);
  expect(Number(await chart.getAttribute('data-bands'))).toBeGreaterThanOrEqual(1);
  // The chart after training at the small and the large window, in both themes (redrawn from the same history).
  for (const size of [
    { width: 1024, height: 700 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    for (const theme of ['light', 'dark']) {
      await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', String(points));
      await page.waitForTimeout(150);
      await page.screenshot({ path: `${SHOTS}/training-x4-loss-${size.width}x${size.height}-${theme}.png` });
      await page.getByTestId('btn-theme').click();
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  const first = Number(await chart.getAttribute('data-first-loss'));
  const last = Number(await chart.getAttribute('data-last-loss'));
  expect(last).toBeLessThan(first / 3);

  // The boundary canvas is far from uniform: two shaded classes, a contour, points.
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  expect(await pixelVariance(page.getByTestId('boundary-canvas'))).toBeGreaterThan(500);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-x4-boundary.png` });

  await page.getByTestId('view-tab-space').click();
  await expect(page.getByTestId('space-canvas')).toBeVisible();
  // Drawn by its worker a moment after the tab opens.
  await expect.poll(() => pixelVariance(page.getByTestId('space-canvas')), { timeout: 20_000 }).toBeGreaterThan(20);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-x4-hidden-space.png` });
  // Dragging rotates it (the page's controls move the worker's camera), and it saves as PNG.
  const space = page.getByTestId('space-canvas');
  const before = await space.screenshot();
  const box = (await space.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 10, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await space.screenshot()).equals(before), { timeout: 10_000 }).toBe(false);
  const pngDownload = page.waitForEvent('download');
  await page.getByTestId('png-view').click();
  const png = readFileSync((await (await pngDownload).path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  expect(png.readUInt32BE(16)).toBeGreaterThan(100);

  // The dark theme redraws the plots in its own colours.
  await page.getByTestId('btn-theme').click();
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', String(points));
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-x4-dark.png` });
  await page.getByTestId('loss-chart').screenshot({ path: `${SHOTS}/training-x4-loss-dark.png` });
  await page.getByTestId('btn-theme').click();

  await page.getByTestId('view-tab-evaluation').click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  await expect(page.getByTestId('predictions-table').locator('tbody tr')).toHaveCount(12);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-x4-evaluation.png` });
  await page.getByTestId('view-tab-network').click();
  await expect(page.getByTestId('network-view')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/training-x4-window.png` });
  const svgWidth = Number(await page.getByTestId('network-view').locator('svg').getAttribute('width'));
  // The network diagram is vector on screen, so it is also offered as SVG: a document a browser draws,
  // with the unit maps as embedded images and the weight legend.
  const svgDownload = page.waitForEvent('download');
  await page.getByTestId('svg-view').click();
  const svgFile = await svgDownload;
  expect(svgFile.suggestedFilename()).toMatch(/ - Network\.svg$/);
  const svgText = readFileSync((await svgFile.path())!, 'utf8');
  writeFileSync(`${SHOTS}/views-network.svg`, svgText);
  expect(svgText).toMatch(/^<svg [^>]*width="(\d+)"/);
  expect(svgText).toContain(`width="${svgWidth}"`);
  expect(svgText).toContain('negative … 0 … positive');
  // X4 has two inputs: each hidden unit's map over the plane is drawn on it.
  const maps = await page.getByTestId('network-view').locator('canvas').count();
  expect(maps).toBeGreaterThan(0);
  expect(svgText.match(/<image /g)?.length).toBe(maps);
  const drawn = (await page.evaluate(
    `new Promise((resolve) => { const img = new Image(); img.onload = () => resolve([img.naturalWidth, img.naturalHeight]); img.onerror = () => resolve(null); img.src = 'data:image/svg+xml;base64,' + ${JSON.stringify(Buffer.from(svgText).toString('base64'))}; })`,
  )) as [number, number] | null;
  expect(drawn).not.toBeNull();
  expect(drawn![0]).toBe(svgWidth);

  const downloadP = page.waitForEvent('download');
  await page.getByTestId('export-onnx').click();
  const download = await downloadP;
  expect(download.suggestedFilename()).toMatch(/\.onnx$/);
  const file = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const session = await ort.InferenceSession.create(readFileSync(file));
  const input = session.inputNames[0]!;
  // A spread of points over X4's plane: both classes must come out.
  const xs = new Float32Array(2 * 49);
  for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) xs.set([i / 2 - 0.5, j / 2 - 0.5], (i * 7 + j) * 2);
  const out = await session.run({ [input]: new ort.Tensor('float32', xs, [49, 2]) });
  const probs = Object.values(out).find((t) => t.type === 'float32' && t.dims[0] === 49)!;
  const p = Array.from(probs.data as Float32Array).filter(
    (_, k) => probs.dims.length < 2 || probs.dims[1] === 1 || k % probs.dims[1]! === probs.dims[1]! - 1,
  );
  expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
  expect(p.some((v) => v > 0.5)).toBe(true);
  expect(p.some((v) => v < 0.5)).toBe(true);

  // The other exports download too: training-step ONNX, weights JSON, PyTorch code, metrics CSV, a plot as PNG.
  const saved: Record<string, string> = {};
  for (const id of ['export-onnx-train', 'export-weights-json', 'export-pytorch', 'export-metrics-csv', 'png-loss']) {
    const dl = page.waitForEvent('download');
    await page.getByTestId(id).click();
    const d = await dl;
    saved[id] = test.info().outputPath(d.suggestedFilename());
    await d.saveAs(saved[id]);
  }
  expect(saved['export-onnx-train']).toMatch(/\.train-step\.onnx$/);
  expect(JSON.parse(readFileSync(saved['export-weights-json']!, 'utf8'))).toBeTruthy();
  expect(readFileSync(saved['export-pytorch']!, 'utf8')).toMatch(/torch\.nn/);
  const csv = readFileSync(saved['export-metrics-csv']!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe('epoch,loss,accuracy,lr');
  expect(csv.length).toBe(epochs + 1);
  expect(readFileSync(saved['png-loss']!).subarray(1, 4).toString()).toBe('PNG');

  // The project keeps the trained weights and the run (so the CLI can export it, and later runs overlay it).
  const projP = page.waitForEvent('download');
  await page.getByTestId('btn-save').click();
  const projFile = test.info().outputPath('x4.netwright');
  await (await projP).saveAs(projFile);
  const project = JSON.parse(readFileSync(projFile, 'utf8'));
  expect(project.weights['hidden.W'].shape).toEqual([2, 3]);
  expect(project.runs).toHaveLength(1);
  // Per-epoch records, as a run shorter than RUN_RECORD_POINTS keeps them.
  expect(project.runs[0].epochs).toHaveLength(epochs);
  expect(project.runs[0].final.accuracy).toBeGreaterThanOrEqual(0.98);

  // The project is the truth: reopened in a fresh page, its curve, views and exports are back without training.
  // (A reload reopens the last project: start from a blank one so that what follows comes from the file.)
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('btn-new').click();
  await page.getByTestId('template-blank').click();
  await expect(page.getByTestId('export-onnx')).toBeDisabled();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('btn-open').click();
  await (await chooser).setFiles(projFile);
  await expect(page.getByTestId('notice')).toContainText('Opened x4.netwright');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done');
  // Its curve compacted from the file's records by the same MetricHistory: the same buckets as streamed.
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', String(points));
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-last-epoch', String(epochs));
  await page.getByTestId('view-tab-boundary').click();
  expect(await pixelVariance(page.getByTestId('boundary-canvas'))).toBeGreaterThan(500);
  const reDl = page.waitForEvent('download');
  await page.getByTestId('export-onnx').click();
  const reopened = test.info().outputPath('reopened.onnx');
  await (await reDl).saveAs(reopened);
  const again = await ort.InferenceSession.create(readFileSync(reopened));
  const out2 = await again.run({ [again.inputNames[0]!]: new ort.Tensor('float32', xs, [49, 2]) });
  const probs2 = Object.values(out2).find((t) => t.type === 'float32' && t.dims[0] === 49)!;
  expect(Array.from(probs2.data as Float32Array)).toEqual(Array.from(probs.data as Float32Array));
  // Training a trained project asks whether to continue from its weights.
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('keep-weights-prompt')).toContainText('This network has learned weights.');
  await page.getByTestId('start-cancel').click();
  await expect(page.getByTestId('keep-weights-prompt')).toBeHidden();
});

test('penguins CSV through the file picker: summary, fit the network, train to >= 0.95', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  // A broken file: the panel names the file, row and column.
  const badP = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (
    await badP
  ).setFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n3,oops\n4,5\n') });
  await expect(page.getByTestId('data-error')).toContainText(
    'bad.csv (row 3, column "b"): the cell "oops" is not a number',
  );

  // A data file dropped on the window opens in the data panel (a project file would open as a project).
  const dropped = await page.evaluateHandle(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['u,v,label\\n1,2,a\\n2,1,b\\n3,3,a\\n'], 'dropped.csv', { type: 'text/csv' }));
    return dt;
  })()`);
  await page.getByTestId('app').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('data-summary')).toContainText('dropped.csv: 3 rows, 3 columns');
  await expect(page.getByTestId('data-error')).toBeHidden();

  const csv = writePenguinsCsv(mkdtempSync(path.join(tmpdir(), 'nw-e2e-penguins-')));
  const chooserP = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (await chooserP).setFiles(csv);
  await expect(page.getByTestId('data-summary')).toContainText('penguins.csv: 344 rows, 7 columns');
  await expect(page.getByTestId('data-error')).toBeHidden();
  await page.getByTestId('data-target').selectOption('Species');
  await expect(page.getByTestId('class-balance')).toContainText('Adelie');
  await page.getByTestId('fit-network').click();
  await expect(page.getByTestId('data-shape')).toContainText('3 outputs (multiclass)');
  await page.getByTestId('train-epochs').fill('300');
  await trainToEnd(page);
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThanOrEqual(0.95);
  expect(Number(await page.getByTestId('metric-val-accuracy').textContent())).toBeGreaterThanOrEqual(0.95);
  // Penguins has nine features: the boundary is a slice over two numeric ones, and the axes can change.
  await expect(page.getByTestId('plane-x')).toBeVisible();
  const before = await page.getByTestId('boundary-canvas').screenshot();
  await page.getByTestId('plane-y').selectOption({ label: 'Flipper Length (mm)' });
  await expect(page.getByTestId('boundary-caption')).toContainText('Flipper Length (mm) ↑');
  expect((await page.getByTestId('boundary-canvas').screenshot()).equals(before)).toBe(false);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-penguins.png` });
  // The network view draws every link, coloured and sized by weight, for any network small enough.
  await page.getByTestId('view-tab-network').click();
  await expect(page.getByTestId('network-view').locator('line')).not.toHaveCount(0);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-penguins-network.png` });
});

test('regression and softmax views: the curve with unit contributions, boundaries with weight arrows', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x5-relu-10');
  // Ctrl+Enter trains (the Train menu's accelerator in Electron).
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
  const chart = page.getByTestId('loss-chart');
  expect(Number(await chart.getAttribute('data-last-loss'))).toBeLessThan(
    Number(await chart.getAttribute('data-first-loss')) / 5,
  );
  await page.getByTestId('view-tab-curve').click();
  await expect(page.getByTestId('curve-view')).toBeVisible();
  expect(await pixelVariance(page.getByTestId('curve-canvas'))).toBeGreaterThan(50);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-x5-regression.png` });
  // Ten hidden units: the 3-D view is a PCA, or the first three units on request.
  await page.getByTestId('view-tab-space').click();
  await expect(page.getByText("Hidden space of 'hidden' (pca)")).toBeVisible();
  await page.getByTestId('space-method').selectOption('first3');
  await expect(page.getByText("Hidden space of 'hidden' (first3)")).toBeVisible();

  // The trained project has unsaved changes (its run): New asks first.
  await page.getByTestId('btn-new').click();
  await expect(page.getByTestId('question')).toContainText('has changes that are not saved');
  await page.getByTestId('answer-discard').click();
  await page.getByTestId('template-softmax-3').click();
  await trainToEnd(page);
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThanOrEqual(0.9);
  await expect(page.getByTestId('view-tab-boundary')).toBeVisible();
  await page.getByTestId('view-tab-boundary').click();
  expect(await pixelVariance(page.getByTestId('boundary-canvas'))).toBeGreaterThan(500);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/training-softmax-arrows.png` });
});

test('pause, step, edit the graph while paused, keep the weights where shapes match, stop', async ({ page }) => {
  await openTemplate(page, 'x4-relu-hidden');
  await page.getByTestId('train-epochs').fill('100000');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('train-pause').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'paused');
  const epoch = async () => Number(/epoch (\d+)/.exec((await page.getByTestId('train-epoch').textContent())!)![1]);
  const before = await epoch();
  await page.getByTestId('train-step').click();
  // Full-batch training: one step is one epoch.
  await expect.poll(epoch).toBe(before + 1);

  await page.getByTestId('node-hidden').locator('header').click();
  await page.getByTestId('param-activation').selectOption('tanh');
  await expect(page.getByTestId('keep-weights-prompt')).toBeVisible();
  await page.getByTestId('keep-weights').click();
  await expect(page.getByTestId('train-message')).toHaveText('Continued from the learned weights (all 4 parameters).');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByTestId('train-status')).toContainText('stopped');
  await expect(page.getByTestId('train-left')).toHaveCount(0);

  // The same network through ONNX Runtime on the CPU provider the host found.
  await page.getByTestId('train-backend').selectOption('ort');
  await expect(page.getByTestId('train-ep').locator('option[value="cpu"]')).toBeEnabled();
  await page.getByTestId('train-epochs').fill('300');
  await trainToEnd(page, 'fresh');
  await expect(page.getByTestId('train-status')).toContainText('ort-cpu');
  await expect(page.getByTestId('train-epoch')).toHaveText('epoch 300 / 300');
});
