/**
 * A convolutional network end to end in the browser host: LeNet-5 dragged together from the palette
 * (image Input, two Conv2D + MaxPool2D, Flatten, two Dense, Output: 61,706 parameters, (C, H, W)
 * badges, a Dense on the image refused while dragging), trained on the real MNIST digits, then its
 * learned filters, a sample's feature maps and saliency, and the misclassified digits on screen.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { connect, dropLayer, openEditor, pixelVariance, selectNode, setParam } from './helpers.ts';

const SHOTS = 'test-results/screenshots';

async function choose(page: Page, id: string, name: string, value: string): Promise<void> {
  await selectNode(page, id);
  await page.getByTestId(`param-${name}`).selectOption(value);
}

test('LeNet-5 dragged from the palette trains on the digits and shows filters, feature maps and saliency', async ({
  page,
}) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  await openEditor(page);

  // Three rows of three layers.
  const layers: [string, string][] = [
    ['Input', 'input1'],
    ['Conv2D', 'conv2d1'],
    ['MaxPool2D', 'maxpool2d1'],
    ['Conv2D', 'conv2d2'],
    ['MaxPool2D', 'maxpool2d2'],
    ['Flatten', 'flatten1'],
    ['Dense', 'dense1'],
    ['Dense', 'dense2'],
    ['Output', 'output1'],
  ];
  for (const [i, [type]] of layers.entries())
    await dropLayer(page, type, 110 + (i % 3) * 280, 90 + Math.floor(i / 3) * 200);

  await choose(page, 'input1', 'shape', 'image');
  await expect(page.getByTestId('param-features')).toBeHidden(); // fields that do not apply are hidden
  await expect(page.getByTestId('shape-input1')).toHaveText('→ (1, 28, 28)');
  await setParam(page, 'conv2d1', 'filters', '6');
  await setParam(page, 'conv2d1', 'kernel_size', '5');
  await choose(page, 'conv2d1', 'padding', 'explicit');
  await setParam(page, 'conv2d1', 'pad', '2');
  await setParam(page, 'conv2d2', 'filters', '16');
  await setParam(page, 'conv2d2', 'kernel_size', '5');
  await setParam(page, 'dense1', 'units', '120');
  await setParam(page, 'dense2', 'units', '84');
  await setParam(page, 'output1', 'units', '10');
  await choose(page, 'output1', 'activation', 'softmax');
  await choose(page, 'output1', 'loss', 'cce');

  // A dense layer straight on the image is refused while dragging, with the reason.
  await connect(page, 'input1', 'dense1');
  await expect(page.getByTestId('connection-refused')).toContainText(
    "Dense 'dense1' takes a flat vector of features but receives 1×28×28 values per sample: insert a Flatten layer before it.",
  );
  await page.getByTestId('connection-refused').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(0);

  for (let i = 1; i < layers.length; i++) await connect(page, layers[i - 1]![1], layers[i]![1]);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(8);
  await expect(page.getByTestId('total-params')).toHaveText('61,706');
  await expect(page.getByTestId('shape-conv2d1')).toHaveText('→ (6, 28, 28)');
  await expect(page.getByTestId('shape-maxpool2d2')).toHaveText('→ (16, 5, 5)');
  await expect(page.getByTestId('shape-flatten1')).toHaveText('→ [400]');
  await expect(page.getByTestId('params-conv2d2')).toHaveText('2,416 params');
  await page.locator('.svelte-flow').screenshot({ path: `${SHOTS}/cnn-lenet-canvas.png` });

  // The digits: 1,500 of them, the last 500 held out; three epochs.
  await page.getByTestId('dock-toggle').click();
  await expect(page.getByTestId('dock')).toBeVisible();
  await page.getByTestId('data-source').selectOption('digits');
  const panel = page.getByTestId('data-panel');
  await panel.getByLabel('count').fill('1500');
  await panel.getByLabel('count').dispatchEvent('change');
  await panel.getByLabel('test', { exact: true }).fill('500');
  await panel.getByLabel('test', { exact: true }).dispatchEvent('change');
  // The digits' own held-out rows are the test set, not a share of the split.
  await expect(page.getByTestId('data-split')).toContainText('test its own 500 rows');
  await expect(page.getByTestId('builtin-summary')).toContainText('1000 for training, 500 held out');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  await page.getByTestId('train-lr').fill('0.002');
  await page.getByTestId('train-lr').dispatchEvent('change');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).not.toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('train-error')).toHaveCount(0);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.6);

  // Learned filters: six 5×5 filters of the first convolution and 16 × 6 of the second, not flat.
  await page.getByTestId('view-tab-filters').click();
  const filters = page.getByTestId('image-filters');
  await expect(filters).toContainText('Conv2D conv2d1: 6 filters of 5×5 on 1 channel');
  await expect(filters).toContainText('Conv2D conv2d2: 16 filters of 5×5 on 6 channels');
  await expect(filters.locator('canvas')).toHaveCount(6 + 16 * 6);
  expect(await pixelVariance(filters.locator('canvas').first())).toBeGreaterThan(10);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/cnn-filters.png` });

  // Feature maps of a sample at every layer, and its saliency map.
  await page.getByTestId('view-tab-maps').click();
  await expect(page.getByTestId('sample-answer')).toContainText('actual');
  for (const id of ['input1', 'conv2d1', 'maxpool2d1', 'conv2d2', 'maxpool2d2'])
    await expect(page.getByTestId(`feature-maps-${id}`)).toBeVisible();
  await expect(page.getByTestId('feature-maps-conv2d1').locator('canvas')).toHaveCount(6);
  await expect(page.getByTestId('feature-maps-conv2d2')).toContainText('16 × 10 × 10');
  expect(await pixelVariance(page.getByTestId('saliency').locator('canvas'))).toBeGreaterThan(10);
  expect(await pixelVariance(page.getByTestId('sample-image').locator('canvas'))).toBeGreaterThan(100);
  const firstSaliency = await page.getByTestId('saliency').locator('canvas').screenshot();
  await page.getByRole('button', { name: 'Next sample' }).click();
  await expect(page.getByTestId('sample-row')).toHaveValue('2');
  await expect
    .poll(async () => (await page.getByTestId('saliency').locator('canvas').screenshot()).equals(firstSaliency))
    .toBe(false);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/cnn-feature-maps.png` });

  // The misclassified test digits; picking one shows its maps.
  await page.getByTestId('view-tab-mistakes').click();
  const mistakes = page.getByTestId('image-mistakes');
  await expect(mistakes).toContainText(/\d+ of 500\s+test rows misclassified/);
  const first = mistakes.locator('button').first();
  const caption = (await first.textContent())!.trim();
  expect(caption).toMatch(/^\d → \d$/);
  const [actual, predicted] = caption.split(' → ');
  // Hovering a tile: its row, the true and predicted labels, and the value of the pixel under the pointer.
  await first.locator('canvas').hover();
  await expect(page.getByTestId('plot-tooltip')).toHaveText(
    new RegExp(
      `^row \\d+: actual ${actual}, predicted ${predicted} \\(click: [^)]+\\)\\n${actual} → ${predicted}\\npixel \\(\\d+, \\d+\\): -?[\\d.e-]+$`,
    ),
  );
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/cnn-mistakes.png` });
  await first.click();
  await expect(page.getByTestId('sample-answer')).toHaveText(`actual ${actual}, predicted ${predicted}`);
  await expect(page.getByTestId('sample-answer')).toHaveClass(/wrong/);

  // Too many pixels for a plane: the projection of a layer's activations, by digit.
  await page.getByTestId('view-tab-projection').click();
  await expect(page.getByTestId('projection-canvas')).toHaveAttribute('data-legend', /^class 0 \| class 1 /);

  // The confusion matrix of the held-out digits.
  await page.getByTestId('view-tab-evaluation').click();
  await expect(page.getByTestId('view-tab-evaluation')).toHaveAttribute('aria-selected', 'true');

  // Dark theme and other window sizes.
  await page.getByTestId('view-tab-maps').click();
  await page.getByTestId('btn-theme').click();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: `${SHOTS}/cnn-window-dark-1920.png` });
  await page.getByTestId('btn-theme').click();
  await page.screenshot({ path: `${SHOTS}/cnn-window-light-1920.png` });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: `${SHOTS}/cnn-window-light-1024.png` });
  await page.getByTestId('btn-theme').click();
  await page.screenshot({ path: `${SHOTS}/cnn-window-dark-1024.png` });
  await page.getByTestId('btn-theme').click();
});
