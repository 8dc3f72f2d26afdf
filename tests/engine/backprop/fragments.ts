/**
 * Program fragments for op tests: loss = Σ build(inputs) ⊙ R with the gradients of every input,
 * checked three ways — finite differences in float64, generated (fused) code against per-op
 * kernels, and the ONNX emitter's graph through onnxruntime.
 */
import { expect } from 'vitest';
import { Executable } from '../../../src-engine/backprop/interpreter.ts';
import { BATCH, Program, type Shape } from '../../../src-engine/backprop/ir.ts';
import { gradients } from '../../../src-engine/backprop/rules.ts';
import { GraphBuilder } from '../../../src-engine/onnx/builder.ts';
import { emitProgram } from '../../../src-engine/onnx/emit.ts';
import { encodeModel } from '../../../src-engine/onnx/schema.ts';
import { createSession, loadOrt } from '../../../src-engine/node/ort/runtime.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { WasmArena } from '../../../src-engine/backprop/wasm/arena.ts';

export interface FragmentCase {
  name: string;
  inputs: { name: string; shape: Shape }[];
  build: (p: Program, ins: number[]) => number;
  /** Only the value is checked (ops without a gradient rule of their own, e.g. gradients of max). */
  valueOnly?: boolean;
}

/** A program: loss = Σ build(inputs) ⊙ R, with the gradients of every input (unless valueOnly). */
export function fragment(c: FragmentCase) {
  const p = new Program();
  const ins = c.inputs.map((s) => p.input(s.name, s.shape));
  const out = c.build(p, ins);
  const r = p.input('__upstream', p.shape(out));
  const loss = p.sumAll(p.mul(out, r));
  const grads = c.valueOnly ? [] : gradients(p, loss, ins);
  return { p, ins, out, loss, grads };
}

/** Fill named inputs with values of magnitude 0.3 to 1.8 and random sign (no ties, away from kinks). */
export function fillAll(exe: Executable, names: string[], seed: number): void {
  const rng = new SeededRng(seed);
  for (const n of names) {
    const b = exe.input(n);
    for (let i = 0; i < b.length; i++) b[i] = (rng.uniform() < 0.5 ? -1 : 1) * (0.3 + 1.5 * rng.uniform());
  }
}

/** Worst relative error of the analytic gradients against central differences (float64, batch 2). */
export function gradError(c: FragmentCase): number {
  const { p, loss, grads } = fragment(c);
  const exe = new Executable(p, [loss, ...grads], { batch: 2, dtype: 'float64' });
  const names = [...c.inputs.map((s) => s.name), '__upstream'];
  fillAll(exe, names, 3);
  exe.run();
  let worst = 0;
  c.inputs.forEach((s, k) => {
    const analytic = Float64Array.from(exe.value(grads[k]!));
    const buf = exe.input(s.name);
    for (let i = 0; i < buf.length; i++) {
      const v = buf[i]!;
      const h = 1e-5;
      buf[i] = v + h;
      exe.run();
      const lp = exe.value(loss)[0]!;
      buf[i] = v - h;
      exe.run();
      const lm = exe.value(loss)[0]!;
      buf[i] = v;
      const numeric = (lp - lm) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]!) / Math.max(1e-2, Math.abs(numeric)));
    }
    exe.run();
  });
  return worst;
}

const dimsOf = (s: Shape) => s.map((d) => (d === BATCH ? 'N' : d));

/**
 * For every case: the fused code equals the per-op kernels exactly in float64, its WebAssembly
 * form equals the float32 fused code to float32 rounding, and the emitted
 * ONNX graph computes the same values and gradients through onnxruntime (float32, 1e-4 relative),
 * in its portable form and, where it differs, in the form for ONNX Runtime's CPU provider.
 * Returns the number of cases checked.
 */
export async function checkFusedAndOnnx(cases: FragmentCase[], batch = 3): Promise<number> {
  const ort = await loadOrt();
  let checked = 0;
  for (const c of cases) {
    const { p, out, grads } = fragment(c);
    const outputs = [out, ...grads];
    const names = [...c.inputs.map((s) => s.name), ...(c.valueOnly ? [] : ['__upstream'])];
    // In float64 the fused code's registers and the per-op buffers round alike: exactly equal.
    const fused64 = new Executable(p, outputs, { batch, dtype: 'float64' });
    const plain64 = new Executable(p, outputs, { batch, dtype: 'float64', codegen: false });
    expect(fused64.generated).toBe(true);
    fillAll(fused64, names, 11);
    fillAll(plain64, names, 11);
    fused64.run();
    plain64.run();
    for (const o of outputs) expect(Array.from(fused64.value(o)), c.name).toEqual(Array.from(plain64.value(o)));
    const fused = new Executable(p, outputs, { batch, dtype: 'float32' });
    fillAll(fused, names, 11);
    fused.run();
    // Compiled to WebAssembly: the float32 code to float32 rounding (sums round at every addition).
    const wasm = new Executable(p, outputs, { batch, dtype: 'float32', arena: WasmArena.create(1 << 20)! });
    expect(wasm.wasm, c.name).toBe(true);
    fillAll(wasm, names, 11);
    wasm.run();
    for (const o of outputs) {
      const want = fused.value(o);
      const got = wasm.value(o);
      for (let i = 0; i < want.length; i++)
        expect(Math.abs(got[i]! - want[i]!), `${c.name} (WebAssembly) value ${o}[${i}]`).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(want[i]!)),
        );
    }

    // The same fragment through ONNX Runtime, in each target's form (they differ for max pooling).
    let portable: Uint8Array | null = null;
    for (const target of ['portable', 'cpu'] as const) {
      const b = new GraphBuilder('float32');
      const inputs = new Map<string, string>();
      const feeds: Record<string, unknown> = {};
      for (const name of names) {
        const shape = p.shape(p.inputsByName.get(name)!);
        inputs.set(name, b.input(name, dimsOf(shape)));
        feeds[name] = new ort.Tensor('float32', Float32Array.from(fused.input(name)), fused.dims(shape));
      }
      const batchRef = names.find((n) => p.shape(p.inputsByName.get(n)!)[0] === BATCH)!;
      const emitted = emitProgram(p, b, outputs, { inputs, batchRef: inputs.get(batchRef)!, target });
      outputs.forEach((o, k) => b.output(`out${k}`, emitted.get(o)!, dimsOf(p.shape(o))));
      const bytes = encodeModel(b.model('fragment', {}));
      if (portable && Buffer.from(bytes).equals(Buffer.from(portable))) continue;
      portable ??= bytes;
      const session = await createSession(bytes);
      const res = await session.run(feeds as never);
      outputs.forEach((o, k) => {
        const got = res[`out${k}`]!;
        expect(got.dims, c.name).toEqual(fused.dims(p.shape(o)));
        const want = fused.value(o);
        const data = got.data as Float32Array;
        for (let i = 0; i < want.length; i++)
          expect(Math.abs(data[i]! - want[i]!), `${c.name} (${target}) output ${k}[${i}]`).toBeLessThan(
            1e-4 * Math.max(1, Math.abs(want[i]!)),
          );
      });
      await session.release();
    }
    checked++;
  }
  return checked;
}
