/**
 * The workspace at 1024×700, 1440×900 and 1920×1080 in both themes (and 4K): no sideways overflow,
 * the toolbar on one line, the view tabs inside their pane, plots that grow with it, splitters whose
 * sizes are remembered, views maximised and restored, a minimap that can be hidden, leaves the nodes
 * free after Fit and Layout and lets drags through, Fit room for a connection curving back to the next
 * row, and the data table inside its panel.
 */
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { COMBOS, VIEWPORTS, comboName, connect, dropLayer, newProject, openApp, viewportSettled } from './helpers.ts';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

type Box = { x: number; y: number; width: number; height: number };
const box = async (page: Page, testId: string): Promise<Box> => (await page.getByTestId(testId).boundingBox())!;
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Widths that overflow: the page's, and any dock panel scrolling sideways. */
async function overflow(page: Page): Promise<{ page: number; panels: string[] }> {
  return page.evaluate(`(() => {
    const d = document.documentElement;
    const panels = [...document.querySelectorAll('.dock-panel')]
      .filter((p) => p.getClientRects().length && p.scrollWidth > p.clientWidth + 1)
      .map((p) => p.getAttribute('data-testid') + ': ' + p.scrollWidth + ' > ' + p.clientWidth);
    return { page: d.scrollWidth - d.clientWidth, panels };
  })()`);
}

async function trainToEnd(page: Page): Promise<void> {
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
}

for (const c of COMBOS) {
  test(`layout at ${comboName(c)}: fits the window, plots grow, splitters remembered, views maximise`, async ({
    page,
  }) => {
    await openApp(page, c);
    await newProject(page, 'from-scratch');
    await trainToEnd(page);
    await viewportSettled(page);

    // Nothing overflows sideways; the toolbar is one line inside the window.
    expect(await overflow(page)).toEqual({ page: 0, panels: [] });
    const buttons = page.locator('header.toolbar button');
    const tops = new Set<number>();
    for (const b of await buttons.all()) {
      const r = (await b.boundingBox())!;
      tops.add(Math.round(r.y));
      expect(r.x + r.width).toBeLessThanOrEqual(c.width);
    }
    expect(tops.size).toBe(1);

    // Every view tab sits inside the views pane.
    const views = await box(page, 'region-views');
    for (const tab of await page.locator('[data-testid^="view-tab-"]').all()) {
      const r = (await tab.boundingBox())!;
      expect(r.x + r.width).toBeLessThanOrEqual(views.x + views.width + 0.5);
      expect(r.y + r.height).toBeLessThanOrEqual(views.y + views.height);
    }
    // The canvas keeps a usable height; plots grow with the window.
    const canvas = await box(page, 'canvas');
    expect(canvas.height).toBeGreaterThanOrEqual(c.height >= 1000 ? 400 : 280);
    // The plane takes its size from its pane once measured (a frame after it appears).
    const planeSide = async () => {
      const plane = await box(page, 'boundary-canvas');
      return Math.min(plane.width, plane.height);
    };
    await expect.poll(planeSide).toBeGreaterThanOrEqual(c.width >= 1920 ? 400 : c.width >= 1440 ? 280 : 180);
    const short = await planeSide();
    await page.screenshot({ path: `${SHOTS}/workspace-${comboName(c)}.png` });

    // A splitter drag is remembered across a reload.
    const before = await box(page, 'inspector');
    const handle = await box(page, 'splitter-inspector');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x - 60, handle.y + handle.height / 2, { steps: 6 });
    await page.mouse.up();
    const dragged = await box(page, 'inspector');
    expect(dragged.width).toBeGreaterThan(before.width + 40);
    await openApp(page, c);
    await expect.poll(async () => Math.round((await box(page, 'inspector')).width)).toBe(Math.round(dragged.width));

    // Any view maximises to the whole work area, and Escape (or the button) restores it.
    await newProject(page, 'from-scratch');
    await trainToEnd(page);
    for (const region of ['views', 'loss', 'canvas', 'training', 'data']) {
      await page.getByTestId(`maximize-${region}`).click();
      await expect(page.getByTestId(`region-${region}`)).toHaveAttribute('data-maximized', 'true');
      const r = await box(page, `region-${region}`);
      expect(r.x).toBe(0);
      expect(r.width).toBe(c.width);
      expect(r.y).toBe(42);
      expect(r.height).toBe(c.height - 42 - 24);
      if (region === 'views') {
        await expect
          .poll(async () => {
            const big = await box(page, 'boundary-canvas');
            return Math.min(big.width, big.height);
          })
          .toBeGreaterThan(short);
        await page.screenshot({ path: `${SHOTS}/maximised-views-${comboName(c)}.png` });
      }
      if (region === 'canvas') await page.getByTestId(`maximize-${region}`).click();
      else await page.keyboard.press('Escape');
      await expect(page.getByTestId(`region-${region}`)).toHaveAttribute('data-maximized', 'false');
    }
  });
}

test('layout at 4K: no sideways overflow, and the plots use the room', async ({ page }) => {
  await openApp(page, { width: 3840, height: 2160, theme: 'dark' });
  await newProject(page, 'from-scratch');
  await trainToEnd(page);
  expect(await overflow(page)).toEqual({ page: 0, panels: [] });
  await expect
    .poll(async () => {
      const plane = await box(page, 'boundary-canvas');
      return Math.min(plane.width, plane.height);
    })
    .toBeGreaterThanOrEqual(800);
  await page.screenshot({ path: `${SHOTS}/workspace-3840x2160-dark.png` });
});

for (const [i, v] of VIEWPORTS.entries()) {
  const theme = i % 2 ? 'dark' : 'light';
  test(`minimap at ${v.width}x${v.height}-${theme}: hidden on request, clear of the nodes after Fit and Layout, lets drags through`, async ({
    page,
  }) => {
    await openApp(page, { ...v, theme });
    await newProject(page, 'x4-relu-hidden');
    const minimap = page.locator('.svelte-flow__minimap');
    await expect(minimap).toBeVisible();
    for (const action of ['btn-layout', 'btn-fit']) {
      await page.getByTestId(action).click();
      await viewportSettled(page);
      const m = (await minimap.boundingBox())!;
      for (const node of await page.locator('.svelte-flow__node').all())
        expect(overlap(m, (await node.boundingBox())!), `a node under the minimap after ${action}`).toBe(false);
    }
    await page.screenshot({ path: `${SHOTS}/minimap-${v.width}x${v.height}-${theme}.png` });

    // When the canvas shrinks (problems fill the bar under it), the minimap moves to a free corner.
    await page.getByTestId('data-source').selectOption('from-scratch-xor');
    await expect(page.getByTestId('problems').getByTestId('fix')).toBeVisible();
    await expect(async () => {
      const box = (await minimap.boundingBox())!;
      const faded = (await minimap.getAttribute('class'))!.includes('crowded');
      for (const node of await page.locator('.svelte-flow__node').all())
        expect(faded || !overlap(box, (await node.boundingBox())!)).toBe(true);
    }).toPass();
    await page.getByTestId('data-source').selectOption('x4-l-shape');

    // Hidden, it stays hidden after a reload; shown again, it is back.
    await page.getByTestId('toggle-minimap').click();
    await expect(minimap).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('.svelte-flow__node').first()).toBeVisible();
    await expect(minimap).toHaveCount(0);
    await page.getByTestId('toggle-minimap').click();
    await expect(minimap).toBeVisible();

    // A layer whose handle sits under the minimap still connects: the drag is the graph's, not the minimap's.
    await newProject(page, 'blank');
    await dropLayer(page, 'Dense', 260, 60);
    await dropLayer(page, 'Input', 260, 150);
    // Drag the Input so that its output handle (its right edge) lies in the middle of the minimap.
    const m = (await minimap.boundingBox())!;
    const sourceHandle = page.locator('.svelte-flow__node[data-id="input1"] .svelte-flow__handle.source');
    const h = (await sourceHandle.boundingBox())!;
    const head = (await page.getByTestId('node-input1').locator('header').boundingBox())!;
    const grab = { x: head.x + 20, y: head.y + head.height / 2 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    const to = {
      x: grab.x + (m.x + m.width / 2 - (h.x + h.width / 2)),
      y: grab.y + (m.y + m.height / 2 - (h.y + h.height / 2)),
    };
    await page.mouse.move(to.x, to.y, { steps: 10 });
    await page.mouse.up();
    expect(overlap(m, (await sourceHandle.boundingBox())!)).toBe(true);
    await connect(page, 'input1', 'dense1');
    await expect(page.locator('.svelte-flow__edge')).toHaveCount(1);
  });
}

for (const c of COMBOS) {
  test(`data panel at ${comboName(c)}: the table scrolls inside the panel, "use" and "missing" in view`, async ({
    page,
  }) => {
    await openApp(page, c);
    await newProject(page, 'x4-relu-hidden');
    const header = ['a rather long feature name', 'second measurement (mm)', 'third', 'fourth', 'notes', 'label'];
    const rows = Array.from({ length: 30 }, (_, r) =>
      [r % 3 ? r * 1.5 : '', r * 2, r % 5, r * 100.25, `note ${r}`, r % 2 ? 'yes' : 'no'].join(','),
    );
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('data-open').click();
    await (
      await chooser
    ).setFiles({ name: 'wide.csv', mimeType: 'text/csv', buffer: Buffer.from([header.join(','), ...rows].join('\n')) });
    await expect(page.getByTestId('data-summary')).toContainText('wide.csv: 30 rows, 6 columns');
    const panel = await box(page, 'data-panel');
    const table = page.getByTestId('data-columns');
    for (const name of ['use', 'missing']) {
      const th = (await table.locator('th', { hasText: new RegExp(`^${name}$`) }).boundingBox())!;
      expect(th.x + th.width, `${name} column inside the panel`).toBeLessThanOrEqual(panel.x + panel.width);
    }
    expect(await overflow(page)).toEqual({ page: 0, panels: [] });
    await page.getByTestId('data-panel').screenshot({ path: `${SHOTS}/data-panel-${comboName(c)}.png` });
  });
}

test('Fit keeps the curve of a connection that runs back to the next row inside the canvas (1920x1080-light)', async ({
  page,
}) => {
  await openApp(page, { width: 1920, height: 1080, theme: 'light' });
  // Two rows of layers: pool2, at the end of the first, connects back to flatten, at the start of the second.
  await newProject(page, 'why-conv-cnn');
  await page.getByTestId('btn-fit').click();
  await viewportSettled(page);
  const canvas = (await page.locator('.svelte-flow').boundingBox())!;
  for (const edge of await page.locator('.svelte-flow__edge path').all()) {
    const e = (await edge.boundingBox())!;
    expect(e.x + e.width, 'a connection past the canvas on the right').toBeLessThanOrEqual(canvas.x + canvas.width);
    expect(e.x, 'a connection past the canvas on the left').toBeGreaterThanOrEqual(canvas.x);
  }
});
