/** Probing and verifying ONNX Runtime's WebGPU provider where an adapter exists (software Vulkan in CI). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { command as providersCmd } from '../../../../../src-engine/node/cli/providers.ts';
import type { CliIo } from '../../../../../src-engine/node/cli/types.ts';
import { createOrtBackend } from '../../../../../src-engine/node/ort/index.ts';
import { makeGraph } from '../../../../../src-engine/node/ort/probe-graph.ts';
import {
  bestProvider,
  clearProbeMemo,
  probeProviders,
  type ProviderReport,
} from '../../../../../src-engine/node/ort/providers.ts';
import { makeTrainConfig } from '../../../../../src-engine/train/config.ts';
import { need, webgpu } from '../../../../support/prerequisites.ts';

describe('WebGPU provider probing', () => {
  it('verifies one training step against the CPU provider, caches the result and is preferred over cpu', async (ctx) => {
    need(ctx, await webgpu());
    clearProbeMemo();
    const cacheFile = path.join(mkdtempSync(path.join(tmpdir(), 'nw-probe-')), 'providers.json');
    const [cpu, gpu] = await probeProviders({ providers: ['cpu', 'webgpu'], cacheFile });
    expect(cpu!.usable).toBe(true);
    expect(gpu!.usable).toBe(true);
    expect(gpu!.maxDiff).toBeLessThan(1e-4);
    expect(gpu!.reason).toBe(
      `Verified: one training step matches the CPU result (max relative difference ${gpu!.maxDiff!.toExponential(1)}).`,
    );
    // The session result is kept across runs, and a later process reads it instead of probing again.
    const cached = Object.values(JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, ProviderReport>);
    expect(cached.find((r) => r.ep === 'webgpu')).toEqual(gpu);
    clearProbeMemo();
    const [again] = await probeProviders({ providers: ['webgpu'], cacheFile });
    expect(again).toEqual(gpu);
    expect(await bestProvider(['webgpu', 'cpu'], { cacheFile })).toBe('webgpu');
  });

  it('createOrtBackend opens the training sessions on webgpu', async (ctx) => {
    need(ctx, await webgpu());
    const b = await createOrtBackend({ graph: makeGraph(), config: makeTrainConfig({}), ep: 'webgpu' });
    try {
      expect(b.providerNote).toMatch(/^backend: ONNX Runtime on webgpu/);
      expect(b.name).toBe('ort-webgpu');
      expect(new Set(Object.values(b.tensorLocations()))).toEqual(new Set(['cpu'])); // uploaded on first run
    } finally {
      await b.dispose();
    }
  });

  it('without an adapter the probe refuses webgpu and says what to install', async (ctx) => {
    need(ctx, await webgpu());
    // A fresh process whose Vulkan loader finds no driver: libvulkan is there, an adapter is not.
    const r = await promisify(execFile)(process.execPath, [path.resolve('bin/netwright.mjs'), 'providers', '--json'], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
      timeout: 60_000,
    });
    const reports = (JSON.parse(r.stdout) as { providers: ProviderReport[] }).providers;
    expect(reports.find((p) => p.ep === 'webgpu')).toMatchObject({
      usable: false,
      reason: expect.stringMatching(
        /^No WebGPU adapter was found \(No supported adapters\)\. On Linux WebGPU runs on Vulkan: .*mesa-vulkan-drivers/,
      ),
    });
    expect(reports.find((p) => p.ep === 'cpu')!.usable).toBe(true);
  });

  it('netwright providers --json reports webgpu usable', async (ctx) => {
    need(ctx, await webgpu());
    let stdout = '';
    const io: CliIo = { isTty: false, out: (t) => void (stdout += t), err: () => undefined };
    expect(await providersCmd.run(['--json'], io)).toBe(0);
    const r = JSON.parse(stdout) as { providers: ProviderReport[] };
    expect(r.providers.find((p) => p.ep === 'webgpu')).toMatchObject({ usable: true, reason: /^Verified/ });
  });
});
