/**
 * The learning lab's step-through: one traced training step (the engine's StepTrace) cut into the
 * phases a learner walks through — the forward pass layer by layer, the loss, the backward pass
 * layer by layer, then the optimizer's update of each parameter — and, for the phase on screen, its
 * formula written out with the numbers of one chosen element. Pure functions, no Svelte.
 */
import type { GraphDoc, StepTrace, TrainConfig } from '../../../../src-engine/protocol/api.ts';

type TracedNode = StepTrace['nodes'][number];
type TracedParam = StepTrace['params'][string];
export type TracedTensor = TracedNode['output'];

export type Phase =
  | { kind: 'forward'; node: string }
  | { kind: 'loss' }
  | { kind: 'backward'; node: string }
  | { kind: 'update'; param: string };

export const PHASE_TITLES: Record<Phase['kind'], string> = {
  forward: 'Forward',
  loss: 'Loss',
  backward: 'Backward',
  update: 'Update',
};

/** Every phase of a step, in the order training does them. */
export function phasesOf(trace: StepTrace): Phase[] {
  return [
    ...trace.nodes.map((n): Phase => ({ kind: 'forward', node: n.id })),
    { kind: 'loss' },
    ...trace.nodes
      .filter((n) => n.grad || n.preGrad)
      .reverse()
      .map((n): Phase => ({ kind: 'backward', node: n.id })),
    ...Object.keys(trace.params).map((p): Phase => ({ kind: 'update', param: p })),
  ];
}

/** The graph node a phase is about (updates: the layer owning the parameter), for the canvas. */
export function phaseNode(p: Phase): string | null {
  if (p.kind === 'forward' || p.kind === 'backward') return p.node;
  if (p.kind === 'update') return p.param.slice(0, p.param.lastIndexOf('.'));
  return null;
}

export function phaseLabel(p: Phase): string {
  if (p.kind === 'loss') return 'Loss';
  if (p.kind === 'update') return `Update ${p.param}`;
  return `${PHASE_TITLES[p.kind]} ${p.node}`;
}

/** The tensor a phase shows: a layer's output, its gradient, or a parameter's new value. */
export function phaseTensor(trace: StepTrace, p: Phase): { title: string; tensor: TracedTensor } | null {
  if (p.kind === 'forward') {
    const n = trace.nodes.find((x) => x.id === p.node);
    return n ? { title: `${p.node} output`, tensor: n.output } : null;
  }
  if (p.kind === 'backward') {
    const n = trace.nodes.find((x) => x.id === p.node);
    if (n?.grad) return { title: `∂L/∂${p.node}`, tensor: n.grad };
    return n?.preGrad ? { title: `∂L/∂z of ${p.node} (before its activation)`, tensor: n.preGrad } : null;
  }
  if (p.kind === 'update') {
    const w = trace.params[p.param];
    return w ? { title: `${p.param}: gradient`, tensor: { shape: w.shape, values: w.grad } } : null;
  }
  const out = trace.nodes.at(-1);
  return out ? { title: `${out.id} output (prediction)`, tensor: out.output } : null;
}

/** A number as the formulas write it: four significant digits, exponent for the very small or large. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e5 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** One line of a formula: the symbols, then the same with numbers, then the result. */
export interface FormulaLine {
  symbols: string;
  numbers: string;
  result: string;
  /** Where the line computes its result from the numbers shown: that result and the engine's. */
  check?: { formula: number; engine: number };
}

/** A formula's result agrees with the engine's (float32 arithmetic, so relative 1e-4). */
export function agrees(c: { formula: number; engine: number }): boolean {
  return Math.abs(c.formula - c.engine) <= 1e-4 * Math.max(1e-3, Math.abs(c.engine));
}

const ACT_TEXT: Record<string, (z: string) => string> = {
  linear: (z) => z,
  relu: (z) => `max(0, ${z})`,
  sigmoid: (z) => `1 / (1 + e^(−${z}))`,
  tanh: (z) => `tanh(${z})`,
};
const ACT_DERIV: Record<string, (y: string, z: string) => string> = {
  linear: () => '1',
  relu: (_y, z) => `[${z} > 0]`,
  sigmoid: (y) => `${y}·(1 − ${y})`,
  tanh: (y) => `1 − ${y}²`,
};

const DERIV_VALUE: Record<string, (y: number, z: number) => number> = {
  linear: () => 1,
  relu: (_y, z) => (z > 0 ? 1 : 0),
  sigmoid: (y) => y * (1 - y),
  tanh: (y) => 1 - y * y,
};

/** Row and column of element `i` of a tensor shaped [rows, ...rest] (row-major). */
function rowCol(t: { shape: number[] }, i: number): [number, number] {
  const cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return [Math.floor(i / cols), i % cols];
}

/**
 * The formula of a phase for one element (`index` into the tensor phaseTensor shows), with its
 * numbers: a Dense layer's weighted sum and activation, the activation's derivative on the way
 * back, the optimizer's rule with its state.
 */
export function formulaOf(
  trace: StepTrace,
  graph: GraphDoc,
  config: TrainConfig,
  p: Phase,
  index: number,
): FormulaLine[] {
  const byId = new Map(trace.nodes.map((n) => [n.id, n]));
  const nodeOf = (id: string) => graph.nodes.find((n) => n.id === id);
  if (p.kind === 'forward') {
    const n = byId.get(p.node);
    const g = nodeOf(p.node);
    if (!n || !g) return [];
    const i = Math.min(index, n.output.values.length - 1);
    const [r, c] = rowCol(n.output, i);
    const y = n.output.values[i]!;
    const W = trace.params[`${p.node}.W`];
    const src = graph.edges.find((e) => e.target === p.node)?.source;
    const x = src ? byId.get(src) : undefined;
    if (n.type === 'Input') return [{ symbols: `x[${r},${c}]`, numbers: 'the data', result: num(y) }];
    // A weighted sum for Dense and Output layers (a convolution's W holds filters, not a matrix of units).
    if (W && x && (n.type === 'Dense' || n.type === 'Output')) {
      const fanIn = W.shape[0]!;
      const units = W.shape[1]!;
      const b = trace.params[`${p.node}.b`];
      const terms: string[] = [];
      let z = b ? b.value[c]! : 0;
      for (let k = 0; k < fanIn; k++) {
        const xv = x.output.values[r * fanIn + k]!;
        const wv = W.value[k * units + c]!;
        z += xv * wv;
        if (k < 6) terms.push(`${num(xv)}·${num(wv)}`);
      }
      if (fanIn > 6) terms.push(`… (${fanIn - 6} more)`);
      const act = String(g.params.activation ?? 'linear');
      const zEngine = n.pre ? n.pre.values[i]! : y;
      const lines: FormulaLine[] = [
        {
          symbols: `z[${r},${c}] = Σₖ ${src}[${r},k]·W[k,${c}]${b ? ` + b[${c}]` : ''}`,
          numbers: terms.join(' + ') + (b ? ` + ${num(b.value[c]!)}` : ''),
          result: num(z),
          ...(act === 'linear' || n.pre ? { check: { formula: z, engine: zEngine } } : {}),
        },
      ];
      if (act !== 'linear' || n.pre)
        lines.push({
          symbols: `${p.node}[${r},${c}] = ${(ACT_TEXT[act] ?? ((s: string) => `${act}(${s})`))('z')}`,
          numbers: (ACT_TEXT[act] ?? ((s: string) => `${act}(${s})`))(num(zEngine)),
          result: num(y),
        });
      return lines;
    }
    const inputs = graph.edges.filter((e) => e.target === p.node).map((e) => e.source);
    return [{ symbols: `${p.node}[${r},${c}] = ${n.type}(${inputs.join(', ')})`, numbers: '', result: num(y) }];
  }
  if (p.kind === 'loss') {
    const out = trace.nodes.at(-1);
    const g = out && nodeOf(out.id);
    const loss = String(g?.params.loss ?? 'loss');
    const lines: FormulaLine[] = [
      {
        symbols: `L = mean over ${trace.rows} rows of ${loss}(prediction, target)`,
        numbers: '',
        result: num(trace.loss),
      },
    ];
    if (out) {
      const k = Math.min(index, out.output.values.length - 1);
      const [r, c] = rowCol(out.output, k);
      lines.push({
        symbols: `prediction[${r},${c}], target[${r},${c}]`,
        numbers: `${num(out.output.values[k]!)}, ${num(trace.y.values[k] ?? NaN)}`,
        result: '',
      });
    }
    if (trace.objective !== trace.loss)
      lines.push({ symbols: 'L + penalties (L1/L2), the loss minimised', numbers: '', result: num(trace.objective) });
    return lines;
  }
  if (p.kind === 'backward') {
    const n = byId.get(p.node);
    const g = nodeOf(p.node);
    if (!g || !(n?.grad || n?.preGrad)) return [];
    const t = (n.grad ?? n.preGrad)!;
    const i = Math.min(index, t.values.length - 1);
    const [r, c] = rowCol(t, i);
    const lines: FormulaLine[] = [];
    if (!n.grad && n.preGrad) {
      const target = trace.y.values[i];
      const act = String(g.params.activation ?? 'linear');
      const fused = act === 'sigmoid' || act === 'softmax';
      lines.push({
        symbols: fused
          ? `∂L/∂z[${r},${c}] = (prediction − target) / rows (the loss reads z: ${act} and its loss fused)`
          : `∂L/∂z[${r},${c}] (the loss reads z directly)`,
        numbers: fused && target !== undefined ? `(${num(n.output.values[i]!)} − ${num(target)}) / ${trace.rows}` : '',
        result: num(n.preGrad.values[i]!),
        ...(fused && target !== undefined
          ? { check: { formula: (n.output.values[i]! - target) / trace.rows, engine: n.preGrad.values[i]! } }
          : {}),
      });
    } else if (n.grad)
      lines.push({
        symbols: `∂L/∂${p.node}[${r},${c}]`,
        numbers: 'from the layers after it',
        result: num(n.grad.values[i]!),
      });
    if (n.grad && n.pre && n.preGrad && (n.type === 'Softmax' || g.params.activation === 'softmax')) {
      // Softmax mixes a row: ∂L/∂z_c = y_c·(∂L/∂y_c − Σₖ ∂L/∂y_k·y_k).
      const cols = t.values.length / Math.max(1, t.shape[0]!);
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += n.grad.values[r * cols + k]! * n.output.values[r * cols + k]!;
      const y = n.output.values[i]!;
      lines.push({
        symbols: `∂L/∂z[${r},${c}] = y[${r},${c}]·(∂L/∂${p.node}[${r},${c}] − Σₖ ∂L/∂${p.node}[${r},k]·y[${r},k])`,
        numbers: `${num(y)}·(${num(n.grad.values[i]!)} − ${num(dot)})`,
        result: num(n.preGrad.values[i]!),
        check: { formula: y * (n.grad.values[i]! - dot), engine: n.preGrad.values[i]! },
      });
    } else if (n.grad && n.pre && n.preGrad) {
      const act = String(g.params.activation ?? 'linear');
      const d = (ACT_DERIV[act] ?? ((y: string) => `${act}′(${y})`))('y', 'z');
      const y = n.output.values[i]!;
      const z = n.pre.values[i]!;
      const deriv = DERIV_VALUE[act]?.(y, z);
      lines.push({
        ...(deriv === undefined ? {} : { check: { formula: n.grad.values[i]! * deriv, engine: n.preGrad.values[i]! } }),
        symbols: `∂L/∂z[${r},${c}] = ∂L/∂${p.node} · ${d}`,
        numbers: `${num(n.grad!.values[i]!)} · ${(ACT_DERIV[act] ?? ((yy: string) => `${act}′(${yy})`))(num(y), num(z))}`,
        result: num(n.preGrad.values[i]!),
      });
    }
    const W = trace.params[`${p.node}.W`];
    if (W && n.preGrad) {
      const src = graph.edges.find((e) => e.target === p.node)?.source;
      lines.push({
        symbols: `∂L/∂W = ${src}ᵀ · ∂L/∂z, ∂L/∂b = Σ rows ∂L/∂z`,
        numbers: `rows: ${trace.rows}`,
        result: `‖∂L/∂W‖ = ${num(Math.hypot(...W.grad))}`,
      });
    }
    return lines;
  }
  return updateFormula(trace, config, p.param, index);
}

function updateFormula(trace: StepTrace, config: TrainConfig, name: string, index: number): FormulaLine[] {
  const w: TracedParam | undefined = trace.params[name];
  if (!w) return [];
  const i = Math.min(index, w.value.length - 1);
  const old = w.value[i]!;
  const g = w.grad[i]!;
  const next = w.next[i]!;
  const o = trace.optimizer;
  const lr = o.lr;
  const at = `[${i}]`;
  const lines: FormulaLine[] = [{ symbols: `w${at}, g${at} = ∂L/∂w`, numbers: `${num(old)}, ${num(g)}`, result: '' }];
  const st = (k: string) => w.state[k];
  if ((o.name === 'adam' || o.name === 'adamw') && st('m') && st('v') && o.biasCorrection) {
    const { beta1, beta2, eps } = config.optimizer;
    const m = st('m')!;
    const v = st('v')!;
    const m1 = beta1 * m.value[i]! + (1 - beta1) * g;
    const v1 = beta2 * v.value[i]! + (1 - beta2) * g * g;
    const mHat = m1 / o.biasCorrection.m;
    const vHat = v1 / o.biasCorrection.v;
    const w1 =
      old - (lr * mHat) / (Math.sqrt(vHat) + eps) - (o.name === 'adamw' ? lr * config.optimizer.weightDecay * old : 0);
    lines.push(
      {
        symbols: `m′ = β₁·m + (1 − β₁)·g`,
        numbers: `${num(beta1)}·${num(m.value[i]!)} + ${num(1 - beta1)}·${num(g)}`,
        result: num(m1),
        check: { formula: m1, engine: m.next[i]! },
      },
      {
        symbols: `v′ = β₂·v + (1 − β₂)·g²`,
        numbers: `${num(beta2)}·${num(v.value[i]!)} + ${num(1 - beta2)}·${num(g)}²`,
        result: num(v1),
        check: { formula: v1, engine: v.next[i]! },
      },
      {
        symbols: `m̂ = m′ / (1 − β₁^t), v̂ = v′ / (1 − β₂^t), t = ${o.t}`,
        numbers: `${num(m1)} / ${num(o.biasCorrection.m)}, ${num(v1)} / ${num(o.biasCorrection.v)}`,
        result: `${num(mHat)}, ${num(vHat)}`,
      },
      {
        symbols: `w′ = w − lr·m̂ / (√v̂ + ε)${o.name === 'adamw' ? ' − lr·λ·w' : ''}`,
        numbers: `${num(old)} − ${num(lr)}·${num(mHat)} / (${num(Math.sqrt(vHat))} + ${num(eps)})${o.name === 'adamw' ? ` − ${num(lr)}·${num(config.optimizer.weightDecay)}·${num(old)}` : ''}`,
        result: num(w1),
        check: { formula: w1, engine: next },
      },
    );
    return lines;
  }
  const states = Object.keys(w.state);
  if (states.length === 0) {
    const w1 = old - lr * g;
    lines.push({
      symbols: 'w′ = w − lr·g',
      numbers: `${num(old)} − ${num(lr)}·${num(g)}`,
      result: num(w1),
      check: { formula: w1, engine: next },
    });
    return lines;
  }
  for (const k of states)
    lines.push({
      symbols: `${k}′ (${o.name})`,
      numbers: `${k} = ${num(w.state[k]!.value[i]!)}`,
      result: num(w.state[k]!.next[i]!),
    });
  lines.push({ symbols: `w′ (${o.name}, lr ${num(lr)})`, numbers: `${num(old)} → `, result: num(next) });
  return lines;
}

/** The phase index for a canvas node: its forward phase, or its backward one while walking back. */
export function phaseForNode(phases: readonly Phase[], node: string, current: Phase | undefined): number {
  const want = current?.kind === 'backward' || current?.kind === 'update' ? 'backward' : 'forward';
  const i = phases.findIndex((p) => p.kind === want && p.node === node);
  return i >= 0 ? i : phases.findIndex((p) => phaseNode(p) === node);
}

/** Colour of a value on a diverging blue–white–red scale, scaled by the largest magnitude. */
export function heatColor(v: number, maxAbs: number): string {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0;
  const a = Math.abs(t);
  const [r, g, b] = t >= 0 ? [220, 60, 50] : [50, 100, 220];
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

/** A tensor as rows × columns for a heatmap (per-sample dims flattened), at most `maxRows` rows shown. */
export function asMatrix(t: TracedTensor, maxRows = 16, maxCols = 32): { rows: number[][]; more: string | null } {
  const nRows = t.shape[0] ?? 1;
  const nCols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const rows: number[][] = [];
  for (let r = 0; r < Math.min(nRows, maxRows); r++)
    rows.push(t.values.slice(r * nCols, r * nCols + Math.min(nCols, maxCols)));
  const hidden: string[] = [];
  if (nRows > maxRows) hidden.push(`${nRows - maxRows} more rows`);
  if (nCols > maxCols) hidden.push(`${nCols - maxCols} more columns`);
  return { rows, more: hidden.length ? hidden.join(', ') : null };
}
