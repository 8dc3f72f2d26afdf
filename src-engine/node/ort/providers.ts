/**
 * Execution-provider probing. ORT 1.30 does not fall back along a provider list (a session asked
 * for ['webgpu', 'cpu'] simply fails without an adapter), so each provider is tried on its own:
 * cheap checks first (platform, provider libraries, libvulkan), then a session running one
 * training step of a small network whose result must match the CPU provider's before the provider
 * is adopted. Results are cached per process and, when given a file, across runs.
 */
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { makeGraph } from './probe-graph.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { encodeModel } from '../../onnx/schema.ts';
import { trainStepModel } from '../../onnx/train-step.ts';
import { makeTrainConfig } from '../../train/config.ts';
import { createSession, EXECUTION_PROVIDERS, loadOrt, type ExecutionProvider, type OrtTensor } from './runtime.ts';
import { sizeOf } from '../../tensor/tensor.ts';

export interface ProviderReport {
  ep: ExecutionProvider;
  /** Passed every check and the verification step: safe to train on. */
  usable: boolean;
  /** Why it is or is not usable, in one sentence. */
  reason: string;
  /** Largest relative difference from the CPU provider on the verification step. */
  maxDiff?: number;
  /** Milliseconds the probe took. */
  ms?: number;
}

export interface ProbeOptions {
  /** Providers to probe (default: all Netwright knows). */
  providers?: readonly ExecutionProvider[];
  /** JSON file caching results across runs (keyed by ORT version, platform and provider). */
  cacheFile?: string;
  /** Ignore cached results. */
  refresh?: boolean;
  /** For tests: pretend the platform is this one. */
  platform?: NodeJS.Platform;
  /** For tests: where provider libraries are looked up (default: onnxruntime-node's binary folder). */
  libraryDir?: string;
}

/** Tolerance of the verification step (float32 math in a different order on another device). */
const VERIFY_TOLERANCE = 1e-3;
const memo = new Map<string, ProviderReport>();

/** The folder holding onnxruntime-node's native libraries for this platform. */
export function ortLibraryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

async function ortVersion(): Promise<string> {
  const ort = await loadOrt();
  return ort.env.versions?.common ?? 'unknown';
}

/** Probe providers one at a time; never throws for a missing or broken provider. */
export async function probeProviders(opts: ProbeOptions = {}): Promise<ProviderReport[]> {
  const list = opts.providers ?? EXECUTION_PROVIDERS;
  const platform = opts.platform ?? process.platform;
  const version = await ortVersion();
  const fileCache = opts.cacheFile && !opts.refresh ? await readCache(opts.cacheFile) : {};
  const reports: ProviderReport[] = [];
  let reference: Float32Array[] | null = null;
  for (const ep of list) {
    const key = `${version}|${platform}|${process.arch}|${ep}${opts.libraryDir ? `|${opts.libraryDir}` : ''}`;
    const cached = opts.refresh
      ? undefined
      : (memo.get(key) ?? (precheck(ep, platform, opts.libraryDir ?? ortLibraryDir()) ? undefined : fileCache[key]));
    if (cached) {
      reports.push(cached);
      continue;
    }
    const t0 = performance.now();
    let report: ProviderReport;
    const blocked = precheck(ep, platform, opts.libraryDir ?? ortLibraryDir());
    if (blocked) {
      report = { ep, usable: false, reason: blocked };
    } else {
      try {
        reference ??= await verificationStep('cpu');
        const got = ep === 'cpu' ? reference : await verificationStep(ep);
        const maxDiff = compare(reference, got);
        report =
          maxDiff <= VERIFY_TOLERANCE
            ? {
                ep,
                usable: true,
                reason:
                  ep === 'cpu'
                    ? 'Always available.'
                    : `Verified: one training step matches the CPU result (max relative difference ${maxDiff.toExponential(1)}).`,
                maxDiff,
              }
            : {
                ep,
                usable: false,
                reason: `Its training step differs from the CPU result by ${maxDiff.toExponential(1)} (relative), more than ${VERIFY_TOLERANCE}; not adopted.`,
                maxDiff,
              };
      } catch (e) {
        const message = (e as Error).message ?? String(e);
        const noAdapter = /Failed to get a WebGPU adapter: ([^\n]*)/.exec(message);
        report = {
          ep,
          usable: false,
          reason: noAdapter
            ? `No WebGPU adapter was found (${noAdapter[1]!.replace(/\.$/, '')}). On Linux WebGPU runs on Vulkan: install the Vulkan driver of your GPU, or Mesa 25's mesa-vulkan-drivers for lavapipe, a software adapter.`
            : `Session creation or the test step failed: ${message.split('\n')[0]}`,
        };
      }
    }
    report.ms = Math.round(performance.now() - t0);
    memo.set(key, report);
    // Only session results are worth keeping across runs; prechecks are cheap and must notice
    // provider files installed since.
    if (!blocked) fileCache[key] = report;
    reports.push(report);
  }
  if (opts.cacheFile) await writeFileAtomic(opts.cacheFile, JSON.stringify(fileCache, null, 1)).catch(() => undefined);
  return reports;
}

/** The first usable provider in order of preference (falls back to cpu). */
export async function bestProvider(
  preference: readonly ExecutionProvider[] = ['cuda', 'tensorrt', 'dml', 'coreml', 'webgpu', 'cpu'],
  opts: ProbeOptions = {},
): Promise<ExecutionProvider> {
  const reports = await probeProviders({ ...opts, providers: preference });
  return reports.find((r) => r.usable)?.ep ?? 'cpu';
}

/** Why a provider cannot work here without trying it (null: worth trying). */
export function precheck(ep: ExecutionProvider, platform: NodeJS.Platform, libDir: string): string | null {
  const so = (base: string) =>
    platform === 'win32' ? `${base}.dll` : platform === 'darwin' ? `lib${base}.dylib` : `lib${base}.so`;
  switch (ep) {
    case 'cpu':
      return null;
    case 'dml':
      return platform === 'win32' ? null : 'DirectML exists only on Windows.';
    case 'coreml':
      return platform === 'darwin' ? null : 'CoreML exists only on macOS.';
    case 'cuda':
    case 'tensorrt': {
      if (platform === 'darwin') return `${ep === 'cuda' ? 'CUDA' : 'TensorRT'} is not available on macOS.`;
      const lib = so(`onnxruntime_providers_${ep}`);
      if (!existsSync(path.join(libDir, lib))) {
        return `The ${ep} provider files are not installed (${lib} is not in ${libDir}). Reinstall with ONNXRUNTIME_NODE_INSTALL_CUDA=v12 npm rebuild onnxruntime-node (Linux x64) and install the CUDA 12${ep === 'tensorrt' ? ', cuDNN and TensorRT' : ' and cuDNN'} runtime libraries.`;
      }
      return null;
    }
    case 'webgpu': {
      if (platform !== 'linux') return null;
      const dirs = [
        ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
        '/usr/lib/x86_64-linux-gnu',
        '/usr/lib/aarch64-linux-gnu',
        '/usr/lib64',
        '/usr/lib',
        '/usr/local/lib',
        '/lib/x86_64-linux-gnu',
      ];
      if (!dirs.some((d) => existsSync(path.join(d, 'libvulkan.so.1'))))
        return 'WebGPU needs Vulkan on Linux, and libvulkan.so.1 was not found (install the Vulkan loader and a GPU driver, e.g. libvulkan1 and mesa-vulkan-drivers).';
      return null;
    }
  }
}

/** One Adam step of a small fixed network on a provider: loss and updated weights. */
async function verificationStep(ep: ExecutionProvider): Promise<Float32Array[]> {
  const ort = await loadOrt();
  const graph = makeGraph();
  const config = makeTrainConfig({ optimizer: { name: 'adam', lr: 0.01 }, l2: 1e-3 });
  const { model, io } = trainStepModel(graph, config, { steps: 2 });
  const session = await createSession(encodeModel(model), { ep, label: 'The provider test model' });
  try {
    const N = 16;
    const feeds: Record<string, OrtTensor> = {};
    // Deterministic, provider-independent inputs (no RNG needed).
    const x = Float32Array.from({ length: 2 * N * io.features }, (_, i) => Math.sin(i * 0.7) * 1.5);
    const y = new Float32Array(2 * N * io.targets);
    for (let r = 0; r < 2 * N; r++) y[r * io.targets + (r % io.targets)] = 1;
    feeds.x = new ort.Tensor('float32', x, [2 * N, io.features]);
    feeds.y = new ort.Tensor('float32', y, [2 * N, io.targets]);
    feeds.lr = new ort.Tensor('float32', new Float32Array([0.01, 0.01]), [2, 1]);
    feeds.t = new ort.Tensor('float32', new Float32Array([1, 2]), [2, 1]);
    for (const c of io.carried) {
      const len = sizeOf(c.shape);
      feeds[c.name] = new ort.Tensor(
        'float32',
        c.kind === 'param'
          ? Float32Array.from({ length: len }, (_, i) => Math.cos(i * 1.3) * 0.3)
          : new Float32Array(len),
        [...c.shape],
      );
    }
    const out = await session.run(feeds);
    return [
      out.loss!.data as Float32Array,
      ...io.carried.filter((c) => c.kind === 'param').map((c) => out[c.next]!.data as Float32Array),
    ];
  } finally {
    await session.release();
  }
}

function compare(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((arr, k) => {
    const other = b[k]!;
    for (let i = 0; i < arr.length; i++) {
      const d = Math.abs(arr[i]! - other[i]!) / Math.max(1, Math.abs(arr[i]!));
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    }
  });
  return worst;
}

async function readCache(file: string): Promise<Record<string, ProviderReport>> {
  try {
    const v = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, ProviderReport>) : {};
  } catch {
    return {};
  }
}

/** Forget probe results of this process (tests). */
export function clearProbeMemo(): void {
  memo.clear();
}
