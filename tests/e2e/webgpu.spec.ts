/**
 * WebGPU as a backend choice in the training panel: offered wherever the engine's probe verified
 * ONNX Runtime's WebGPU provider (a software Vulkan adapter in CI), and a run on it trains. Where the
 * provider is not usable the panel gives the probe's sentence (checked, then the test fails with that
 * sentence: scripts/setup.sh installs the Vulkan driver).
 */
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { openTemplate, trainToEnd } from './helpers.ts';
import { verdict } from '../support/verdict.ts';

const SHOTS = 'test-results/screenshots';

test('the training panel offers WebGPU and trains on it', async ({ page }) => {
  mkdirSync(SHOTS, { recursive: true });
  await openTemplate(page, 'x4-relu-hidden');
  const choice = page.getByTestId('train-backend').locator('option[value="webgpu"]');
  // The engine probes the providers when the page starts (a verified training step each).
  await expect(choice).toHaveCount(1, { timeout: 30_000 });
  if (!(await choice.isEnabled())) {
    // The disabled choice carries the probe's sentence, and the panel shows it once ONNX Runtime is chosen.
    const why = (await choice.getAttribute('title')) ?? 'WebGPU is not usable here.';
    await expect(page.getByTestId('webgpu-note')).toBeHidden();
    await page.getByTestId('train-backend').selectOption('ort');
    await expect(page.getByTestId('webgpu-note')).toHaveText(`WebGPU is not available: ${why}`);
    await page.getByTestId('training-panel').screenshot({ path: `${SHOTS}/training-webgpu-unusable.png` });
    const v = verdict([{ name: 'WebGPU adapter', missing: why }]);
    throw new Error(v.action === 'fail' ? v.message : why);
  }
  await expect(choice).toHaveText('WebGPU (ONNX Runtime)');
  await expect(page.getByTestId('webgpu-note')).toBeHidden();

  await page.getByTestId('train-backend').selectOption('webgpu');
  await expect(page.getByTestId('train-ep')).toHaveValue('webgpu');
  await page.getByTestId('train-epochs').fill('150');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  await trainToEnd(page);
  await expect(page.getByTestId('train-status')).toContainText('ort-webgpu');
  await expect(page.getByTestId('train-epoch')).toHaveText('epoch 150 / 150');
  expect(Number(await page.getByTestId('metric-loss').textContent())).toBeLessThan(0.69);

  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.getByTestId('training-panel').screenshot({ path: `${SHOTS}/training-webgpu-${w}-light.png` });
  }
  await page.evaluate("localStorage.setItem('netwright.theme', 'dark')");
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('train-backend').selectOption('webgpu');
  await page.getByTestId('training-panel').screenshot({ path: `${SHOTS}/training-webgpu-1920-dark.png` });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByTestId('training-panel').screenshot({ path: `${SHOTS}/training-webgpu-1024-dark.png` });

  // Back to plain ONNX Runtime: the provider returns to the CPU.
  await page.getByTestId('train-backend').selectOption('ort');
  await expect(page.getByTestId('train-ep')).toHaveValue('cpu');
});
