/**
 * Features: TensorFlow Playground's input features for any number of inputs. From x1 … xn it
 * computes the checked groups, in this order: the inputs themselves, their squares xi², the pairwise
 * products xi·xj (i < j), and their sines sin xi. With two inputs these are Playground's seven: x1,
 * x2, x1², x2², x1·x2, sin x1, sin x2. It has no parameters.
 */
import { BINARY, UNARY } from '../backprop/ops/elementwise.ts';
import type { GraphNode } from '../graph/document.ts';
import type { LayerDef, ParamSpec } from './layer.ts';
import { describe, shapeText } from './params.ts';

/** The most features the layer may give (pairwise products grow with the square of the inputs). */
export const MAX_FEATURES = 4096;

const group = (name: string, label: string, def: boolean, description: string): ParamSpec => ({
  name,
  label,
  type: 'bool',
  default: def,
  description,
});

/** How many features each checked group gives for n inputs. */
export function featureCounts(
  params: GraphNode['params'],
  n: number,
): Record<'identity' | 'squares' | 'products' | 'sines', number> {
  return {
    identity: params.identity ? n : 0,
    squares: params.squares ? n : 0,
    products: params.products ? (n * (n - 1)) / 2 : 0,
    sines: params.sines ? n : 0,
  };
}

/** The names of the output features for inputs named x1 … xn (as Playground labels them). */
export function featureNames(params: GraphNode['params'], n: number): string[] {
  const x = Array.from({ length: n }, (_, i) => `x${i + 1}`);
  const pairs = x.flatMap((a, i) => x.slice(i + 1).map((b) => `${a}·${b}`));
  return [
    ...(params.identity ? x : []),
    ...(params.squares ? x.map((a) => `${a}²`) : []),
    ...(params.products ? pairs : []),
    ...(params.sines ? x.map((a) => `sin ${a}`) : []),
  ];
}

export const features: LayerDef = {
  spec: {
    name: 'Features',
    category: 'inputs',
    description: "TensorFlow Playground's input features: x, x², xi·xj and sin x of the inputs, as checked.",
    params: [
      group('identity', 'x', true, 'The inputs themselves (x1, x2, …).'),
      group('squares', 'x²', false, 'Each input squared (x1², x2², …).'),
      group('products', 'xi·xj', false, 'The product of each pair of inputs (x1·x2, …).'),
      group('sines', 'sin x', false, 'The sine of each input (sin x1, sin x2, …).'),
    ],
    inputs: { min: 1, max: 1 },
    hasOutput: true,
  },
  summary: (p) => {
    const names = featureNames(p, 2);
    return names.length === 0 ? 'no features' : names.join(', ');
  },
  outputShape(node, [s]) {
    if (s!.length !== 1)
      return {
        problem: `${describe(node)} computes features of a flat vector of inputs but receives ${shapeText(s!)} values per sample: insert a Flatten layer before it.`,
      };
    const n = s![0]!;
    const total = Object.values(featureCounts(node.params, n)).reduce((a, b) => a + b, 0);
    if (total === 0)
      return { problem: `${describe(node)} has no feature checked: check at least one of x, x², xi·xj and sin x.` };
    if (total > MAX_FEATURES)
      return {
        problem: `${describe(node)} would give ${total.toLocaleString('en-US')} features from ${n} inputs, over the limit of ${MAX_FEATURES.toLocaleString('en-US')}: uncheck xi·xj (pairwise products) or use fewer inputs.`,
      };
    return { shape: [total] };
  },
  build({ p }, node, [x], [s]) {
    const n = s![0]!;
    const parts: number[] = [];
    if (node.params.identity) parts.push(x!);
    if (node.params.squares) parts.push(p.square(x!));
    // xi times every later input at once: [B, 1] · [B, n - i - 1] broadcasts.
    if (node.params.products)
      for (let i = 0; i + 1 < n; i++) parts.push(p.mul(p.slice(x!, i, i + 1), p.slice(x!, i + 1, n)));
    if (node.params.sines) parts.push(p.unary('sin', x!));
    return { out: parts.length === 1 ? parts[0]! : p.concat(parts) };
  },
  torch: {
    forward(node, [src], _t, [s]) {
      const n = s![0]!;
      const parts: string[] = [];
      if (node.params.identity) parts.push(src!);
      if (node.params.squares) parts.push(UNARY.square.torch(src!, '0.0'));
      if (node.params.products)
        for (let i = 0; i + 1 < n; i++)
          parts.push(BINARY.mul.torch(`${src}[:, ${i}:${i + 1}]`, `${src}[:, ${i + 1}:]`));
      if (node.params.sines) parts.push(UNARY.sin.torch(src!, '0.0'));
      return parts.length === 1 ? parts[0]! : `torch.cat([${parts.join(', ')}], dim=1)`;
    },
  },
};
