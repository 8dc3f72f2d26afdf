/** Autosave after a few idle seconds; a page that goes away without saving is offered for recovery on the next start. */
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { openEditor, setParam } from './helpers.ts';

test('unsaved work is autosaved and offered for recovery', async ({ page }) => {
  await openEditor(page);
  await page.getByTestId('palette-Input').dblclick();
  await setParam(page, 'input1', 'features', '42');
  // One recovery file per running instance, named by its process.
  const dir = path.join(process.env.NETWRIGHT_DATA_DIR!, 'recovery');
  const files = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.netwright')) : []);
  await expect.poll(() => files().length, { timeout: 10_000 }).toBe(1);

  // Leave without saving (as a crash would), then start again.
  await page.goto('about:blank');
  await page.goto(process.env.NETWRIGHT_URL!);
  const banner = page.getByTestId('recovery');
  await expect(banner).toContainText('unsaved work');
  await banner.getByRole('button', { name: 'Recover' }).click();
  await expect(page.getByTestId('shape-input1')).toHaveText('→ [42]');
  await expect(page.getByTestId('project-title')).toContainText('•');
});
