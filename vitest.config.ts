import { defineConfig } from 'vitest/config';

// Two projects: the engine/renderer tests, and the WebGPU tests (ONNX Runtime's WebGPU provider, on a
// software Vulkan adapter in CI; slow, so kept apart: `npx vitest run --project webgpu`).
const WEBGPU = 'tests/engine/node/ort/webgpu/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**', WEBGPU],
        },
      },
      {
        extends: true,
        test: { name: 'webgpu', include: [WEBGPU], testTimeout: 180_000 },
      },
    ],
  },
});
