/**
 * The packaging step's fuse flip, run on a stand-in binary: the fuse wire Electron embeds (sentinel,
 * version, length, one byte per fuse) inside filler bytes. The real binary cannot be downloaded here.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { flipNetwrightFuses, NETWRIGHT_FUSES } from '../../electron/fuses.ts';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

describe('Electron fuses', () => {
  it('switches off run-as-node, NODE_OPTIONS and inspect, and requires the asar', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nw-fuses-')), 'electron');
    // As Electron ships them: run-as-node, cookie encryption off, NODE_OPTIONS and inspect on, ...
    const shipped = '111100110';
    const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from(shipped)]);
    writeFileSync(file, Buffer.concat([Buffer.alloc(5000, 7), wire, Buffer.alloc(3000, 9)]));
    expect(await flipNetwrightFuses(file)).toBe(1);
    const fuses = await getCurrentFuseWire(file);
    expect(fuses[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(fuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
    expect(fuses[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    // Only the wire changed: the bytes around it are untouched.
    const after = readFileSync(file);
    expect(after.subarray(0, 5000).every((b) => b === 7)).toBe(true);
    expect(after.subarray(after.length - 3000).every((b) => b === 9)).toBe(true);
  });

  it('sets every fuse explicitly, so an Electron with new fuses fails the packaging step', async () => {
    expect(NETWRIGHT_FUSES.strictlyRequireAllFuses).toBe(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'nw-fuses-')), 'electron');
    const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, 10]), Buffer.from('1111001101')]);
    writeFileSync(file, wire);
    await expect(flipNetwrightFuses(file)).rejects.toThrow(/strictlyRequireAllFuses/);
  });
});
