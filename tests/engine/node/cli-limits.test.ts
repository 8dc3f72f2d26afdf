// The CLI's limits and refusals, as a user meets them: one line on stderr, a non-zero exit, the flag to use.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = path.resolve('bin/netwright.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'nw-cli-limits-'));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** y = x1 + 2 x2 + small noise over 60 rows (many distinct values: a regression). */
function regressionCsv(name: string, scale = 1): string {
  const rows = Array.from(
    { length: 60 },
    (_, i) => `${(i % 7) * scale},${(i % 5) * scale},${(i % 7) + 2 * (i % 5) + i / 1000}`,
  );
  const file = path.join(dir, name);
  writeFileSync(file, ['x1,x2,y', ...rows].join('\n'));
  return file;
}

describe('CLI limits', () => {
  it('names the cell limit, its setting and flag, and trains once --max-cells raises it', async () => {
    const data = regressionCsv('small.csv');
    const low = await cli(['train', '--data', data, '--target', 'y', '--epochs', '2', '--max-cells', '100']);
    expect(low.code).not.toBe(0);
    expect(low.stderr.trim().split('\n')).toHaveLength(1);
    expect(low.stderr).toMatch(
      /small\.csv: the data holds 34 rows × 3 columns = 102 cells, more than the limit of 100 cells/,
    );
    expect(low.stderr).toMatch(/NETWRIGHT_MAX_CELLS or the command-line flag --max-cells/);
    const ok = await cli(['train', '--data', data, '--target', 'y', '--epochs', '2', '--max-cells', '180', '--json']);
    expect(ok.code).toBe(0);
    const bad = await cli(['train', '--data', data, '--target', 'y', '--max-cells', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NETWRIGHT_MAX_CELLS \/ --max-cells must be a positive number of cells \(got 'lots'\)/);
  }, 120_000);

  it('refuses a network over --max-params before building it', async () => {
    const data = regressionCsv('params.csv');
    const r = await cli(['train', '--data', data, '--target', 'y', '--hidden', '64,64', '--max-params', '1000']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/The network has 4,417 parameters \(the largest, .*\), more than can be trained here/);
    expect(r.stderr).toMatch(/--max-params/);
  }, 60_000);

  it('refuses a FIFO as --data instead of hanging', async () => {
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const r = await cli(['train', '--data', fifo, '--target', 'y']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/pipe\.csv: it is not a regular file \(a pipe, socket or device\)/);
  }, 60_000);

  it('predict exits non-zero instead of printing NaN or Infinity', async () => {
    const out = path.join(dir, 'runs');
    const train = await cli([
      'train',
      '--data',
      regressionCsv('fit.csv'),
      '--target',
      'y',
      '--epochs',
      '5',
      '--out',
      out,
    ]);
    expect(train.code).toBe(0);
    const project = /project written to (\S+)/.exec(train.stdout)![1]!;
    const fine = await cli(['predict', project, '--data', regressionCsv('rows.csv')]);
    expect(fine.code).toBe(0);
    expect(fine.stdout.split('\n')[0]).toBe('y');
    const huge = path.join(dir, 'huge.csv');
    writeFileSync(huge, 'x1,x2,y\n3.4e38,-3.4e38,1\n1,2,3\n');
    const overflow = await cli(['predict', project, '--data', huge]);
    expect(overflow.code).toBe(1);
    expect(overflow.stdout).toBe('');
    expect(overflow.stderr).toMatch(/the model's output for row \d+ is (-?Infinity|NaN).*no predictions were written/);
  }, 120_000);
});
