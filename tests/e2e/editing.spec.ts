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
  await expect(page.getByTestId('connection-refused')).toContainText(
    "Connecting Dense 'dense1' to Concatenate 'concatenate1' would make a cycle.",
  );
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);

  // Add: Input (2 features) and Dense (8 units) differ in size.
  await page.getByTestId('connection-refused').getByRole('button', { name: 'Dismiss' }).click();
  await dropLayer(page, 'Add', 400, 400);
  await connect(page, 'input1', 'add1');
  await connect(page, 'dense1', 'add1');
  await expect(page.getByTestId('connection-refused')).toContainText(
    "Shape mismatch: Add 'add1' adds inputs of different sizes (Input 'input1' gives 2, Dense 'dense1' gives 8); all must be equal.",
  );
  await setParam(page, 'dense1', 'units', '2');
  await connect(page, 'dense1', 'add1');
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(4);
});

test('renaming the project is undoable', async ({ page }) => {
  await page.getByTestId('project-name').fill('Digits, my way');
  await page.getByTestId('project-name').press('Enter');
  await expect(page.getByTestId('project-title')).toHaveText('Digits, my way •');
  await page.getByTestId('btn-undo').click();
  await expect(page.getByTestId('project-title')).toHaveText('Untitled •');
  await expect(page.getByTestId('project-name')).toHaveValue('Untitled');
  await page.getByTestId('btn-redo').click();
  await expect(page.getByTestId('project-name')).toHaveValue('Digits, my way');
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
  await page
    .getByTestId('problems')
    .getByRole('button', { name: /Dense 'dense1' has no input/ })
    .click();
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
  await page
    .getByTestId('node-dense1')
    .locator('header')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('inspector').locator('h2')).toHaveText('2 items selected');
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(4);
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(2);
  await expect(page.getByTestId('params-dense2')).toHaveText('15 params');
  await page.keyboard.press('Control+z');
  await expect(page.locator('.svelte-flow__node')).toHaveCount(2);
});

test('while dragging an invalid connection, a tooltip says why', async ({ page }) => {
  await dropLayer(page, 'Input', 100, 150);
  await dropLayer(page, 'Output', 500, 150);
  await dropLayer(page, 'Dense', 300, 400);
  await connect(page, 'dense1', 'output1');
  const from = (await page.locator('.svelte-flow__node[data-id="input1"] .svelte-flow__handle.source').boundingBox())!;
  const to = (await page.locator('.svelte-flow__node[data-id="output1"] .svelte-flow__handle.target').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x - 30, to.y, { steps: 5 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 5 });
  await expect(page.getByRole('tooltip')).toHaveText(
    "Output 'output1' already has its input; remove that connection first.",
  );
  await page.mouse.up();
  await expect(page.getByRole('tooltip')).toBeHidden();
  await expect(page.locator('.svelte-flow__edge')).toHaveCount(1);
});

test('opening a newer or corrupt project says what is wrong', async ({ page }) => {
  const upload = async (name: string, text: string) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('btn-open').click();
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  };
  await upload('future.netwright', JSON.stringify({ format: 'netwright-project', version: 9 }));
  await expect(page.getByTestId('notice')).toContainText(
    'future.netwright was saved by a newer Netwright (project version 9; this one reads up to 1). Update Netwright to open it.',
  );
  await upload('broken.netwright', '{"format": "netwright-project", "graph": {');
  await expect(page.getByTestId('notice')).toContainText(
    'broken.netwright is not a Netwright project: it is not valid JSON',
  );
  await expect(page.getByTestId('total-params')).toHaveText('0');
});

test('a project file dropped onto the window opens', async ({ page }) => {
  const project = {
    format: 'netwright-project',
    version: 0,
    name: 'Dropped',
    layers: [
      { id: 'in', type: 'Input', params: { features: 784 }, x: 0, y: 0 },
      { id: 'h', type: 'Dense', params: { units: 15 }, x: 250, y: 0 },
      { id: 'out', type: 'Output', params: { units: 10, activation: 'softmax', loss: 'cce' }, x: 500, y: 0 },
    ],
    connections: [
      { from: 'in', to: 'h' },
      { from: 'h', to: 'out' },
    ],
    training: {},
  };
  const dt = await page.evaluateHandle((text) => {
    // Runs in the page (this file is typed for Node, without the DOM library).
    const w = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: string[], name: string, opts: { type: string }) => unknown;
    };
    const d = new w.DataTransfer();
    d.items.add(new w.File([text], 'dropped.netwright', { type: 'application/json' }));
    return d;
  }, JSON.stringify(project));
  await page.dispatchEvent('[data-testid="canvas"]', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('[data-testid="canvas"]', 'drop', { dataTransfer: dt });
  await expect(page.getByTestId('project-title')).toHaveText('Dropped');
  await expect(page.getByTestId('total-params')).toHaveText('11,935');
  await expect(page.getByTestId('notice')).toContainText('Opened dropped.netwright.');
});

test('moving a layer is one undo step', async ({ page }) => {
  await page.getByTestId('palette-Dense').dblclick();
  const wrapper = page.locator('.svelte-flow__node[data-id="dense1"]');
  // The node's transform holds its flow position, independent of the viewport's zoom animation.
  const flowPos = () => wrapper.evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  const before = await flowPos();
  const box = (await page.getByTestId('node-dense1').boundingBox())!;
  const start = { x: box.x + 20, y: box.y + 10 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(start.x + 150, start.y + 90, { steps: 8 });
  await page.mouse.up();
  const after = await flowPos();
  expect(after).not.toBe(before);
  await page.getByTestId('btn-undo').click();
  await expect.poll(flowPos).toBe(before);
  await page.getByTestId('btn-redo').click();
  await expect.poll(flowPos).toBe(after);
});
