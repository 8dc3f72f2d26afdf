/**
 * `npm run bench -- gpu`: what to run on a machine with a GPU (no GPU has been lent to this project's
 * bench runs yet; bench/RESULTS.md says so). The commands probe the execution providers, then train the
 * CPU and GPU workloads through ONNX Runtime on each usable provider.
 */
import { GPU_WORKLOADS, WORKLOADS } from './workloads.ts';

export function gpuCommand(): string {
  const ids = [...WORKLOADS, ...GPU_WORKLOADS].map((w) => `${w.id} (${w.title})`).join('; ');
  return [
    '# On the GPU machine, from the repository root (bring libvulkan.so.1 for WebGPU,',
    "# and CUDA 12's provider libraries for CUDA):",
    'npx tsx bin/netwright.mjs providers',
    'NETWRIGHT_BENCH_EP=cuda npx tsx bench/side-by-side.ts --rounds 3 mlp mlp-wide',
    'NETWRIGHT_BENCH_EP=webgpu npx tsx bench/side-by-side.ts --rounds 3 mlp mlp-wide',
    `# workloads: ${ids}`,
    '# Record the figures, the provider report and how they were taken in bench/RESULTS.md.',
  ].join('\n');
}
