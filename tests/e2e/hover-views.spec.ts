/**
 * Hover values on every plot (one tooltip for the page), the regression curve's feature chooser on
 * scikit-learn's diabetes data, and the 2-D projection that replaces the decision boundary for the
 * 784-pixel digits; screenshots at 1024x700 and 1920x1080 in both themes.
 */
import { test, expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writePenguinsCsv } from '../engine/data/fixtures.ts';
import { openTemplate, trainToEnd, eachLook, openCsv } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
/**
 * Where over `target` the tooltip's text matches `pattern`: pointer moves are swept over the element
 * in the page (fast), then the real mouse goes there and the tooltip is read as a user sees it.
 */
async function hoverUntil(page: Page, target: Locator, pattern: RegExp, step = 3): Promise<string> {
  await target.scrollIntoViewIfNeeded();
  const box = (await target.boundingBox())!;
  // Runs in the page (this file is typed for Node, without the DOM library).
  type Tip = { style: { display: string }; textContent: string | null };
  type Win = {
    PointerEvent: new (type: string, init: object) => unknown;
    document: {
      querySelector(q: string): Tip | null;
      elementFromPoint(x: number, y: number): { dispatchEvent(ev: unknown): boolean } | null;
    };
  };
  type El = { getBoundingClientRect(): { left: number; top: number; width: number; height: number } };
  const found = await target.evaluate(
    (el, [source, flags, step]) => {
      const g = globalThis as unknown as Win;
      const e = el as unknown as El & { dispatchEvent(ev: unknown): boolean };
      const re = new RegExp(source as string, flags as string);
      const r = e.getBoundingClientRect();
      for (let y = 2; y < r.height - 1; y += step as number)
        for (let x = 2; x < r.width - 1; x += step as number) {
          // At the element under the point (a link inside an SVG), as the browser would.
          const at = { clientX: r.left + x, clientY: r.top + y, bubbles: true };
          (g.document.elementFromPoint(at.clientX, at.clientY) ?? e).dispatchEvent(
            new g.PointerEvent('pointermove', at),
          );
          const tip = g.document.querySelector('[data-testid="plot-tooltip"]');
          if (tip && tip.style.display !== 'none' && re.test(tip.textContent ?? '')) return [x, y] as [number, number];
        }
      return null;
    },
    [pattern.source, pattern.flags, step] as const,
  );
  expect(found, `no place on the plot shows a tooltip matching ${pattern}`).not.toBeNull();
  await page.mouse.move(box.x + found![0], box.y + found![1]);
  const tip = page.getByTestId('plot-tooltip');
  await expect(tip).toBeVisible();
  await expect(tip).toHaveText(pattern);
  return (await tip.textContent())!;
}

test('hover values on the boundary, the confusion matrix, the network and the projection of a classifier', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  await openCsv(page, writePenguinsCsv(mkdtempSync(path.join(tmpdir(), 'nw-e2e-hover-'))));
  await page.getByTestId('data-target').selectOption('Species');
  await page.getByTestId('data-test').fill('0.25');
  await page.getByTestId('fit-network').click();
  await page.getByTestId('train-epochs').fill('40');
  await trainToEnd(page);

  await page.getByTestId('view-tab-boundary').click();
  const plane = page.getByTestId('boundary-canvas');
  // A data point: its class, training or test, both features and the model's answer there.
  const point = await hoverUntil(
    page,
    plane,
    /^class \w+ \((training|test)\)\n.+ = -?[\d.]+, .+ = -?[\d.]+\nmodel: class \w+/,
  );
  expect(point).toMatch(/Adelie|Chinstrap|Gentoo/);
  // Away from the points: the coordinates and the model's class and confidence at the pointer.
  await hoverUntil(page, plane, /^[^\n]+ = -?[\d.e-]+, [^\n]+ = -?[\d.e-]+\nmodel: class \w+ \((0?\.\d+|1)\)$/, 9);
  await page.mouse.move(0, 0);
  await expect(page.getByTestId('plot-tooltip')).toBeHidden();

  // The confusion matrix: a cell's count and its share of the true class and of all rows.
  await page.getByTestId('view-tab-evaluation').click();
  const cell = page.getByTestId('confusion-matrix').locator('td').first();
  const count = Number(await cell.textContent());
  await cell.hover();
  await expect(page.getByTestId('plot-tooltip')).toHaveText(
    new RegExp(`^true (\\w+), predicted \\1: ${count} rows?\\n[\\d.]+ % of true \\1 · [\\d.]+ % of all$`),
  );

  // The network: a link's weight.
  await page.getByTestId('view-tab-network').click();
  await hoverUntil(
    page,
    page.getByTestId('network-view').locator('svg'),
    /^\w+\[\d+\] → \w+\[\d+\]: weight -?[\d.e-]+$/,
    2,
  );

  // Four features are more than a plane shows: the projection of the hidden layer, by class.
  await page.getByTestId('view-tab-projection').click();
  await expect(page.getByTestId('projection-layer')).toHaveValue('hidden');
  await expect(page.getByTestId('projection-canvas')).toHaveAttribute(
    'data-legend',
    /^class Adelie \| class Chinstrap \| class Gentoo/,
  );
  await hoverUntil(page, page.getByTestId('projection-canvas'), /^class \w+, predicted \w+( \(wrong\))?\nPC1 /);

  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-boundary').click();
    await hoverUntil(page, plane, /^class \w+ \((training|test)\)/);
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/hover-boundary-${name}.png` });
  });
});

test('the regression curve over a chosen feature of the diabetes data, with hover values', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  await openCsv(page, path.resolve('tests/fixtures/data/diabetes.csv'));
  await page.getByTestId('data-target').selectOption('progression');
  await page.getByTestId('data-test').fill('0.2');
  await page.getByTestId('fit-network').click();
  await expect(page.getByTestId('data-shape')).toContainText('regression');
  await page.getByTestId('train-epochs').fill('40');
  await trainToEnd(page);

  await page.getByTestId('view-tab-curve').click();
  const curve = page.getByTestId('curve-canvas');
  const choose = page.getByTestId('curve-feature');
  await expect(choose).toHaveValue('0');
  await expect(curve).toHaveAttribute('data-axes', 'age | progression');
  const before = await curve.screenshot();
  await choose.selectOption({ label: 'bmi' });
  await expect(curve).toHaveAttribute('data-axes', 'bmi | progression');
  await expect(choose).toHaveValue('2');
  expect((await curve.screenshot()).equals(before)).toBe(false);
  // The curve's value at the pointer, and a data point's values.
  await hoverUntil(page, curve, /^prediction\nbmi = [\d.]+\nprogression = [\d.]+$/, 7);
  await hoverUntil(page, curve, /^data\nbmi = [\d.]+\nprogression = [\d.]+$/);
  // The unit panels: each line's value at the pointer's x (here the sum: the output before its activation).
  await hoverUntil(page, page.getByTestId('panel-sum'), /^sum\nbmi = -?[\d.]+\nvalue -?[\d.]+$/, 2);
  // The choice stays when the views are computed again (another run from the same weights).
  await page.getByTestId('train-epochs').fill('3');
  await trainToEnd(page, 'continue');
  await expect(curve).toHaveAttribute('data-axes', 'bmi | progression');

  // Predicted against actual, and the residuals: the row's values.
  await page.getByTestId('view-tab-evaluation').click();
  await hoverUntil(
    page,
    page.getByTestId('fit-canvas'),
    /^actual progression [\d.]+\npredicted [\d.]+\nresidual -?[\d.]+$/,
  );
  await hoverUntil(page, page.getByTestId('residual-canvas'), /^actual progression [\d.]+\npredicted [\d.]+\nresidual/);

  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-curve').click();
    await expect(curve).toHaveAttribute('data-axes', 'bmi | progression');
    await hoverUntil(page, curve, /^prediction\nbmi = /, 7);
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/curve-feature-${name}.png` });
  });
});

test('the digits (784 pixels): a projection of the hidden layer or the inputs instead of a boundary over two pixels', async ({
  page,
}) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'digits');
  const panel = page.getByTestId('data-panel');
  await panel.getByLabel('count').fill('1000');
  await panel.getByLabel('count').dispatchEvent('change');
  await page.getByTestId('train-epochs').fill('3');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  await trainToEnd(page);

  await expect(page.getByTestId('view-tab-boundary')).toHaveCount(0);
  await page.getByTestId('view-tab-projection').click();
  const canvas = page.getByTestId('projection-canvas');
  await expect(page.getByTestId('projection-layer')).toHaveValue('hidden');
  await expect(page.getByTestId('projection-note')).toContainText("layer hidden's activations");
  await expect(canvas).toHaveAttribute('data-axes', /^PC1 \(\d+ % of variance\) \| PC2 \(\d+ % of variance\)$/);
  const legend = (await canvas.getAttribute('data-legend'))!;
  for (let d = 0; d < 10; d++) expect(legend).toContain(`class ${d}`);
  await hoverUntil(page, canvas, /^class \d, predicted \d( \(wrong\))?\nPC1 -?[\d.e-]+, PC2 -?[\d.e-]+$/);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/projection-digits-hidden.png` });
  // Saved as PNG at twice its size, axes and legend redrawn, named after the project and the view.
  const download = page.waitForEvent('download');
  await page.getByTestId('png-view').click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/ - Projection\.png$/);
  const bytes = readFileSync((await d.path())!);
  const shown = (await canvas.boundingBox())!;
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(Math.floor(shown.width * 2) - 4);
  await d.saveAs(`${SHOTS}/png-export-projection.png`);

  // The raw pixels: another picture, with less of the variance on two axes than 15 units give.
  const axesHidden = await canvas.getAttribute('data-axes');
  await page.getByTestId('projection-layer').selectOption('');
  await expect(page.getByTestId('projection-note')).toContainText('principal axes of the inputs');
  await expect(page.getByTestId('projection-layer')).toHaveValue('');
  await expect(canvas).not.toHaveAttribute('data-axes', axesHidden!);
  await page.getByTestId('projection-layer').selectOption('hidden');
  await expect(page.getByTestId('projection-note')).toContainText("layer hidden's activations");

  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-projection').click();
    await hoverUntil(page, canvas, /^class \d, predicted \d/);
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/projection-digits-${name}.png` });
  });
});

test("the perceptron's step boundary is drawn as a straight contour found on the model", async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'perceptron');
  await trainToEnd(page);
  await page.getByTestId('view-tab-boundary').click();
  const plane = page.getByTestId('boundary-canvas');
  await expect(plane).toHaveAttribute('data-stepwise', 'true');
  // A step output has no shades: the model's class at the pointer with its output 1 (certain).
  await hoverUntil(page, plane, /\nmodel: class \w+ \(1\)$/, 9);
  await eachLook(page, async (name) => {
    await page.getByTestId('view-tab-boundary').click();
    await page.getByTestId('dock').screenshot({ path: `${SHOTS}/step-boundary-${name}.png` });
  });
});
