/**
 * What some tests need from the machine beyond node_modules: Debian's Python modules (the PyTorch,
 * ONNX-checker and scikit-learn references) and a WebGPU adapter (Vulkan on Linux). `bash
 * scripts/setup.sh`, which `npm test` runs first, installs them. A test whose prerequisite is missing
 * fails and says what is missing and how to install it: these tests never pass by being skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'vitest';
import { probeProviders } from '../../src-engine/node/ort/providers.ts';
import { verdict, type Prerequisite } from './verdict.ts';

export { ON_CI, verdict, type Prerequisite } from './verdict.ts';

/** The interpreter Debian's python3-* packages install into. */
export const PYTHON = '/usr/bin/python3';

const memo = new Map<string, Prerequisite>();

/** A module importable by /usr/bin/python3 (Debian package `debianPackage`); checked once per test process. */
export function pythonModule(module: string, debianPackage: string): Prerequisite {
  const key = `py:${module}`;
  let p = memo.get(key);
  if (!p) {
    let missing: string | null = null;
    if (!existsSync(PYTHON)) missing = `${PYTHON} is not installed (apt-get install ${debianPackage}).`;
    else
      try {
        // A namespace package (a directory left by a removed package) has no __file__.
        execFileSync(PYTHON, ['-c', `import ${module}; assert ${module}.__file__`], { stdio: 'ignore' });
      } catch {
        missing = `${PYTHON} cannot import ${module} (apt-get install ${debianPackage}).`;
      }
    p = { name: debianPackage, missing };
    memo.set(key, p);
  }
  return p;
}

export const torch = (): Prerequisite => pythonModule('torch', 'python3-torch');
export const onnx = (): Prerequisite => pythonModule('onnx', 'python3-onnx');
export const sklearn = (): Prerequisite => pythonModule('sklearn', 'python3-sklearn');

let webgpuMemo: Promise<Prerequisite> | null = null;

/** ONNX Runtime's WebGPU provider, probed and verified against the CPU provider as the app does. */
export function webgpu(): Promise<Prerequisite> {
  webgpuMemo ??= probeProviders({ providers: ['webgpu'] }).then(([r]) => ({
    name: 'WebGPU adapter',
    missing: r!.usable
      ? null
      : `ONNX Runtime's WebGPU provider is not usable here: ${r!.reason.replace(/\.?$/, '.')} On Debian bookworm: libvulkan1 and mesa-vulkan-drivers from bookworm-backports.`,
  }));
  return webgpuMemo;
}

/** Fail the running test, saying what is missing and how to install it, when a prerequisite is missing. */
export function need(_ctx: TestContext, ...reqs: Prerequisite[]): void {
  const v = verdict(reqs);
  if (v.action === 'fail') throw new Error(v.message);
}
