/**
 * One record per primitive op: its gradient rule (the whole calculus of Netwright: layers, losses
 * and optimizers are compositions of these, so they get their gradients from here alone, and the
 * ONNX training step, emitted from the same program, cannot disagree with the eager engine), its
 * eager kernel, and its ONNX lowering. Element-wise ops delegate to their records in ./elementwise.ts;
 * convolution, pooling and normalisation records live in ./image.ts.
 */
import { matmul } from '../../tensor/matmul.ts';
import type { FloatArray } from '../../tensor/tensor.ts';
import { BATCH } from '../ir.ts';
import { forEachOffset, loopPlan } from './broadcast.ts';
import { BINARY, UNARY } from './elementwise.ts';
import { IMAGE_OPS } from './image.ts';
import type { OpTable } from './types.ts';

const size = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);
const after = (d: readonly number[], k: number): number => size(d.slice(k));

export const OPS: OpTable = {
  input: {
    grad: () => [],
    kernel: () => null,
    onnx: (e) => e.inputName(e.node.op.name),
  },

  const: {
    grad: () => [],
    kernel: ({ node, y }) => {
      y[0] = node.op.value;
      return null;
    },
    onnx: (e) => e.b.constant([e.node.op.value]),
  },

  unary: {
    grad: (p, n, g) => [UNARY[n.op.op].grad(p, n.inputs[0]!, n.id, g, n.op.alpha)],
    kernel: ({ node, x: [x], y }) => {
      const f = UNARY[node.op.op].f;
      const alpha = node.op.alpha;
      const n = y.length;
      const xs = x!;
      return () => {
        for (let i = 0; i < n; i++) y[i] = f(xs[i]!, alpha);
      };
    },
    onnx: (e) => UNARY[e.node.op.op].onnx(e.b, e.inp[0]!, e.node.op.alpha, e.hint, e.target),
  },

  binary: {
    grad: (p, n, g) => {
      const [a, b] = n.inputs as [number, number];
      const [ga, gb] = BINARY[n.op.op].grad(p, a, b, n.id, g);
      return [ga === null ? null : p.sumTo(ga, p.shape(a)), gb === null ? null : p.sumTo(gb, p.shape(b))];
    },
    kernel: ({ node, x: [a, b], xd: [ad, bd], y, yd }) => binaryKernel(BINARY[node.op.op].f, a!, b!, ad!, bd!, y, yd),
    onnx: (e) => e.b.op1(BINARY[e.node.op.op].onnx, [e.inp[0]!, e.inp[1]!], {}, e.hint),
  },

  matmul: {
    // C = op(A) op(B): dA = G op(B)^T (transposed back if A was), dB = op(A)^T G (likewise).
    grad: (p, n, g) => {
      const { transA: ta, transB: tb } = n.op;
      const [a, b] = n.inputs as [number, number];
      const ga = ta ? p.matmul(b, g, tb, true) : p.matmul(g, b, false, !tb);
      const gb = tb ? p.matmul(g, a, true, ta) : p.matmul(a, g, !ta, false);
      return [ga, gb];
    },
    kernel: ({ node, x: [a, b], xd: [ad], y, yd }) => {
      const { transA, transB } = node.op;
      const [m, n] = yd as [number, number];
      const k = transA ? ad![0]! : ad![1]!;
      return () => matmul(a!, b!, y, m, k, n, transA, transB, false);
    },
    onnx: (e) => {
      const attrs: Record<string, number> = {};
      if (e.node.op.transA) attrs.transA = 1;
      if (e.node.op.transB) attrs.transB = 1;
      return e.b.op1('Gemm', [e.inp[0]!, e.inp[1]!], attrs, e.hint);
    },
  },

  sumTo: {
    grad: (p, n, g) => [p.broadcastTo(g, p.shape(n.inputs[0]!))],
    kernel: ({ x: [x], xd: [xd], y, yd }) => sumToKernel(x!, xd!, y, yd),
    onnx: (e) => {
      const src = e.program.shape(e.node.inputs[0]!);
      const target = e.node.shape;
      const lead = src.length - target.length;
      const axes: number[] = [];
      for (let d = 0; d < src.length; d++) {
        const t = d < lead ? 1 : target[d - lead]!;
        if (t === 1 && src[d] !== 1) axes.push(d);
      }
      let out = axes.length
        ? e.b.op1('ReduceSum', [e.inp[0]!, e.b.int64(axes)], { keepdims: 1 }, lead ? `${e.hint}_sum` : e.hint)
        : e.b.op1('Identity', [e.inp[0]!], {}, e.hint);
      if (lead) out = e.b.op1('Reshape', [out, e.shapeTensor(target)], {}, e.hint);
      return out;
    },
  },

  broadcastTo: {
    grad: (p, n, g) => [p.sumTo(g, p.shape(n.inputs[0]!))],
    kernel: ({ x: [x], xd: [xd], y, yd }) => {
      const plan = loopPlan(yd, [yd, xd!]);
      const src = x!;
      if (plan.dims.length === 1) {
        const [n] = plan.dims as [number];
        const s = plan.strides[1]![0]!;
        return () => {
          for (let i = 0, o = 0; i < n; i++, o += s) y[i] = src[o]!;
        };
      }
      if (plan.dims.length === 3) {
        const [d0, d1, d2] = plan.dims as [number, number, number];
        const [s0, s1, s2] = plan.strides[1] as [number, number, number];
        return () => {
          let i = 0;
          for (let j = 0; j < d0; j++)
            for (let k = 0; k < d1; k++) for (let l = 0, o = j * s0 + k * s1; l < d2; l++, o += s2) y[i++] = src[o]!;
        };
      }
      return () => forEachOffset(plan, (o, i) => (y[i] = src[o[1]!]!));
    },
    onnx: (e) => e.b.op1('Expand', [e.inp[0]!, e.shapeTensor(e.node.shape)], {}, e.hint),
  },

  // d lse / dx = softmax(x)
  logsumexp: {
    grad: (p, n, g) => [p.mul(g, p.softmax(n.inputs[0]!))],
    kernel: ({ x: [x], xd: [xd], y }) => {
      const cols = xd!.at(-1)!;
      const rows = size(xd!) / cols;
      const src = x!;
      return () => {
        for (let r = 0, o = 0; r < rows; r++, o += cols) {
          let m = -Infinity;
          for (let c = 0; c < cols; c++) if (src[o + c]! > m) m = src[o + c]!;
          let s = 0;
          for (let c = 0; c < cols; c++) s += Math.exp(src[o + c]! - m);
          y[r] = m + Math.log(s);
        }
      };
    },
    onnx: (e) => e.b.op1('ReduceLogSumExp', [e.inp[0]!], { axes: [e.node.shape.length - 1], keepdims: 1 }, e.hint),
  },

  // dx = y * (g - sum(g * y))
  softmax: {
    grad: (p, n, g) => {
      const y = n.id;
      return [p.mul(y, p.sub(g, p.sumLast(p.mul(g, y))))];
    },
    kernel: ({ x: [x], y, yd }) => {
      const cols = yd.at(-1)!;
      const rows = size(yd) / cols;
      const src = x!;
      return () => {
        for (let r = 0, o = 0; r < rows; r++, o += cols) {
          let m = -Infinity;
          for (let c = 0; c < cols; c++) if (src[o + c]! > m) m = src[o + c]!;
          let s = 0;
          for (let c = 0; c < cols; c++) {
            const ex = Math.exp(src[o + c]! - m);
            y[o + c] = ex;
            s += ex;
          }
          const inv = 1 / s;
          for (let c = 0; c < cols; c++) y[o + c] *= inv;
        }
      };
    },
    onnx: (e) => e.b.op1('Softmax', [e.inp[0]!], { axis: e.node.shape.length - 1 }, e.hint),
  },

  concat: {
    grad: (p, n, g) => {
      let start = 0;
      return n.inputs.map((x) => {
        const w = p.shape(x)[1]!;
        const s = p.slice(g, start, start + w);
        start += w;
        return s;
      });
    },
    kernel: ({ x, xd, y, yd }) => {
      const rows = yd[0]!;
      const outInner = after(yd, 1);
      const parts = x.map((buf, k) => ({ buf, inner: after(xd[k]!, 1) }));
      return () => {
        let off = 0;
        for (const { buf, inner } of parts) {
          for (let r = 0; r < rows; r++) {
            const o = r * outInner + off;
            const s = r * inner;
            for (let c = 0; c < inner; c++) y[o + c] = buf[s + c]!;
          }
          off += inner;
        }
      };
    },
    onnx: (e) => e.b.op1('Concat', e.inp, { axis: 1 }, e.hint),
  },

  slice: {
    // g back in place along axis 1, zeros elsewhere (layers that pick inputs apart, e.g. Features' products).
    grad: (p, n, g) => {
      const s = p.shape(n.inputs[0]!);
      const zeros = (width: number) => p.broadcastTo(p.const(0), [s[0]!, width, ...s.slice(2)]);
      const { start, end } = n.op;
      const parts = [...(start > 0 ? [zeros(start)] : []), g, ...(end < s[1]! ? [zeros(s[1]! - end)] : [])];
      return [parts.length === 1 ? g : p.concat(parts)];
    },
    kernel: ({ node, x: [x], xd: [xd], y, yd }) => {
      const rows = yd[0]!;
      const block = after(yd, 2);
      const inInner = after(xd!, 1);
      const outInner = after(yd, 1);
      const first = node.op.start * block;
      const src = x!;
      return () => {
        for (let r = 0; r < rows; r++) {
          const s = r * inInner + first;
          const o = r * outInner;
          for (let c = 0; c < outInner; c++) y[o + c] = src[s + c]!;
        }
      };
    },
    onnx: (e) =>
      e.b.op1(
        'Slice',
        [e.inp[0]!, e.b.int64([e.node.op.start]), e.b.int64([e.node.op.end]), e.b.int64([1])],
        {},
        e.hint,
      ),
  },

  rows: {
    grad: () => [null],
    kernel: ({ xd: [xd], y }) => {
      const r = xd![0]!;
      return () => {
        y[0] = r;
      };
    },
    onnx: (e) => {
      const src = e.program.shape(e.node.inputs[0]!);
      if (src[0] !== BATCH) return e.b.constant([src[0]!]);
      const r = e.b.op1('Shape', [e.inp[0]!], { start: 0, end: 1 }, `${e.hint}_n`);
      const f = e.b.op1('Cast', [r], { to: e.b.elem === 'float64' ? 11 : 1 }, `${e.hint}_f`);
      return e.b.op1('Reshape', [f, e.b.int64([1, 1])], {}, e.hint);
    },
  },

  reshape: {
    grad: (p, n, g) => [p.reshape(g, p.shape(n.inputs[0]!))],
    kernel: ({ x: [x], y }) => {
      const src = x!;
      return () => y.set(src);
    },
    // 0 copies dim 0 (the batch) from the input.
    onnx: (e) => e.b.op1('Reshape', [e.inp[0]!, e.b.int64([0, ...e.node.shape.slice(1)])], {}, e.hint),
  },

  ...IMAGE_OPS,
};

/** y = f(a, b) with broadcasting, for fixed dims. */
function binaryKernel(
  f: (a: number, b: number) => number,
  a: FloatArray,
  b: FloatArray,
  ad: number[],
  bd: number[],
  y: FloatArray,
  yd: number[],
): () => void {
  const plan = loopPlan(yd, [ad, bd]);
  const [sa, sb] = plan.strides as [number[], number[]];
  if (plan.dims.length === 1) {
    const n = plan.dims[0]!;
    const a0 = sa[0]!;
    const b0 = sb[0]!;
    return () => {
      for (let i = 0, oa = 0, ob = 0; i < n; i++, oa += a0, ob += b0) y[i] = f(a[oa]!, b[ob]!);
    };
  }
  if (plan.dims.length === 2) {
    const [r, c] = plan.dims as [number, number];
    const [ar, ac] = sa as [number, number];
    const [br, bc] = sb as [number, number];
    return () => {
      let i = 0;
      for (let j = 0; j < r; j++) {
        for (let k = 0, oa = j * ar, ob = j * br; k < c; k++, oa += ac, ob += bc) y[i++] = f(a[oa]!, b[ob]!);
      }
    };
  }
  if (plan.dims.length === 3) {
    // e.g. [N, C, H·W] with a per-channel [1, C, 1, 1]
    const [d0, d1, d2] = plan.dims as [number, number, number];
    const [a0, a1, a2] = sa as [number, number, number];
    const [b0, b1, b2] = sb as [number, number, number];
    return () => {
      let i = 0;
      for (let j = 0; j < d0; j++)
        for (let k = 0; k < d1; k++)
          for (let l = 0, oa = j * a0 + k * a1, ob = j * b0 + k * b1; l < d2; l++, oa += a2, ob += b2)
            y[i++] = f(a[oa]!, b[ob]!);
    };
  }
  return () => forEachOffset(plan, (o, i) => (y[i] = f(a[o[0]!]!, b[o[1]!]!)));
}

/** Sum x (dims xd) into y (dims yd, broadcastable to xd). */
function sumToKernel(x: FloatArray, xd: number[], y: FloatArray, yd: number[]): () => void {
  const n = size(xd);
  if (size(yd) === 1) {
    return () => {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]!;
      y[0] = s;
    };
  }
  const plan = loopPlan(xd, [xd, yd]);
  const ys = plan.strides[1]!;
  const m = y.length;
  if (plan.dims.length === 2 && ys[0] === 0 && ys[1] === 1) {
    // [R, C] -> [1, C]
    const [rows, cols] = plan.dims as [number, number];
    return () => {
      y.fill(0, 0, cols);
      for (let r = 0, o = 0; r < rows; r++, o += cols) for (let c = 0; c < cols; c++) y[c] += x[o + c]!;
    };
  }
  if (plan.dims.length === 2 && ys[0] === 1 && ys[1] === 0) {
    // [R, C] -> [R, 1]
    const [rows, cols] = plan.dims as [number, number];
    return () => {
      for (let r = 0, o = 0; r < rows; r++, o += cols) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += x[o + c]!;
        y[r] = s;
      }
    };
  }
  if (plan.dims.length === 3) {
    // e.g. [N, C, H·W] -> [1, C, 1] (bias gradients and statistics of images)
    const [d0, d1, d2] = plan.dims as [number, number, number];
    const [s0, s1, s2] = ys as [number, number, number];
    return () => {
      y.fill(0, 0, m);
      let i = 0;
      for (let j = 0; j < d0; j++)
        for (let k = 0; k < d1; k++) {
          let o = j * s0 + k * s1;
          if (s2 === 0) {
            let acc = 0;
            for (let l = 0; l < d2; l++) acc += x[i++]!;
            y[o] += acc;
          } else for (let l = 0; l < d2; l++, o += s2) y[o] += x[i++]!;
        }
    };
  }
  return () => {
    y.fill(0, 0, m);
    forEachOffset(plan, (o, i) => (y[o[1]!] += x[i]!));
  };
}
