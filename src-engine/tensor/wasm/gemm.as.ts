// WebAssembly SIMD (f32x4) GEMM macro-kernel, compiled by AssemblyScript (`npm run build:wasm`) into
// ./gemm-module.ts. Not part of the TypeScript build: `v128`, `f32x4` and `usize` are AssemblyScript
// builtins. The driver (./gemm.ts) packs the operands into linear memory; this file only multiplies.
//
//   C[mc×nc] = A[mc×kc]·B[kc×nc]   (or C += A·B when acc != 0)
//
// A is packed in panels of MR = 4 rows (p-major: MR values per p), B in panels of NR = 8 columns
// (p-major: NR values per p), both zero-padded to whole panels, so mc is a multiple of MR and nc of NR
// and every tile is whole. C is row-major with row stride ldc (floats). Addresses are in bytes.
// The 4×8 tile keeps 8 accumulators, 2 B vectors, the broadcast A value and a product in
// registers (12 of x64's 16 vector registers; V8 keeps one for scratch).

export function gemm(kc: i32, mc: i32, nc: i32, a: usize, b: usize, c: usize, ldc: i32, acc: i32): void {
  const aStep: usize = <usize>kc * 16;
  const bStep: usize = <usize>kc * 32;
  const rowBytes: usize = <usize>ldc * 4;
  const zero = f32x4.splat(0);
  let bPanel = b;
  for (let j: i32 = 0; j < nc; j += 8) {
    let aPanel = a;
    for (let i: i32 = 0; i < mc; i += 4) {
      const cp: usize = c + <usize>i * rowBytes + <usize>j * 4;
      let c00 = acc ? v128.load(cp + 0 * rowBytes, 0) : zero;
      let c01 = acc ? v128.load(cp + 0 * rowBytes, 16) : zero;
      let c10 = acc ? v128.load(cp + 1 * rowBytes, 0) : zero;
      let c11 = acc ? v128.load(cp + 1 * rowBytes, 16) : zero;
      let c20 = acc ? v128.load(cp + 2 * rowBytes, 0) : zero;
      let c21 = acc ? v128.load(cp + 2 * rowBytes, 16) : zero;
      let c30 = acc ? v128.load(cp + 3 * rowBytes, 0) : zero;
      let c31 = acc ? v128.load(cp + 3 * rowBytes, 16) : zero;
      let ap = aPanel;
      let bp = bPanel;
      const aEnd = aPanel + aStep;
      while (ap < aEnd) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        let av = v128.load32_splat(ap, 0);
        c00 = f32x4.add(c00, f32x4.mul(av, b0));
        c01 = f32x4.add(c01, f32x4.mul(av, b1));
        av = v128.load32_splat(ap, 4);
        c10 = f32x4.add(c10, f32x4.mul(av, b0));
        c11 = f32x4.add(c11, f32x4.mul(av, b1));
        av = v128.load32_splat(ap, 8);
        c20 = f32x4.add(c20, f32x4.mul(av, b0));
        c21 = f32x4.add(c21, f32x4.mul(av, b1));
        av = v128.load32_splat(ap, 12);
        c30 = f32x4.add(c30, f32x4.mul(av, b0));
        c31 = f32x4.add(c31, f32x4.mul(av, b1));
        ap += 16;
        bp += 32;
      }
      v128.store(cp + 0 * rowBytes, c00, 0);
      v128.store(cp + 0 * rowBytes, c01, 16);
      v128.store(cp + 1 * rowBytes, c10, 0);
      v128.store(cp + 1 * rowBytes, c11, 16);
      v128.store(cp + 2 * rowBytes, c20, 0);
      v128.store(cp + 2 * rowBytes, c21, 16);
      v128.store(cp + 3 * rowBytes, c30, 0);
      v128.store(cp + 3 * rowBytes, c31, 16);
      aPanel += aStep;
    }
    bPanel += bStep;
  }
}

// Packs op(B)[r][c] = x[rows[r] + cols[c]] (a convolution's receptive fields: rows and cols are int32
// offset tables, x the sample) for rows [pc, pc+kc), columns [jc, jc+nc) at dst, as the panels gemm
// reads (NR = 8 columns, p-major, zero past the edge). A panel whose 8 offsets are consecutive (8
// neighbouring output positions) is copied two vectors at a time; others are gathered.
export function packFields(dst: usize, x: usize, rows: usize, cols: usize, pc: i32, kc: i32, jc: i32, nc: i32): void {
  const rowsAt: usize = rows + ((<usize>pc) << 2);
  for (let j0: i32 = 0; j0 < nc; j0 += 8) {
    const width = min(8, nc - j0);
    const colsAt: usize = cols + ((<usize>(jc + j0)) << 2);
    const o0 = load<i32>(colsAt);
    let consecutive = width == 8;
    for (let r = 1; r < width; r++) if (load<i32>(colsAt + ((<usize>r) << 2)) != o0 + r) consecutive = false;
    if (consecutive) {
      for (let p: i32 = 0; p < kc; p++) {
        const src: usize = x + ((<usize>(load<i32>(rowsAt + ((<usize>p) << 2)) + o0)) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else if (width == 8) {
      const o1 = load<i32>(colsAt, 4);
      const o2 = load<i32>(colsAt, 8);
      const o3 = load<i32>(colsAt, 12);
      const o4 = load<i32>(colsAt, 16);
      const o5 = load<i32>(colsAt, 20);
      const o6 = load<i32>(colsAt, 24);
      const o7 = load<i32>(colsAt, 28);
      for (let p: i32 = 0; p < kc; p++) {
        const t: usize = x + ((<usize>load<i32>(rowsAt + ((<usize>p) << 2))) << 2);
        store<f32>(dst, load<f32>(t + ((<usize>o0) << 2)));
        store<f32>(dst, load<f32>(t + ((<usize>o1) << 2)), 4);
        store<f32>(dst, load<f32>(t + ((<usize>o2) << 2)), 8);
        store<f32>(dst, load<f32>(t + ((<usize>o3) << 2)), 12);
        store<f32>(dst, load<f32>(t + ((<usize>o4) << 2)), 16);
        store<f32>(dst, load<f32>(t + ((<usize>o5) << 2)), 20);
        store<f32>(dst, load<f32>(t + ((<usize>o6) << 2)), 24);
        store<f32>(dst, load<f32>(t + ((<usize>o7) << 2)), 28);
        dst += 32;
      }
    } else {
      for (let p: i32 = 0; p < kc; p++) {
        const t = load<i32>(rowsAt + ((<usize>p) << 2));
        for (let r = 0; r < 8; r++) {
          const v: f32 = r < width ? load<f32>(x + ((<usize>(t + load<i32>(colsAt + ((<usize>r) << 2)))) << 2)) : 0;
          store<f32>(dst + ((<usize>r) << 2), v);
        }
        dst += 32;
      }
    }
  }
}
