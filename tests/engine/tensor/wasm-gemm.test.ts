import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { filled } from './filled.ts';
import fc from 'fast-check';
import { matmul, matmulPackedB } from '../../../src-engine/tensor/matmul.ts';
import {
  gemmBackend,
  gemmModuleBytes,
  loadGemmKernel,
  storedPanels,
  wasmGemmCount,
  type WasmApi,
} from '../../../src-engine/tensor/wasm/gemm.ts';
import { compileGemm } from '../../../scripts/build-wasm.ts';

/** Node's WebAssembly (the node tsconfig has no DOM lib, so it is not a typed global here). */
const NODE_WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

afterEach(() => {
  loadGemmKernel();
});

describe('WebAssembly GEMM kernel', () => {
  it('is the module the AssemblyScript source compiles to (run `npm run build:wasm` after editing it)', async () => {
    const compiled = await compileGemm(ROOT);
    const committed = gemmModuleBytes();
    expect(committed.length).toBeLessThan(4096); // Chromium's limit for synchronous compiles on a page
    expect(Buffer.from(compiled).toString('base64')).toBe(Buffer.from(committed).toString('base64'));
  }, 120_000);

  it('computes float32 products (dense and packed-panel) on WebAssembly SIMD, float64 ones in JavaScript', () => {
    expect(loadGemmKernel()).toBe(true);
    expect(gemmBackend()).toBe('wasm-simd');
    const [m, k, n] = [20, 30, 40];
    const before = wasmGemmCount();
    matmul(
      filled(Float32Array, m * k, 1),
      filled(Float32Array, k * n, 2),
      new Float32Array(m * n),
      m,
      k,
      n,
      false,
      false,
      false,
    );
    expect(wasmGemmCount()).toBe(before + 1);
    const b = filled(Float32Array, k * n, 3);
    matmulPackedB(
      filled(Float32Array, m * k, 4),
      false,
      storedPanels(b, k, n, false),
      new Float32Array(m * n),
      0,
      n,
      m,
      k,
      n,
      false,
    );
    expect(wasmGemmCount()).toBe(before + 2);
    matmul(new Float64Array(m * k), new Float64Array(k * n), new Float64Array(m * n), m, k, n, false, false, false);
    expect(wasmGemmCount()).toBe(before + 2);
  });

  it('falls back to the JavaScript kernel, with the same products, where WebAssembly SIMD is missing', () => {
    const [m, k, n] = [33, 70, 45];
    const a = filled(Float32Array, m * k, 5);
    const b = filled(Float32Array, k * n, 6);
    const viaWasm = new Float32Array(m * n);
    matmul(a, b, viaWasm, m, k, n, false, true, false);
    const noSimd: WasmApi = { ...NODE_WASM, validate: () => false };
    const throwing: WasmApi = {
      ...NODE_WASM,
      Module: class {
        constructor() {
          throw new Error('WebAssembly.Module(): Compiling function failed: Invalid opcode 0xfd');
        }
      },
    };
    for (const api of [null, noSimd, throwing]) {
      expect(loadGemmKernel(api)).toBe(false);
      expect(gemmBackend()).toBe('js');
      const before = wasmGemmCount();
      const viaJs = new Float32Array(m * n);
      matmul(a, b, viaJs, m, k, n, false, true, false);
      expect(wasmGemmCount()).toBe(before);
      for (let i = 0; i < m * n; i++) expect(Math.abs(viaJs[i]! - viaWasm[i]!)).toBeLessThan(1e-5);
    }
  });

  it('matches a float64 reference within a few float32 ulps × √k on random shapes, transposes, accumulate and strided C', () => {
    const edge = fc.constantFrom(1, 3, 5, 7, 8, 9, 129, 257);
    const size = fc.oneof(edge, fc.integer({ min: 1, max: 40 }));
    const ULP = 2 ** -23;
    let checked = 0;
    let onWasm = 0;
    fc.assert(
      fc.property(
        size,
        fc.oneof(size, fc.constantFrom(300, 513, 784)),
        size,
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 11 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (m, k, n, transA, transB, accumulate, packed, c0, pad, seed) => {
          const a = filled(Float32Array, m * k, seed);
          const b = filled(Float32Array, k * n, seed * 7 + 3);
          // matmul writes a dense C; matmulPackedB one at offset c0 with row stride ldc = n + pad.
          const ldc = packed ? n + pad : n;
          const base = packed ? c0 : 0;
          const c = filled(Float32Array, base + (m - 1) * ldc + n + 3, seed * 13 + 11);
          const start = c.slice();
          const count = wasmGemmCount();
          if (packed) matmulPackedB(a, transA, storedPanels(b, k, n, transB), c, base, ldc, m, k, n, accumulate);
          else matmul(a, b, c, m, k, n, transA, transB, accumulate);
          onWasm += wasmGemmCount() - count;
          const inC = new Uint8Array(c.length);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const o = base + i * ldc + j;
              inC[o] = 1;
              let s = accumulate ? start[o]! : 0;
              let scale = Math.abs(s);
              for (let p = 0; p < k; p++) {
                const t = (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
                s += t;
                scale += Math.abs(t);
              }
              const tol = 4 * ULP * Math.sqrt(k + 1) * scale;
              if (!(Math.abs(c[o]! - s) <= tol))
                throw new Error(`C[${i}][${j}] = ${c[o]} vs ${s} (tolerance ${tol}, Σ|terms| ${scale})`);
            }
          }
          for (let i = 0; i < c.length; i++)
            if (!inC[i] && c[i] !== start[i]) throw new Error(`wrote c[${i}] outside C`);
          checked++;
        },
      ),
      { numRuns: 250, seed: 20261205 },
    );
    expect(checked).toBe(250);
    // Tiny products and matrix-vector products (m or n = 1) take matmul's direct loop; the rest must
    // have been computed by the WebAssembly kernel.
    expect(onWasm).toBeGreaterThan(150);
    console.log(`wasm GEMM property: ${checked} cases checked, ${onWasm} on the WebAssembly kernel`);
  });
});
