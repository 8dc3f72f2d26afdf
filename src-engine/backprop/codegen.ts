/**
 * Compiles a Program (for one batch size) into one JavaScript function. Runs of consecutive
 * element-wise ops of the same shape are fused into a single loop whose intermediates live in
 * registers; a value is stored to its buffer only when something outside the loop reads it.
 * Matrix products and reductions call the kernels. This is what makes tiny networks fast (no
 * per-op dispatch) and big ones lighter on memory traffic (the optimizer update is one pass).
 * Each element-wise op's code comes from its record (./ops/elementwise.ts).
 */
import { matmul } from '../tensor/matmul.ts';
import type { FloatArray } from '../tensor/tensor.ts';
import type { IRNode } from './ir.ts';
import { loopPlan, type LoopPlan } from './ops/broadcast.ts';
import { BINARY, UNARY, type UnaryOp } from './ops/elementwise.ts';

export interface CodegenInput {
  nodes: readonly IRNode[];
  /** Which nodes must be computed. */
  live: Uint8Array;
  /** Values read after the run (never elided). */
  outputs: readonly number[];
  /** Concrete dims per node. */
  dims: (id: number) => number[];
  buffers: readonly (FloatArray | undefined)[];
  /** Prepared kernels for the non-element-wise ops that are not inlined. */
  kernels: readonly ((() => void) | null)[];
}

/** Each unary op's scalar function, for ops whose record has no inline form. */
const HELPERS = Object.fromEntries(Object.entries(UNARY).map(([k, d]) => [k, d.f])) as Record<
  UnaryOp,
  (x: number, a: number) => number
>;

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return `(${String(v)})`;
}

function isElementwise(n: IRNode): boolean {
  return n.op.kind === 'unary' || n.op.kind === 'binary';
}

const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Largest product (m·k·n) written out as inline loops with constant sizes; bigger ones call the blocked kernel. */
export const INLINE_MATMUL_MACS = 4096;

/** Longest inner sum of a small matrix product that is written out term by term instead of looped. */
export const UNROLL_K = 16;

/**
 * Inline loops for a small matrix product (the same summation order as the kernel's direct path:
 * s = 0, then s += a·b for p = 0, 1, ...; an unrolled sum `0.0 + t0 + t1 + ...` adds left to right,
 * so it is the same arithmetic without the inner loop's overhead).
 */
function inlineMatmul(n: IRNode, dims: (id: number) => number[], buf: (id: number) => string): string | null {
  const { transA, transB } = n.op as { transA: boolean; transB: boolean };
  const [m, cols] = dims(n.id) as [number, number];
  const [ar, ac] = dims(n.inputs[0]!) as [number, number];
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
  if (k <= UNROLL_K) {
    const terms = Array.from({ length: k }, (_, p) => ` + ${a}[ai + ${p * sap}] * ${b}[bj + ${p * sbp}]`);
    return [
      `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${cols}; j++) {`,
      `const ai = i * ${sai};`,
      `const bj = j * ${sbj};`,
      `${y}[i * ${cols} + j] = 0.0${terms.join('')};`,
      `}`,
    ].join('\n');
  }
  return [
    `for (let i = 0; i < ${m}; i++) for (let j = 0; j < ${cols}; j++) {`,
    `let s = 0.0;`,
    `for (let p = 0; p < ${k}; p++) s += ${a}[i * ${sai} + p * ${sap}] * ${b}[p * ${sbp} + j * ${sbj}];`,
    `${y}[i * ${cols} + j] = s;`,
    `}`,
  ].join('\n');
}

/**
 * Kernels are closures made per instance, so a call `K[i]()` in code shared by every instance of a
 * program would be optimized for the first instance's closure and bail out at every step of the next
 * (V8: "wrong call target"; measured: 360 bail-outs of one run, 30-60 µs a step instead of 10).
 * Calling them through this one function, whose call site sees every kernel of every program, gives
 * the shared code a single call target.
 */
function callKernel(K: readonly ((() => void) | null)[], id: number): void {
  K[id]!();
}

type Factory = (b: unknown, k: unknown, h: unknown, mm: unknown, kc: unknown) => () => void;
/**
 * Generated factories by source text, least recently used first. The same program compiled again
 * (a new Trainer of the same network: Train pressed again, a sweep, the bench's repeated runs; each
 * batch size) gets the same factory, so V8 keeps its optimized code instead of warming up again.
 * Only the factory is shared: each Executable calls it with its own buffers and kernels.
 */
const FACTORIES = new Map<string, Factory>();
/** Most factories kept (a few dozen programs: one network's batch sizes, forward passes, a sweep). */
const FACTORY_CACHE_SIZE = 32;
let factoriesBuilt = 0;

/** How many factories `new Function` has built so far (the cache's misses). */
export function generatedFactoryCount(): number {
  return factoriesBuilt;
}

/**
 * The value cached under `key` (now the most recently used), else `make()`'s, stored; past `size`
 * entries the least recently used goes. Generated factories and compiled WebAssembly modules.
 */
export function cachedLru<V>(cache: Map<string, V>, key: string, size: number, make: () => V): V {
  let value = cache.get(key);
  if (value !== undefined) cache.delete(key);
  else {
    value = make();
    if (cache.size >= size) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, value);
  return value;
}

/** The factory for a source text: the cached one, else a new one. */
function factoryFor(src: string): Factory {
  return cachedLru(FACTORIES, src, FACTORY_CACHE_SIZE, () => {
    factoriesBuilt++;
    return new Function('B', 'K', 'H', 'mm', 'KC', src) as Factory;
  });
}

/** Lines of generated code per function: one function per 20,000-layer network would overflow the stack. */
const LINES_PER_PART = 2000;

/**
 * A function over generated lines whose buffers are locals read from `B` once per call: the factory
 * is shared by every instance of a program (and V8 shares its optimized code between them), and
 * code shared between closures cannot treat a closure's variables as constants, so reading a buffer
 * from the closure at every use costs more than one read per call.
 */
function fn(head: string, body: readonly string[]): string {
  const ids = new Set<number>();
  for (const line of body) for (const m of line.matchAll(/\bb(\d+)\b/g)) ids.add(Number(m[1]));
  const decls = [...ids].sort((a, b) => a - b).map((id) => `const b${id} = B[${id}];`);
  return `${head} {\n${[...decls, ...body].join('\n')}\n}`;
}

/**
 * `return function run() {...}` over the generated lines; long programs are split where a statement
 * ends at brace depth 0 into parts that run calls in order, so no frame grows huge.
 */
function runFunction(lines: string[]): string {
  if (lines.length <= LINES_PER_PART) return `return ${fn('function run()', lines)};`;
  const parts: string[][] = [[]];
  let depth = 0;
  for (const line of lines) {
    if (depth === 0 && parts.at(-1)!.length >= LINES_PER_PART) parts.push([]);
    parts.at(-1)!.push(line);
    // Groups open with '{' or a loop header ending in '{' and close with a lone '}'.
    if (line.endsWith('{')) depth++;
    else if (line === '}') depth--;
  }
  const fns = parts.map((p, k) => fn(`function part${k}()`, p));
  return `${fns.join('\n')}\nreturn function run() {\n${parts.map((_, k) => `part${k}();`).join('\n')}\n};`;
}

/** What the generated code does, in order: a non-element-wise node, or a fused group of element-wise ones. */
export type ScheduleItem = { kind: 'node'; node: IRNode } | { kind: 'group'; group: IRNode[]; dims: number[] };

/** The run's items in program order, and which element-wise values must be stored to their buffers. */
export interface Schedule {
  items: ScheduleItem[];
  /** Whether node m of a group must be written to its buffer (read outside the group or after the run). */
  stored(m: IRNode, inGroup: ReadonlySet<number>): boolean;
}

/** The live nodes in order, consecutive element-wise nodes of the same output dims grouped (one loop each). */
export function schedule(g: CodegenInput): Schedule {
  const { nodes, live, dims } = g;
  const consumers: number[][] = nodes.map(() => []);
  for (const n of nodes) if (live[n.id]) for (const i of n.inputs) consumers[i]!.push(n.id);
  const isOutput = new Uint8Array(nodes.length);
  for (const o of g.outputs) isOutput[o] = 1;
  const items: ScheduleItem[] = [];
  let i = 0;
  while (i < nodes.length) {
    const n = nodes[i]!;
    if (!live[n.id]) {
      i++;
      continue;
    }
    if (!isElementwise(n)) {
      items.push({ kind: 'node', node: n });
      i++;
      continue;
    }
    // Grow a group of consecutive live element-wise nodes with the same output dims.
    const D = dims(n.id);
    const group: IRNode[] = [];
    let j = i;
    while (j < nodes.length) {
      const m = nodes[j]!;
      if (!live[m.id]) {
        j++;
        continue;
      }
      if (!isElementwise(m) || !same(dims(m.id), D)) break;
      group.push(m);
      j++;
    }
    i = j;
    items.push({ kind: 'group', group, dims: D });
  }
  return {
    items,
    stored: (m, inGroup) => isOutput[m.id] === 1 || consumers[m.id]!.some((c) => !inGroup.has(c)),
  };
}

/** How a fused group reads the values it does not compute itself. */
export interface GroupOperands {
  inGroup: Set<number>;
  /** Values of one element, read once before the loop. */
  hoisted: number[];
  /** Values of another shape than the group's, read at their own offsets. */
  broadcast: number[];
  /** The loops: extents and, per operand (the group's own shape first, then `broadcast`), strides. */
  plan: LoopPlan;
  /** Elements per loop pass (the product of D). */
  total: number;
}

/** The operands of a fused group of output dims D. */
export function groupOperands(group: readonly IRNode[], D: number[], dims: (id: number) => number[]): GroupOperands {
  const inGroup = new Set(group.map((m) => m.id));
  const total = D.reduce((a, b) => a * b, 1);
  const hoisted: number[] = [];
  const broadcast: number[] = [];
  for (const m of group) {
    for (const id of m.inputs) {
      if (inGroup.has(id) || hoisted.includes(id) || broadcast.includes(id)) continue;
      const size = dims(id).reduce((a, b) => a * b, 1);
      if (size === 1) hoisted.push(id);
      else if (size !== total) broadcast.push(id);
    }
  }
  const plan = broadcast.length ? loopPlan(D, [D, ...broadcast.map(dims)]) : { dims: [total], strides: [[1]] };
  return { inGroup, hoisted, broadcast, plan, total };
}

/** Build the run function. */
export function generateRun(g: CodegenInput): () => void {
  const { dims } = g;
  const plan = schedule(g);
  const lines: string[] = [];
  const buf = (id: number) => `b${id}`;
  for (const item of plan.items) {
    if (item.kind === 'node') {
      const n = item.node;
      const inline = n.op.kind === 'matmul' ? inlineMatmul(n, dims, buf) : null;
      if (inline) lines.push(inline);
      else if (g.kernels[n.id]) lines.push(`KC(K, ${n.id});`);
    } else lines.push(...fusedLoop(item.group, item.dims, dims, buf, plan));
  }
  const src = `"use strict";\n${runFunction(lines)}`;
  return factoryFor(src)(g.buffers, g.kernels, HELPERS, matmul, callKernel);
}

/** One loop computing a group of element-wise nodes of output dims D. */
function fusedLoop(
  group: IRNode[],
  D: number[],
  dims: (id: number) => number[],
  buf: (id: number) => string,
  sched: Schedule,
): string[] {
  // Operands: registers (computed in this group), hoisted scalars, full buffers read at i, or
  // broadcast buffers read at their own offsets within the loop nest.
  const { inGroup, hoisted: scalars, broadcast, plan, total } = groupOperands(group, D, dims);
  const hoisted = new Map(scalars.map((id) => [id, `s${id}`]));
  const pre = scalars.map((id) => `const s${id} = ${buf(id)}[0];`);
  const offsetOf = new Map<number, string>();
  broadcast.forEach((id, k) => {
    const st = plan.strides[k + 1]!;
    const terms = st.map((s, d) => (s === 0 ? null : s === 1 ? `j${d}` : `j${d} * ${s}`)).filter(Boolean);
    offsetOf.set(id, terms.join(' + ') || '0');
  });
  const operand = (id: number): string => {
    if (inGroup.has(id)) return `v${id}`;
    const h = hoisted.get(id);
    if (h) return h;
    const off = offsetOf.get(id);
    return off ? `${buf(id)}[${off}]` : `${buf(id)}[i]`;
  };
  const body: string[] = [];
  for (const m of group) {
    const op = m.op;
    let expr: string;
    if (op.kind === 'unary') {
      const x = `(${operand(m.inputs[0]!)})`;
      const def = UNARY[op.op];
      expr = def.js ? def.js(x, num(op.alpha)) : `H.${op.op}(${x}, ${num(op.alpha)})`;
    } else {
      const { op: bop } = op as { op: keyof typeof BINARY };
      expr = BINARY[bop].js(`(${operand(m.inputs[0]!)})`, `(${operand(m.inputs[1]!)})`);
    }
    body.push(`const v${m.id} = ${expr};`);
    if (sched.stored(m, inGroup)) body.push(`${buf(m.id)}[i] = v${m.id};`);
  }
  if (plan.dims.length === 1 && !broadcast.length) {
    return ['{', ...pre, `for (let i = 0; i < ${total}; i++) {`, ...body, '}', '}'];
  }
  const loops = plan.dims.map((d, k) => `for (let j${k} = 0; j${k} < ${d}; j${k}++)`);
  return ['{', ...pre, 'let i = 0;', `${loops.join(' ')} {`, ...body, 'i++;', '}', '}'];
}
