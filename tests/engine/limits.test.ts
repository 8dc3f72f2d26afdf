/** The limits: settings parse (MB for bytes), bad values are refused by name, and docs/limits.md lists each one as the code has it. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, formatLimit, LIMIT_SETTINGS, parseLimits, type Limits } from '../../src-engine/limits.ts';
import { envLimits, flagLimits } from '../../src-engine/node/limits.ts';

describe('limits', () => {
  it('reads settings and flags (flags win), in MB for byte limits', () => {
    const env = { NETWRIGHT_MAX_CELLS: '1000', NETWRIGHT_MAX_DECOMPRESSED_MB: '1.5', NETWRIGHT_MAX_PARAMS: ' ' };
    expect(envLimits(env)).toEqual({
      ...DEFAULT_LIMITS,
      maxCells: 1000,
      maxDecompressedBytes: 1.5 * 2 ** 20,
    });
    expect(flagLimits({ 'max-cells': '2000', 'max-upload-mb': '10' }, env)).toMatchObject({
      maxCells: 2000,
      maxUploadBytes: 10 * 2 ** 20,
      maxDecompressedBytes: 1.5 * 2 ** 20,
    });
    expect(() => parseLimits({ maxParams: '-5' })).toThrow(
      "NETWRIGHT_MAX_PARAMS / --max-params must be a positive number of parameters (got '-5').",
    );
    expect(() => envLimits({ NETWRIGHT_MAX_CELLS: 'many' })).toThrow(/NETWRIGHT_MAX_CELLS/);
  });

  it('docs/limits.md lists every limit with its default, setting and flag', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/limits.md'), 'utf8');
    for (const key of Object.keys(LIMIT_SETTINGS) as (keyof Limits)[]) {
      const s = LIMIT_SETTINGS[key];
      const row = doc.split('\n').find((l) => l.includes(`\`${s.env}\``));
      expect(row, s.env).toBeDefined();
      expect(row).toContain(`\`${s.flag} N\``);
      expect(row).toContain(formatLimit(key, DEFAULT_LIMITS[key]));
    }
  });
});
