// The data panel reads files the way the user says: IDX images picked together with their labels
// file, a CSV's delimiter, a column read as text when one of its cells is not a number (one click
// from the error), and column types chosen over the inferred ones.
import { test, expect } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMBOS, comboName, newProject, openApp, trainToEnd } from './helpers.ts';

const SHOTS = 'test-results/screenshots';

/** An IDX file: magic (0, 0, unsigned byte, rank), big-endian dimensions, then the bytes. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(8, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

test('IDX images open with their labels file picked beside them', async ({ page }) => {
  await openApp(page, COMBOS[2]);
  await newProject(page, 'x4-relu-hidden');
  const n = 20;
  const images = idx(
    [n, 4, 4],
    Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256),
  );
  const labels = idx(
    [n],
    Array.from({ length: n }, (_, i) => i % 3),
  );
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (
    await chooser
  ).setFiles([
    { name: 'tiny-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
    { name: 'tiny-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: images },
  ]);
  await expect(page.getByTestId('data-summary')).toContainText(
    'tiny-images-idx3-ubyte with tiny-labels-idx1-ubyte: 20 rows',
  );
  await expect(page.getByTestId('data-target')).toHaveValue('label');
  await expect(page.getByTestId('class-balance')).toHaveText('classes: 0 7, 1 7, 2 6');
  await expect(page.getByTestId('data-shape')).toContainText('16 features → 3 outputs (multiclass)');

  // Two files that are not such a pair are refused with a sentence.
  const again = page.waitForEvent('filechooser');
  await page.getByTestId('data-open').click();
  await (
    await again
  ).setFiles([
    { name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
    { name: 'b.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
  ]);
  await expect(page.getByTestId('data-error')).toHaveText(
    'Pick one data file, or an IDX images file with its labels file (got a.csv, b.csv).',
  );
});

for (const combo of [COMBOS[1]!, COMBOS[4]!]) {
  test(`CSV delimiter, a column read as text from its error, and column types (${comboName(combo)})`, async ({
    page,
  }) => {
    mkdirSync(SHOTS, { recursive: true });
    await openApp(page, combo);
    await newProject(page, 'x4-relu-hidden');
    // 'code' looks numeric for thousands of rows, then one cell is not a number.
    const rows = ['zip;size;code;y'];
    for (let i = 0; i < 2600; i++) rows.push(`${[101, 202, 303][i % 3]};${(i % 50) / 10};${i % 7};${i % 2}`);
    rows.push('202;1.5;n/a7;1');
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('data-open').click();
    await (await chooser).setFiles({ name: 'homes.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n')) });
    await expect(page.getByTestId('data-error')).toContainText('homes.csv (row 2602, column "code")');
    await page.getByTestId('data-read-as-text').click();
    await expect(page.getByTestId('data-summary')).toContainText('homes.csv: 2,601 rows, 4 columns');
    await expect(page.getByTestId('data-error')).toHaveCount(0);
    await expect(page.getByTestId('type-code')).not.toHaveValue('numeric');

    // The semicolons were detected; read with commas, the file has other columns.
    await expect(page.getByTestId('data-delimiter')).toHaveValue('');
    await page.getByTestId('data-delimiter').selectOption(',');
    await expect(page.getByTestId('data-summary')).toContainText('2,601 rows, 1 column,');
    await page.getByTestId('data-delimiter').selectOption(';');
    await expect(page.getByTestId('data-summary')).toContainText('2,601 rows, 4 columns');

    // A zip code is a category, not a quantity: one-hot encoded, three features in place of one.
    await expect(page.getByTestId('data-target')).toHaveValue('y');
    await page.getByTestId('use-code').uncheck();
    await expect(page.getByTestId('data-shape')).toContainText('2 features → 1 output (binary)');
    await expect(page.getByTestId('type-zip')).toHaveValue('numeric');
    await page.getByTestId('type-zip').selectOption('categorical');
    await expect(page.getByTestId('data-shape')).toContainText('4 features → 1 output (binary)');
    await expect(page.getByTestId('type-zip')).toHaveValue('categorical');
    await page.getByTestId('data-columns').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/data-types-${comboName(combo)}.png` });
  });
}

/** A folder of 16×16 PNGs, one subfolder per class: filled circles, filled squares and stripes, with noise. */
async function shapesFolder(dir: string): Promise<void> {
  const sharp = (await import('sharp')).default;
  const draw: Record<string, (x: number, y: number, i: number) => boolean> = {
    circles: (x, y) => (x - 7.5) ** 2 + (y - 7.5) ** 2 < 36,
    squares: (x, y) => x >= 3 && x <= 12 && y >= 3 && y <= 12,
    stripes: (x, _y, i) => (x + i) % 4 < 2,
  };
  for (const [cls, on] of Object.entries(draw)) {
    mkdirSync(path.join(dir, cls), { recursive: true });
    for (let i = 0; i < 24; i++) {
      const raw = Buffer.alloc(16 * 16 * 3, 255);
      for (let p = 0; p < 256; p++)
        if (on(p % 16, Math.floor(p / 16), i)) raw.fill((i * 53 + p * 7) % 90, p * 3, p * 3 + 3);
      await sharp(raw, { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toFile(path.join(dir, cls, `${i}.png`));
    }
  }
  writeFileSync(path.join(dir, 'README.txt'), 'three classes of 16x16 images');
}

test('an image folder opens with Open folder…, fits a CNN by two fixes and trains', async ({ page }) => {
  const dir = path.resolve('test-results/tmp/shapes');
  rmSync(dir, { recursive: true, force: true });
  await shapesFolder(dir);
  await openApp(page, COMBOS[1]);
  await newProject(page, 'why-conv-cnn');
  await page.getByTestId('data-folder').setInputFiles(dir);
  await expect(page.getByTestId('data-summary')).toContainText('shapes.zip: 72 rows, 769 columns');
  await expect(page.getByTestId('class-balance')).toHaveText('classes: circles 24, squares 24, stripes 24');
  // Images are scaled by their pixels (÷255 by default), not column by column.
  await expect(page.getByTestId('data-scaling')).toHaveCount(0);
  await expect(page.getByTestId('data-pixels')).toHaveValue('unit');
  // The template's 1×28×28 digits network meets 3×16×16 images and three classes: one click each.
  const fixes = page.getByTestId('problems').getByTestId('fix');
  await expect(page.getByTestId('problems')).toContainText('takes 1×28×28 images, but shapes.zip has 3×16×16 images');
  await fixes.filter({ hasText: 'Set Input to 3×16×16' }).click();
  await fixes.filter({ hasText: 'Set Output to 3 softmax units' }).click();
  await expect(page.getByTestId('no-problems')).toBeVisible();
  await page.getByTestId('train-epochs').fill('8');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(Number(await page.getByTestId('metric-accuracy').textContent())).toBeGreaterThan(0.8);
  await expect(page.getByTestId('train-summary')).toContainText(
    '3×16×16 images (channels × height × width), 0 missing cells; target label: multiclass',
  );
  await expect(page.getByTestId('train-summary')).toContainText('; pixels ÷255');
  // Standardised per channel instead: the next run says so.
  await page.getByTestId('data-pixels').selectOption('channel');
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-epochs').dispatchEvent('change');
  await trainToEnd(page, 'fresh');
  await expect(page.getByTestId('train-summary')).toContainText('; pixels standardised per channel');
  await page.screenshot({ path: `${SHOTS}/data-image-folder-${comboName(COMBOS[1]!)}.png` });

  // A folder without class subfolders of images says so and keeps the data in use.
  const flat = path.resolve('test-results/tmp/flat');
  rmSync(flat, { recursive: true, force: true });
  mkdirSync(flat, { recursive: true });
  writeFileSync(path.join(flat, 'notes.txt'), 'no images here');
  await page.getByTestId('data-folder').setInputFiles(flat);
  await expect(page.getByTestId('data-error')).toContainText(
    'The folder flat has no class subfolders with PNG, JPEG or WebP images.',
  );
  await expect(page.getByTestId('data-summary')).toContainText('shapes.zip: 72 rows');
});
