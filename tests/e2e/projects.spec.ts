/**
 * Projects: unsaved changes are asked about before New, Open and closing the page; recent projects
 * reopen; the last project opens on start; Save As proposes the project's name. Each test runs at
 * one of the window sizes and themes.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { COMBOS, comboName, newProject, openApp } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** A blank project with one layer added: it has unsaved changes. */
async function dirtyBlank(page: Page): Promise<void> {
  await newProject(page, 'blank');
  await page.getByTestId('palette-Dense').dblclick();
  await expect(page.getByTestId('project-title')).toHaveText('Untitled •');
}

test(`New and Open ask about unsaved changes: cancel keeps them, save or discard goes on (${comboName(COMBOS[0]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[0]);
  await dirtyBlank(page);
  const question = page.getByTestId('question');

  await page.getByTestId('btn-new').click();
  await expect(question).toContainText(
    '“Untitled” has changes that are not saved. Save them before starting a new project?',
  );
  await page.screenshot({ path: `${SHOTS}/unsaved-prompt-${comboName(COMBOS[0]!)}.png` });
  await page.getByTestId('answer-cancel').click();
  await expect(question).toBeHidden();
  await expect(page.getByTestId('template-gallery')).toHaveCount(0);
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);

  // Escape answers Cancel too.
  await page.getByTestId('btn-open').click();
  await expect(question).toContainText('before opening another project?');
  await page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);

  // Save: the project downloads, then the gallery opens.
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-new').click();
  await page.getByTestId('answer-save').click();
  expect((await download).suggestedFilename()).toBe('Untitled.netwright');
  await expect(page.getByTestId('template-gallery')).toBeVisible();
  await page.keyboard.press('Escape');

  // Don't save: Open goes straight on to the file picker.
  await page.getByTestId('palette-Dense').dblclick();
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('btn-open').click();
  await page.getByTestId('answer-discard').click();
  await chooser;
});

test(`leaving the page with unsaved changes asks first, and not without (${comboName(COMBOS[3]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[3]);
  await newProject(page, 'blank');
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.type());
    // Stay on the page.
    void d.dismiss();
  });
  await page.getByTestId('palette-Dense').dblclick();
  // Reloading is leaving: the browser asks (Electron's window asks the same way when it closes).
  const left = page.reload({ timeout: 5_000 }).then(
    () => 'left',
    () => 'stayed',
  );
  await expect.poll(() => asked).toEqual(['beforeunload']);
  expect(await left).toBe('stayed');
  await expect(page.getByTestId('project-title')).toHaveText('Untitled •');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);

  // Saved, it leaves without a question.
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-save').click();
  await download;
  await expect(page.getByTestId('project-title')).toHaveText('Untitled');
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  expect(asked).toEqual(['beforeunload']);
});

test(`Save As proposes the project's name, recent projects reopen, and the last one opens on start (${comboName(COMBOS[5]!)})`, async ({
  page,
}) => {
  await openApp(page, COMBOS[5]);
  await newProject(page, 'x4-relu-hidden');
  await page.getByTestId('project-name').fill('My X4 study');
  await page.getByTestId('project-name').press('Enter');
  const download = page.waitForEvent('download');
  await page.getByTestId('btn-save-as').click();
  expect((await download).suggestedFilename()).toBe('My X4 study.netwright');
  await expect(page.getByTestId('status-project')).toContainText('My X4 study.netwright');

  await newProject(page, 'softmax-3');
  await page.getByTestId('btn-recent').click();
  const menu = page.getByTestId('recent-menu');
  await expect(menu.getByRole('menuitem').first()).toHaveText('My X4 study.netwright — My X4 study');
  await page.screenshot({ path: `${SHOTS}/recent-menu-${comboName(COMBOS[5]!)}.png` });
  await menu.getByRole('menuitem').first().click();
  await expect(page.getByTestId('project-title')).toHaveText('My X4 study');
  await expect(page.getByTestId('total-params')).toHaveText('13');

  // The keyboard opens the same list (Ctrl+Shift+O), and Escape closes it.
  await page.keyboard.press('Control+Shift+O');
  await expect(menu).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  // On the next start the last project opens again.
  await openApp(page, COMBOS[5]);
  await expect(page.getByTestId('project-title')).toHaveText('My X4 study');
  await expect(page.getByTestId('status-project')).toContainText('My X4 study.netwright');
});
