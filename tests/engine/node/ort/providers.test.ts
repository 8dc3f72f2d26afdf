import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bestProvider,
  clearProbeMemo,
  ortLibraryDir,
  precheck,
  probeProviders,
} from '../../../../src-engine/node/ort/providers.ts';
import { createOrtBackend } from '../../../../src-engine/node/ort/index.ts';
import { makeTrainConfig } from '../../../../src-engine/train/config.ts';
import { makeGraph } from '../../../../src-engine/node/ort/probe-graph.ts';

describe('execution provider probing', () => {
  it('verifies cpu and explains why the others are missing, without throwing', async () => {
    clearProbeMemo();
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-probe-'));
    const cacheFile = path.join(dir, 'providers.json');
    const reports = await probeProviders({ cacheFile });
    const byEp = Object.fromEntries(reports.map((r) => [r.ep, r]));
    expect(byEp.cpu!.usable).toBe(true);
    expect(byEp.cpu!.maxDiff).toBe(0);
    // This machine has no GPU provider files and no DirectML / CoreML.
    expect(byEp.cuda!.usable).toBe(false);
    expect(byEp.cuda!.reason).toMatch(/libonnxruntime_providers_cuda\.so/);
    expect(byEp.tensorrt!.usable).toBe(false);
    expect(byEp.dml!.reason).toMatch(/only on Windows/);
    expect(byEp.coreml!.reason).toMatch(/only on macOS/);
    // webgpu is bundled: verified where a Vulkan adapter exists (tests/engine/node/ort/webgpu/), refused
    // with a reason, not a crash, where none does.
    expect(byEp.webgpu!.reason).toMatch(byEp.webgpu!.usable ? /^Verified: / : /.{10}/);
    const webgpuTried = precheck('webgpu', process.platform, ortLibraryDir()) === null;
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, { ep: string }>;
    // Only real session attempts are cached across runs (cpu, and webgpu where libvulkan exists); prechecks run every time.
    expect(Object.values(cached).map((r) => r.ep)).toEqual(webgpuTried ? ['cpu', 'webgpu'] : ['cpu']);
    expect(await bestProvider(undefined, { cacheFile })).toBe(byEp.webgpu!.usable ? 'webgpu' : 'cpu');
  });

  it('a provider whose library is present but cannot start is refused with the error', async () => {
    clearProbeMemo();
    // A fake provider library: the precheck passes, session creation fails, and the report says why.
    const dir = mkdtempSync(path.join(tmpdir(), 'nw-lib-'));
    writeFileSync(path.join(dir, 'libonnxruntime_providers_cuda.so'), 'not a library');
    expect(precheck('cuda', 'linux', dir)).toBeNull();
    const [r] = await probeProviders({ providers: ['cuda'], libraryDir: dir, refresh: true });
    expect(r!.usable).toBe(false);
    expect(r!.reason).toMatch(/failed/);
  });

  it('prechecks name the missing pieces per platform', () => {
    expect(precheck('dml', 'win32', '/nowhere')).toBeNull();
    expect(precheck('coreml', 'darwin', '/nowhere')).toBeNull();
    expect(precheck('cuda', 'win32', '/nowhere')).toMatch(/onnxruntime_providers_cuda\.dll/);
    expect(precheck('tensorrt', 'darwin', '/nowhere')).toMatch(/macOS/);
  });

  it('createOrtBackend refuses an unusable or unknown provider with the reason, and trains on cpu', async () => {
    clearProbeMemo();
    const graph = makeGraph();
    const config = makeTrainConfig({});
    await expect(createOrtBackend({ graph, config, ep: 'cuda' })).rejects.toThrow(
      /The cuda execution provider is not usable here: .*libonnxruntime_providers_cuda/,
    );
    await expect(createOrtBackend({ graph, config, ep: 'tpu' })).rejects.toThrow(/Unknown execution provider 'tpu'/);
    const b = await createOrtBackend({ graph, config, ep: 'cpu' });
    expect(b.providerNote).toMatch(/ONNX Runtime on cpu/);
    await b.dispose();
  });
});
