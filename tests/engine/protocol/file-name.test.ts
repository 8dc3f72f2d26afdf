import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../../src-engine/protocol/file-name.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('safeFileName', () => {
  it('keeps short names, drops leading dots and replaces what file systems refuse', () => {
    expect(safeFileName('Circle (2-8-8-1 tanh)')).toBe('Circle (2-8-8-1 tanh)');
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('...', 'model')).toBe('model');
  });

  it('cuts a long name to 120 characters, keeping its extension', () => {
    const cut = safeFileName(`${'données '.repeat(25)}.csv`);
    expect(cut).toHaveLength(120);
    expect(cut.endsWith('.csv')).toBe(true);
  });

  it('cuts by UTF-8 bytes too: 120 CJK characters would be 360 bytes, over the 255 a name may have', () => {
    const cut = safeFileName(`${'数字识别'.repeat(50)}.netwright`);
    expect(bytes(cut)).toBeLessThanOrEqual(240);
    expect(cut.endsWith('.netwright')).toBe(false); // over 8 characters: not an extension to keep
    const csv = safeFileName(`${'数字识别'.repeat(50)}.csv`);
    expect(bytes(csv)).toBeLessThanOrEqual(240);
    expect(csv.endsWith('.csv')).toBe(true);
    expect(csv.startsWith('数字识别')).toBe(true);
  });
});
