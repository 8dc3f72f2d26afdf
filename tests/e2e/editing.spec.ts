/** Editing details: refusals with reasons (cycle, shape mismatch), undo of adds, delete, multi-select, copy/paste, problems that select their node. */
import { test, expect } from '@playwright/test';
import { connect, dropLayer, openEditor, selectNode, setParam } from './helpers.ts';

test.beforeEach(async ({ page }) => {
  await openEditor(page);
});

test('a connection that would make a cycle is refused, and so is a shape mismatch', async ({ page }) => {
  await dropLayer(page, 'Input', 100, 150);
  await dropLayer(page, 'Concatenate', 400, 150);
  await dropLayer(page, 'Dense', 700, 150);
  await connect(page, 'input1', 'concatenate1');
  await connect(page, 'concatenate1', 'dense1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  await connect(page, 'dense1', 'concatenate1');
  await expect(page.getByTestId('connection-refused')).toContainText("Connecting Dense 'dense1' to Concatenate 'concatenate1' would make a cycle.");
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);

  // Add: Input (2 features) and Dense (8 units) differ in size.
  await page.getByTestId('connection-refused').getByRole('button', { name: 'Dismiss' }).click();
  await dropLayer(page, 'Add', 400, 400);
  await connect(page, 'input1', 'add1');
  await connect(page, 'dense1', 'add1');
  await expect(page.getByTestId('connection-refused')).toContainText("Shape mismatch: Add 'add1' adds values of size 2, but Dense 'dense1' gives 8.");
  await setParam(page, 'dense1', 'units', '2');
  await connect(page, 'dense1', 'add1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(4);
});

test('undo and redo adding layers; delete; problems select their node', async ({ page }) => {
  await page.getByTestId('palette-Input').dblclick();
  await page.getByTestId('palette-Dense').dblclick();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);
  await page.getByTestId('btn-undo').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);
  await page.getByTestId('btn-redo').click();
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);

  // The problem "dense1 has no input" selects dense1 when clicked.
  await page.getByTestId('problems').getByRole('button', { name: /Dense 'dense1' has no input/ }).click();
  await expect(page.getByTestId('inspector').locator('h2 .id')).toHaveText('dense1');
  await page.keyboard.press('Delete');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);
  await page.keyboard.press('Control+Shift+z');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(1);
});

test('multi-select, copy and paste keep the connection between the copies', async ({ page }) => {
  await dropLayer(page, 'Input', 100, 150);
  await dropLayer(page, 'Dense', 400, 150);
  await connect(page, 'input1', 'dense1');
  await setParam(page, 'dense1', 'units', '5');
  await selectNode(page, 'input1');
  await page.getByTestId('node-dense1').locator('header').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('inspector').locator('h2')).toHaveText('2 items selected');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('params-dense2')).toHaveText('15 params');
  await page.keyboard.press('Control+z');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);
});
