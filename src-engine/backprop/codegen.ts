/**
 * Compiles a Program (for one batch size) into one JavaScript function. Runs of consecutive
 * element-wise ops of the same shape are fused into a single loop whose intermediates live in
 * registers; a value is stored to its buffer only when something outside the loop reads it.
 * Matrix products and reductions call the kernels. This is what makes tiny networks fast (no
 * per-op dispatch) and big ones lighter on memory traffic (the optimizer update is one pass).
 */
import { matmul } from '../tensor/matmul.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import type { BinaryOp, IRNode, UnaryOp } from './ir.ts';
import { erf } from './kernels.ts';

export interface CodegenInput {
  nodes: readonly IRNode[];
  /** Which nodes must be computed. */
  live: Uint8Array;
  /** Values read after the run (never elided). */
  outputs: readonly number[];
  /** Concrete [rows, cols] per node. */
  dims: (id: number) => [number, number];
  buffers: readonly (FloatArray | undefined)[];
  /** Prepared kernels for the non-element-wise ops that are not inlined. */
  kernels: readonly ((() => void) | null)[];
}

const UNARY: Record<UnaryOp, (x: string, alpha: number) => string> = {
  neg: (x) => `-${x}`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : 0)`,
  step: (x) => `(${x} > 0 ? 1 : 0)`,
  square: (x) => `${x} * ${x}`,
  erf: (x) => `H.erf(${x})`,
  sigmoid: (x) => `H.sigmoid(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  relu: (x) => `(${x} > 0 ? ${x} : 0)`,
  softplus: (x) => `H.softplus(${x})`,
  leaky_relu: (x, a) => `(${x} > 0 ? ${x} : ${num(a)} * ${x})`,
  elu: (x, a) => `(${x} > 0 ? ${x} : ${num(a)} * Math.expm1(${x}))`,
  gelu: (x) => `0.5 * ${x} * (1 + H.erf(${x} * ${Math.SQRT1_2}))`,
};

const BINARY: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  maximum: (a, b) => `(${a} >= ${b} ? ${a} : ${b})`,
};

/** Helpers the generated code calls (small enough for V8 to inline). */
const HELPERS = {
  erf,
  sigmoid: (x: number) => {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    const e = Math.exp(x);
    return e / (1 + e);
  },
  softplus: (x: number) => (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x))),
};

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return `(${String(v)})`;
}

function isElementwise(n: IRNode): boolean {
  return n.op.kind === 'unary' || n.op.kind === 'binary';
}

/** Largest product (m·k·n) written out as inline loops with constant sizes; bigger ones call the blocked kernel. */
const INLINE_MATMUL_MACS = 4096;

/** Inline loops for a small matrix product (the same summation order as the kernel's direct path). */
function inlineMatmul(n: IRNode, dims: (id: number) => [number, number], buf: (id: number) => string): string | null {
  const { transA, transB } = n.op as { transA: boolean; transB: boolean };
  const [m, cols] = dims(n.id);
  const [ar, ac] = dims(n.inputs[0]!);
  const k = transA ? ar : ac;
  if (m * k * cols > INLINE_MATMUL_MACS) return null;
  const a = buf(n.inputs[0]!);
  const b = buf(n.inputs[1]!);
  const y = buf(n.id);
  // op(A)[i][p] = a[i*sai + p*sap]; op(B)[p][j] = b[p*sbp + j*sbj]
  const sai = transA ? 1 : k;
  const sap = transA ? m : 1;
  const sbp = transB ? 1 : cols;
  const sbj = transB ? k : 1;
  return [
    `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${cols}; j++) {`,
    `let s = 0.0;`,
    `for (let p = 0; p < ${k}; p++) s += ${a}[i * ${sai} + p * ${sap}] * ${b}[p * ${sbp} + j * ${sbj}];`,
    `${y}[i * ${cols} + j] = s;`,
    `}`,
  ].join('\n');
}

type Factory = (b: unknown, k: unknown, h: unknown, mm: unknown) => () => void;
/**
 * Generated factories by source text. Reusing the same function for the same program (every new
 * Trainer of one network, each batch size) lets V8 keep its optimized code instead of warming up again.
 */
const FACTORIES = new Map<string, Factory>();

/** Lines of generated code per function: one function per 20,000-layer network would overflow the stack. */
const LINES_PER_PART = 2000;

/**
 * `return function run() {...}` over the generated lines; long programs are split where a statement
 * ends at brace depth 0 into parts that run calls in order, so no frame grows huge.
 */
function runFunction(lines: string[]): string {
  if (lines.length <= LINES_PER_PART) return `return function run() {\n${lines.join('\n')}\n};`;
  const parts: string[][] = [[]];
  let depth = 0;
  for (const line of lines) {
    if (depth === 0 && parts.at(-1)!.length >= LINES_PER_PART) parts.push([]);
    parts.at(-1)!.push(line);
    // Groups open with '{' or a loop header ending in '{' and close with a lone '}'.
    if (line.endsWith('{')) depth++;
    else if (line === '}') depth--;
  }
  const fns = parts.map((p, k) => `function part${k}() {\n${p.join('\n')}\n}`);
  return `${fns.join('\n')}\nreturn function run() {\n${parts.map((_, k) => `part${k}();`).join('\n')}\n};`;
}

/** Build the run function. */
export function generateRun(g: CodegenInput): () => void {
  const { nodes, live, dims } = g;
  const consumers: number[][] = nodes.map(() => []);
  for (const n of nodes) if (live[n.id]) for (const i of n.inputs) consumers[i]!.push(n.id);
  const isOutput = new Uint8Array(nodes.length);
  for (const o of g.outputs) isOutput[o] = 1;

  const lines: string[] = [];
  const used = new Set<number>();
  const buf = (id: number) => {
    used.add(id);
    return `b${id}`;
  };

  let i = 0;
  while (i < nodes.length) {
    const n = nodes[i]!;
    if (!live[n.id]) {
      i++;
      continue;
    }
    if (!isElementwise(n)) {
      const inline = n.op.kind === 'matmul' ? inlineMatmul(n, dims, buf) : null;
      if (inline) lines.push(inline);
      else if (g.kernels[n.id]) lines.push(`K[${n.id}]();`);
      i++;
      continue;
    }
    // Grow a group of consecutive live element-wise nodes with the same output dims.
    const [R, C] = dims(n.id);
    const group: IRNode[] = [];
    let j = i;
    while (j < nodes.length) {
      const m = nodes[j]!;
      if (!live[m.id]) {
        j++;
        continue;
      }
      if (!isElementwise(m)) break;
      const [r, c] = dims(m.id);
      if (r !== R || c !== C) break;
      group.push(m);
      j++;
    }
    i = j;
    const inGroup = new Set(group.map((m) => m.id));
    // An operand is read as: a register (computed in this group), a hoisted scalar, a full buffer,
    // a row vector [1, C] or a column vector [R, 1].
    let needs2d = false;
    const hoisted = new Map<number, string>();
    const pre: string[] = [];
    const operand = (id: number): string => {
      if (inGroup.has(id)) return `v${id}`;
      const [r, c] = dims(id);
      if (r * c === 1) {
        if (!hoisted.has(id)) {
          hoisted.set(id, `s${id}`);
          pre.push(`const s${id} = ${buf(id)}[0];`);
        }
        return `s${id}`;
      }
      if (r === R && c === C) return `${buf(id)}[i]`;
      needs2d = true;
      if (r === 1) return `${buf(id)}[c]`;
      return `${buf(id)}[r]`;
    };
    const body: string[] = [];
    for (const m of group) {
      const op = m.op;
      const expr =
        op.kind === 'unary'
          ? UNARY[op.op](`(${operand(m.inputs[0]!)})`, op.alpha)
          : BINARY[(op as { op: BinaryOp }).op](`(${operand(m.inputs[0]!)})`, `(${operand(m.inputs[1]!)})`);
      body.push(`const v${m.id} = ${expr};`);
      const storeNeeded = isOutput[m.id] || consumers[m.id]!.some((c) => !inGroup.has(c));
      if (storeNeeded) body.push(`${buf(m.id)}[i] = v${m.id};`);
    }
    lines.push('{', ...pre);
    if (needs2d) {
      lines.push(`for (let r = 0, i = 0; r < ${R}; r++) for (let c = 0; c < ${C}; c++, i++) {`, ...body, '}');
    } else {
      lines.push(`for (let i = 0; i < ${R * C}; i++) {`, ...body, '}');
    }
    lines.push('}');
  }
  const decls = [...used].sort((a, b) => a - b).map((id) => `const b${id} = B[${id}];`);
  const src = `"use strict";\n${decls.join('\n')}\n${runFunction(lines)}`;
  let factory = FACTORIES.get(src);
  if (!factory) {
    factory = new Function('B', 'K', 'H', 'mm', src) as Factory;
    if (FACTORIES.size >= 128) FACTORIES.delete(FACTORIES.keys().next().value!);
    FACTORIES.set(src, factory);
  }
  return factory(g.buffers, g.kernels, HELPERS, matmul);
}
