/** Helpers for driving the editor: palette drag-and-drop, connecting handles, setting parameters. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Drag a layer from the palette onto the canvas at (x, y) relative to the canvas. */
export async function dropLayer(page: Page, type: string, x: number, y: number): Promise<void> {
  const before = await page.locator('.svelte-flow__node').count();
  await page.getByTestId(`palette-${type}`).dragTo(page.locator('.svelte-flow__pane'), { targetPosition: { x, y } });
  await expect(page.locator('.svelte-flow__node')).toHaveCount(before + 1);
}

/** Drag from the output handle of one node to the input handle of another. */
export async function connect(page: Page, source: string, target: string): Promise<void> {
  const from = page.locator(`.svelte-flow__node[data-id="${source}"] .svelte-flow__handle.source`);
  const to = page.locator(`.svelte-flow__node[data-id="${target}"] .svelte-flow__handle.target`);
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Select a node by clicking its header. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('header').click();
  await expect(page.getByTestId('inspector').locator('h2 .id')).toHaveText(id);
}

/** Select a node and type a parameter value into the inspector. */
export async function setParam(page: Page, id: string, name: string, value: string): Promise<void> {
  await selectNode(page, id);
  await page.getByTestId(`param-${name}`).fill(value);
}

/** The window sizes and themes the workspace is checked at. */
export const VIEWPORTS = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
/** Every window size in both themes. */
export const COMBOS = VIEWPORTS.flatMap((v) => THEMES.map((theme) => ({ ...v, theme })));
export const comboName = (c: { width: number; height: number; theme: string }) => `${c.width}x${c.height}-${c.theme}`;

/**
 * Open the app at a window size and theme (the first-start hint already seen unless asked), with any
 * recovery offer from earlier tests discarded; the project is whatever opened last.
 */
export async function openApp(
  page: Page,
  opts: { width?: number; height?: number; theme?: Theme; hint?: boolean } = {},
): Promise<void> {
  await page.setViewportSize({ width: opts.width ?? 1440, height: opts.height ?? 900 });
  await page.goto(process.env.NETWRIGHT_URL!);
  // Runs in the page (this file is typed for Node, without the DOM library).
  await page.evaluate(
    `localStorage.setItem('netwright.theme', '${opts.theme ?? 'light'}');` +
      (opts.hint
        ? "localStorage.removeItem('netwright.hint-seen');"
        : "localStorage.setItem('netwright.hint-seen', 'true');"),
  );
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  const banner = page.getByTestId('recovery');
  if (await banner.isVisible()) await banner.getByRole('button', { name: 'Discard' }).click();
  await expect(banner).toBeHidden();
}

/** New project from a template (or 'blank'), saying "Don't save" if the app asks about unsaved changes. */
export async function newProject(page: Page, template: string): Promise<void> {
  await page.getByTestId('btn-new').click();
  const question = page.getByTestId('question');
  const gallery = page.getByTestId('template-gallery');
  await expect(question.or(gallery)).toBeVisible();
  if (await question.isVisible()) await page.getByTestId('answer-discard').click();
  await page.getByTestId(`template-${template}`).click();
  await expect(gallery).toBeHidden();
}

/** Open the editor on a fresh page, in the light theme, with any recovery offer from earlier tests discarded, on a blank project. */
export async function openEditor(page: Page): Promise<void> {
  await page.goto(process.env.NETWRIGHT_URL!);
  await page.evaluate(
    "localStorage.setItem('netwright.theme', 'light'); localStorage.setItem('netwright.hint-seen', 'true')",
  );
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  const banner = page.getByTestId('recovery');
  if (await banner.isVisible()) await banner.getByRole('button', { name: 'Discard' }).click();
  await expect(banner).toBeHidden();
  // Editing tests want the whole window for the canvas: fold the training dock away.
  await page.getByTestId('dock-toggle').click();
  await expect(page.getByTestId('dock')).toBeHidden();
  // The app starts with the last project (or the first template) open; these tests start from a blank canvas.
  await newProject(page, 'blank');
  await expect(page.getByTestId('total-params')).toHaveText('0');
  await viewportSettled(page);
}

/** Wait until the canvas viewport stops moving (fit and zoom animate for a moment). */
export async function viewportSettled(page: Page): Promise<void> {
  const viewport = page.locator('.svelte-flow__viewport');
  const transform = () =>
    viewport.evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  let last = await transform();
  await expect
    .poll(
      async () => {
        const now = await transform();
        const same = now === last;
        last = now;
        return same;
      },
      { intervals: [100] },
    )
    .toBe(true);
}

/** Open the app in the light theme, discard any recovery offer, and open a template from the New menu. */
export async function openTemplate(page: Page, id: string): Promise<void> {
  await page.goto(process.env.NETWRIGHT_URL!);
  await page.evaluate(
    "localStorage.setItem('netwright.theme', 'light'); localStorage.setItem('netwright.hint-seen', 'true')",
  );
  await page.reload();
  await expect(page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
  const banner = page.getByTestId('recovery');
  if (await banner.isVisible()) await banner.getByRole('button', { name: 'Discard' }).click();
  await page.getByTestId('btn-new').click();
  await page.getByTestId(`template-${id}`).click();
  // The gallery closes once the project is shown: settings typed before that would be replaced.
  await expect(page.getByTestId('template-gallery')).toBeHidden();
}

/** Start training and wait for the run to finish without an error. */
export async function trainToEnd(page: Page, start?: 'fresh' | 'continue'): Promise<void> {
  await page.getByTestId('train-start').click();
  // A network with learned weights asks first whether to continue from them.
  if (start) await page.getByTestId(start === 'fresh' ? 'fresh-weights' : 'keep-weights').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 45_000 });
  await expect(page.getByTestId('train-error')).toBeHidden();
}

/** What the variance helper uses of the page's DOM (these tests compile without the DOM library). */
interface PageDom {
  atob(s: string): string;
  Blob: new (parts: Uint8Array[], o: { type: string }) => object;
  createImageBitmap(b: object): Promise<{ width: number; height: number }>;
  document: {
    createElement(k: 'canvas'): {
      width: number;
      height: number;
      getContext(
        k: '2d',
        o: { willReadFrequently: boolean },
      ): {
        drawImage(b: object, x: number, y: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
  };
}

/**
 * Variance of the RGB values of an element's pixels as the page shows them (0 for a uniform
 * picture): a screenshot, so it sees canvases drawn by workers (the 3-D view) like any other.
 */
export async function pixelVariance(target: Locator): Promise<number> {
  const png = (await target.screenshot()).toString('base64');
  return target.page().evaluate(async (b64) => {
    const w = globalThis as unknown as PageDom;
    const bin = w.atob(b64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const img = await w.createImageBitmap(new w.Blob([bytes], { type: 'image/png' }));
    const c = w.document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let sq = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      for (let k = 0; k < 3; k++) {
        sum += d[i + k]!;
        sq += d[i + k]! * d[i + k]!;
        n++;
      }
    return sq / n - (sum / n) ** 2;
  }, png);
}

/** Switch the page to a theme with the header's button (it names the theme it switches to). */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  const now = await page.evaluate('document.documentElement.dataset.theme');
  if (now !== theme) await page.getByTestId('btn-theme').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

/** The two window sizes the views are looked at. */
export const LOOK_SIZES = [VIEWPORTS[0], VIEWPORTS[2]] as const;

/** Every look (1024x700 and 1920x1080, light and dark): call `check` after resizing (a frame for the panes to settle). */
export async function eachLook(page: Page, check: (name: string, theme: Theme) => Promise<void>): Promise<void> {
  for (const size of LOOK_SIZES)
    for (const theme of THEMES) {
      await page.setViewportSize(size);
      await setTheme(page, theme);
      await page.waitForTimeout(150);
      await check(`${size.width}x${size.height}-${theme}`, theme);
    }
}

/** Open a CSV file through the Data panel's picker; no error shown. */
export async function openCsv(page: Page, file: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (await chooser).setFiles(file);
  await expect(page.getByTestId('data-error')).toBeHidden();
}
