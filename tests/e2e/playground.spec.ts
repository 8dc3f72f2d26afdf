// TensorFlow Playground in Netwright: the Features layer dragged from the palette between the Input
// and a lone output neuron learns the circle (x² makes it a straight cut), and the Data panel's
// sliders regenerate the built-in points live (seeded), with the untrained boundary following.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import {
  COMBOS,
  comboName,
  connect,
  dropLayer,
  newProject,
  openApp,
  openEditor,
  pixelVariance,
  selectNode,
  trainToEnd,
} from './helpers.ts';

const SHOTS = 'test-results/screenshots';

test('the Features layer dragged in front of one neuron learns the circle once x² is checked', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openEditor(page);
  await dropLayer(page, 'Input', 80, 150);
  await dropLayer(page, 'Features', 330, 150);
  await dropLayer(page, 'Output', 580, 150);
  await connect(page, 'input1', 'features1');
  await connect(page, 'features1', 'output1');
  // No parameters of its own; by default it passes x1, x2 through.
  await expect(page.getByTestId('node-features1')).toContainText('x1, x2');
  await selectNode(page, 'features1');
  await page.getByTestId('param-squares').check();
  await expect(page.getByTestId('node-features1')).toContainText('x1, x2, x1², x2²');
  // Nothing checked is refused in a sentence naming the layer.
  await page.getByTestId('param-identity').uncheck();
  await page.getByTestId('param-squares').uncheck();
  await expect(page.getByTestId('problems')).toContainText(
    "Features 'features1' has no feature checked: check at least one of x, x², xi·xj and sin x.",
  );
  await page.getByTestId('param-identity').check();
  await page.getByTestId('param-squares').check();

  await page.getByTestId('dock-toggle').click();
  await page.getByTestId('data-source').selectOption('circle');
  await page.getByTestId('fit-network').click();
  await expect(page.getByTestId('total-params')).toHaveText('5'); // 4 weights and a bias
  await trainToEnd(page);
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThanOrEqual(0.95);
  await page.getByTestId('view-tab-boundary').click();
  await expect(page.getByTestId('boundary-canvas')).toBeVisible();
  expect(await pixelVariance(page.getByTestId('boundary-canvas'))).toBeGreaterThan(500);
  await page.getByTestId('dock').screenshot({ path: `${SHOTS}/playground-features-circle-boundary.png` });
});

/** Move a range input's thumb with the mouse to `fraction` of its track. */
async function dragSlider(page: Page, testId: string, fraction: number): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 4, y);
  await page.mouse.down();
  await page.mouse.move(box.x + 4 + (box.width - 8) * fraction, y, { steps: 8 });
  await page.mouse.up();
}

test('sliders regenerate the built-in points live, seeded, and the untrained boundary follows', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openApp(page, COMBOS[2]);
  await newProject(page, 'circle-features');
  const summary = page.getByTestId('builtin-summary');
  await expect(summary).toContainText('500 rows');
  await page.getByTestId('view-tab-boundary').click();
  const plane = page.getByTestId('boundary-canvas');
  // Before training the boundary shows every point of the set, split as training will split it.
  const shown = async () =>
    Number(await plane.getAttribute('data-training')) + Number(await plane.getAttribute('data-test'));
  await expect.poll(shown).toBe(500);
  await expect(plane).toHaveAttribute('data-test', '100');

  // Points: drag the thumb to about a quarter of the track (20 … 2000 in steps of 10).
  await dragSlider(page, 'data-slider-n', 0.25);
  const n = Number(await page.getByTestId('data-slider-n-value').textContent());
  expect(n).toBeGreaterThan(300);
  expect(n).toBeLessThan(800);
  expect(n % 10).toBe(0);
  await expect(summary).toContainText(`${n} rows`);
  await expect(page.getByTestId('data-param-n')).toHaveValue(String(n));
  await expect.poll(shown).toBe(n);

  // Held out: from 20% to 50% with the keyboard; the split says so and the validation field follows.
  const held = page.getByTestId('data-slider-validation');
  await held.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('data-slider-validation-value')).toHaveText('50%');
  await expect(page.getByTestId('data-split')).toContainText('Split: train 50% · validation 50%');
  await expect(page.getByTestId('data-validation')).toHaveValue('0.5');

  // Noise: the same settings give the same picture (seeded); other noise another one. First the
  // plane must show the new split (half the points held out).
  await expect.poll(async () => Number(await plane.getAttribute('data-test'))).toBeGreaterThan(n * 0.45);
  const before = await settled(plane);
  await dragSlider(page, 'data-slider-noise', 0.6);
  await expect(page.getByTestId('data-param-noise')).not.toHaveValue('0.1');
  await expect.poll(async () => Buffer.compare(await plane.screenshot(), before) !== 0).toBe(true);
  await page.getByTestId('data-param-noise').fill('0.1');
  await expect.poll(async () => Buffer.compare(await plane.screenshot(), before) === 0).toBe(true);

  // The project keeps the settings: saved, opened again after another project, the same points.
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-save-as').click();
  const saved = JSON.parse(readFileSync((await (await download).path())!, 'utf8'));
  expect(saved.dataset).toEqual({ kind: 'builtin', id: 'circle', params: { n, noise: 0.1 } });
  expect(saved.training.validationSplit).toBe(0.5);
  await newProject(page, 'xor-features');
  await expect(summary).toContainText('XOR quadrants: 400 rows');
  await page.getByTestId('btn-recent').click();
  await page.getByTestId('recent-menu').getByRole('menuitem').first().click();
  await expect(summary).toContainText(`Circle: ${n} rows`);
  await expect(page.getByTestId('data-slider-validation-value')).toHaveText('50%');
  await page.getByTestId('view-tab-boundary').click();
  let reopened = await settled(plane);
  try {
    await expect
      .poll(async () => Buffer.compare((reopened = await plane.screenshot()), before) === 0, { timeout: 30_000 })
      .toBe(true);
  } catch (e) {
    // What differs, for the report: the two pictures.
    await test.info().attach('before.png', { body: before, contentType: 'image/png' });
    await test.info().attach('reopened.png', { body: reopened, contentType: 'image/png' });
    throw e;
  }
});

/** The element's picture once the views' requests are answered and it has stopped changing (two shots 600 ms apart alike). */
async function settled(el: Locator): Promise<Buffer> {
  await expect(el.page().getByTestId('plot-view')).toHaveAttribute('aria-busy', 'false', { timeout: 30_000 });
  let last = await el.screenshot();
  for (let i = 0; i < 30; i++) {
    await el.page().waitForTimeout(600);
    const next = await el.screenshot();
    if (Buffer.compare(next, last) === 0) return next;
    last = next;
  }
  return last;
}

for (const c of [COMBOS[0], COMBOS[1], COMBOS[4], COMBOS[5]]) {
  test(`the Data panel with its sliders fits at ${comboName(c)} (no horizontal overflow)`, async ({ page }) => {
    mkdirSync(SHOTS, { recursive: true });
    await openApp(page, c);
    await newProject(page, 'circle-features');
    await expect(page.getByTestId('data-sliders')).toBeVisible();
    const panel = page.getByTestId('data-panel');
    await panel.scrollIntoViewIfNeeded();
    const overflow = await panel.evaluate((el) => {
      const e = el as unknown as {
        scrollWidth: number;
        clientWidth: number;
        querySelectorAll(s: string): ArrayLike<unknown>;
      };
      return e.scrollWidth - e.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    for (const id of ['data-slider-n', 'data-slider-noise', 'data-slider-validation']) {
      const s = (await page.getByTestId(id).boundingBox())!;
      const p = (await panel.boundingBox())!;
      expect(s.x).toBeGreaterThanOrEqual(p.x);
      expect(s.x + s.width).toBeLessThanOrEqual(p.x + p.width);
      expect(s.width).toBeGreaterThan(60);
    }
    await page.screenshot({ path: `${SHOTS}/playground-data-sliders-${comboName(c)}.png` });
  });
}

test("Playground's spiral lesson: sin features let six tanh units wind around both arms", async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openApp(page, COMBOS[0]);
  await newProject(page, 'spiral-sines');
  await expect(page.getByTestId('node-features')).toContainText('x1, x2, sin x1, sin x2');
  await expect(page.getByTestId('builtin-summary')).toContainText('Two spirals: 400 rows');
  await trainToEnd(page);
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThanOrEqual(0.95);
  await page.getByTestId('view-tab-boundary').click();
  expect(await pixelVariance(page.getByTestId('boundary-canvas'))).toBeGreaterThan(500);
  await page.screenshot({ path: `${SHOTS}/playground-spiral-sines-${comboName(COMBOS[0])}.png` });
});
