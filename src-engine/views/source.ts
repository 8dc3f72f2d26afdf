/**
 * What every view needs from a trained model: its forward program, a batched runner that returns any
 * intermediate values, and the current weights. `TsBackend` already satisfies `ViewSource`; for other
 * backends (ONNX Runtime, the perceptron rule) `ForwardEvaluator` runs the forward pass over a copy of
 * their weights. Also the small structural questions the views ask of the program (which Dense layer
 * reads this value? what feeds that layer?), answered from the IR so no graph document is needed.
 */
import { Executable } from '../backprop/interpreter.ts';
import { compiled, type CompiledModel, type ForwardModel } from '../model/compile.ts';
import type { ActivationName } from '../graph/catalog.ts';
import type { GraphDoc } from '../graph/document.ts';
import type { WeightSet } from '../tensor/weights.ts';
import { toTargetUnits, type TargetScale } from '../data/target-scale.ts';
import { allocate, sizeOf, type FloatArray } from '../tensor/tensor.ts';

/** A view was asked for something the model or data cannot give; the message says what and why. */
export class ViewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewError';
  }
}

/** The model interface the views use (TsBackend and ForwardEvaluator implement it). */
export interface ViewSource {
  readonly forward: ForwardModel;
  /**
   * Forward pass on n rows of x; one row-major copy per requested value id. `inputs` feeds other
   * program inputs with a batch dimension (n rows of each), e.g. a class selector for saliency.
   */
  runForward(x: Float32Array, n: number, values: number[], inputs?: Record<string, Float32Array>): FloatArray[];
  /** A copy of the current weights. */
  getWeights(): WeightSet;
  /** Regression: the output (and its logits) are reported as `mean + std * value` (see `inTargetUnits`). */
  readonly targetScale?: TargetScale | null;
}

/**
 * A source whose output values (`pred` and `logits`) are in the target's own units: the views of a
 * model trained on standardised targets show raw values (./regression.ts rescales the contributions).
 */
export function inTargetUnits(src: ViewSource, scale: TargetScale | null | undefined): ViewSource {
  if (!scale || src.targetScale) return src;
  const { pred, logits } = src.forward;
  return {
    forward: src.forward,
    targetScale: scale,
    getWeights: () => src.getWeights(),
    runForward(x, n, values) {
      const outs = src.runForward(x, n, values);
      return outs.map((o, k) => (values[k] === pred || values[k] === logits ? toTargetUnits(o, scale) : o));
    },
  };
}

const CHUNK = 1024;

/** A forward-only evaluator over given weights, with compiled executables cached per request. */
export class ForwardEvaluator implements ViewSource {
  readonly forward: ForwardModel;
  private readonly bound = new Map<string, Float32Array>();
  private readonly execs = new Map<string, Executable>();

  constructor(graph: GraphDoc | CompiledModel, weights: WeightSet) {
    this.forward = compiled(graph).forward;
    for (const d of this.forward.params) this.bound.set(d.name, new Float32Array(sizeOf(d.shape)));
    this.setWeights(weights);
  }

  /** Copy `weights` in (every parameter must be present with the right size). */
  setWeights(weights: WeightSet): void {
    for (const d of this.forward.params) {
      const w = weights.get(d.name);
      const buf = this.bound.get(d.name)!;
      if (!w) throw new ViewError(`No weights for parameter '${d.name}' of layer '${d.nodeId}'.`);
      if (w.data.length !== buf.length)
        throw new ViewError(
          `Weights for '${d.name}' have ${w.data.length} values; layer '${d.nodeId}' needs ${d.shape.join(' × ')}.`,
        );
      buf.set(w.data);
    }
  }

  getWeights(): WeightSet {
    const out: WeightSet = new Map();
    for (const d of this.forward.params) out.set(d.name, { shape: d.shape, data: this.bound.get(d.name)!.slice() });
    return out;
  }

  private exec(rows: number, values: number[]): Executable {
    const key = `${rows}:${values.join(',')}`;
    let e = this.execs.get(key);
    if (!e) {
      e = new Executable(this.forward.program, values, { batch: rows, bindings: this.bound });
      if (this.execs.size > 8) this.execs.clear();
      this.execs.set(key, e);
    }
    return e;
  }

  runForward(x: Float32Array, n: number, values: number[], inputs: Record<string, Float32Array> = {}): FloatArray[] {
    const F = this.forward.features;
    if (x.length < n * F)
      throw new ViewError(`runForward: ${n} rows of ${F} features need ${n * F} values; got ${x.length}.`);
    const outs = values.map((v) => allocate('float32', n * this.forward.program.width(v)));
    for (let start = 0; start < n; start += CHUNK) {
      const rows = Math.min(CHUNK, n - start);
      const e = this.exec(rows, values);
      e.input('x').set(x.subarray(start * F, (start + rows) * F));
      feedRows(e, this.forward.program, inputs, start, rows);
      e.run();
      for (let k = 0; k < values.length; k++) {
        const val = e.value(values[k]!);
        outs[k]!.set(val, start * (val.length / rows));
      }
    }
    return outs;
  }
}

/** Rows [start, start + rows) of extra batch inputs into an executable. */
export function feedRows(
  e: Executable,
  p: ForwardModel['program'],
  inputs: Record<string, Float32Array>,
  start: number,
  rows: number,
): void {
  for (const [name, data] of Object.entries(inputs)) {
    const id = p.inputsByName.get(name);
    if (id === undefined) throw new ViewError(`The program has no input '${name}'.`);
    const width = p.width(id);
    e.input(name).set(data.subarray(start * width, (start + rows) * width));
  }
}

/** A Dense-like layer (Dense or Output) found in the program: its node id and parameter names. */
export interface DenseLayerRef {
  nodeId: string;
  /** Value id of the matmul's left operand (the layer's input activations). */
  input: number;
  weight: string;
  bias: string | null;
  /** Rows (inputs) and columns (units) of the weight matrix. */
  inSize: number;
  units: number;
  activation: ActivationName | 'unknown';
}

/** Every Dense or Output layer of the forward program, with the value it reads. */
export function denseLayers(fwd: ForwardModel): DenseLayerRef[] {
  const nodes = fwd.program.nodes;
  const out: DenseLayerRef[] = [];
  for (const w of fwd.params) {
    if (w.kind !== 'W') continue;
    const mm = nodes.find((n) => n.op.kind === 'matmul' && n.inputs[1] === w.input);
    if (!mm) continue;
    const b = fwd.params.find((p) => p.kind === 'b' && p.nodeId === w.nodeId);
    const node = w.nodeId === fwd.outputNode.id ? fwd.outputNode : undefined;
    out.push({
      nodeId: w.nodeId,
      input: mm.inputs[0]!,
      weight: w.name,
      bias: b ? b.name : null,
      inSize: w.shape[0],
      units: w.shape[1],
      activation: node ? (node.params.activation as ActivationName) : activationOf(fwd, w.nodeId),
    });
  }
  return out;
}

/** The activation of a Dense node, read back from the IR op that follows its pre-activation value. */
function activationOf(fwd: ForwardModel, nodeId: string): ActivationName | 'unknown' {
  const pre = fwd.preValues.get(nodeId);
  const post = fwd.values.get(nodeId);
  if (pre === undefined || post === undefined) return 'unknown';
  if (pre === post) return 'linear';
  const op = fwd.program.nodes[post]!.op;
  if (op.kind === 'unary') return op.op as ActivationName;
  if (op.kind === 'softmax') return 'softmax';
  if (op.kind === 'binary' && op.op === 'mul') return 'silu';
  return 'unknown';
}

/** The Dense/Output layer that reads graph node `nodeId`'s output directly, if exactly one does. */
export function denseConsumer(fwd: ForwardModel, nodeId: string): DenseLayerRef | null {
  const v = fwd.values.get(nodeId);
  if (v === undefined) return null;
  const readers = denseLayers(fwd).filter((d) => d.input === v);
  return readers.length === 1 ? readers[0]! : null;
}

/** Where a single-output classifier switches class on its output (its decision rule's threshold). */
export function thresholdOf(fwd: ForwardModel): number {
  return fwd.decision.kind === 'threshold' ? fwd.decision.at : 0.5;
}

/** Column means of a row-major matrix (used to hold the other features at their means). */
export function columnMeans(x: Float32Array, rows: number, cols: number): Float64Array {
  const m = new Float64Array(cols);
  for (let r = 0, o = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[c] += x[o++]!;
  for (let c = 0; c < cols; c++) m[c] /= Math.max(1, rows);
  return m;
}
