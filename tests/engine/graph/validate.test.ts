import { describe, expect, it } from 'vitest';
import { parseGraph, type GraphDoc } from '../../../src-engine/graph/document.ts';
import { analyzeGraph, connectionProblem } from '../../../src-engine/graph/validate.ts';
import { chainGraph } from '../../../src-engine/train/templates.ts';

const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({
  id,
  type,
  params,
  position: { x: 0, y: 0 },
});
function graph(nodes: unknown[], edges: [string, string][]): GraphDoc {
  const r = parseGraph({
    format: 'netwright-graph',
    version: 1,
    nodes,
    edges: edges.map(([source, target]) => ({ source, target })),
  });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.graph;
}

describe('graph analysis', () => {
  it('counts 11,935 parameters for 784-15-10 with biases', () => {
    const g = chainGraph(784, [{ units: 15, activation: 'sigmoid' }], {
      units: 10,
      activation: 'softmax',
      loss: 'cce',
    });
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(a.totalParams).toBe(11935);
    expect(a.info.hidden!.params).toBe(784 * 15 + 15);
    expect(a.info.output!.outputSize).toBe(10);
  });

  it('refuses a perceptron-rule output behind a layer with weights, and only then', () => {
    const deep = analyzeGraph(
      chainGraph(2, [{ units: 3, activation: 'relu' }], { units: 1, activation: 'step', loss: 'perceptron' }),
    );
    expect(deep.ok).toBe(false);
    expect(deep.problems.map((p) => p.message)).toContain(
      "The perceptron rule trains a single layer, but Dense 'hidden' also has weights: connect the Input straight to the Output, or use another loss (binary cross-entropy with sigmoid) to train hidden layers.",
    );
    const single = analyzeGraph(chainGraph(2, [], { units: 1, activation: 'step', loss: 'perceptron' }));
    expect(single.ok).toBe(true);
  });

  it('reports cycles, unconnected nodes and missing input/output with node ids', () => {
    const g = graph(
      [node('a', 'Dense'), node('b', 'Dense'), node('lonely', 'Activation')],
      [
        ['a', 'b'],
        ['b', 'a'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.ok).toBe(false);
    const msgs = a.problems.map((p) => p.message).join('\n');
    expect(msgs).toMatch(/no Input layer/);
    expect(msgs).toMatch(/no Output layer/);
    expect(msgs).toMatch(/cycle through Dense 'a', Dense 'b'/);
    expect(a.problems.find((p) => p.message.includes('cycle'))!.nodeIds).toEqual(['a', 'b']);
    expect(a.problems.some((p) => p.nodeIds.includes('lonely') && /no input/.test(p.message))).toBe(true);
  });

  it('refuses Add of mismatched sizes and names both sides', () => {
    const g = graph(
      [
        node('in', 'Input', { features: 4 }),
        node('d1', 'Dense', { units: 3 }),
        node('d2', 'Dense', { units: 5 }),
        node('sum', 'Add'),
        node('out', 'Output', { units: 1 }),
      ],
      [
        ['in', 'd1'],
        ['in', 'd2'],
        ['d1', 'sum'],
        ['d2', 'sum'],
        ['sum', 'out'],
      ],
    );
    const p = analyzeGraph(g).problems.find((x) => x.nodeIds[0] === 'sum')!;
    expect(p.message).toMatch(/Add 'sum' adds inputs of different sizes \(Dense 'd1' gives 3, Dense 'd2' gives 5\)/);
  });

  it('accepts a DAG with Concatenate and infers its size', () => {
    const g = graph(
      [
        node('in', 'Input', { features: 4 }),
        node('d1', 'Dense', { units: 3 }),
        node('d2', 'Dense', { units: 5 }),
        node('cat', 'Concatenate'),
        node('out', 'Output', { units: 1 }),
      ],
      [
        ['in', 'd1'],
        ['in', 'd2'],
        ['d1', 'cat'],
        ['d2', 'cat'],
        ['cat', 'out'],
      ],
    );
    const a = analyzeGraph(g);
    expect(a.ok).toBe(true);
    expect(a.info.cat!.outputSize).toBe(8);
    expect(a.totalParams).toBe(4 * 3 + 3 + 4 * 5 + 5 + 8 + 1);
  });

  it('flags categorical cross-entropy without softmax', () => {
    const g = chainGraph(2, [], { units: 3, activation: 'sigmoid', loss: 'cce' });
    const p = analyzeGraph(g).problems;
    expect(
      p.some(
        (x) =>
          x.nodeIds[0] === 'output' &&
          /Categorical cross-entropy needs a softmax activation \(it is 'sigmoid'\)/.test(x.message),
      ),
    ).toBe(true);
  });

  it('names node and field for bad parameters', () => {
    const g = graph([node('in', 'Input', { features: 0 }), node('out', 'Output', { units: 1.5 })], [['in', 'out']]);
    const p = analyzeGraph(g).problems;
    expect(p.find((x) => x.field === 'features')!.message).toBe(
      "Input 'in': Features must be between 1 and 1000000 (got 0).",
    );
    expect(p.find((x) => x.field === 'units')!.message).toMatch(/Output 'out': Units must be a whole number/);
  });

  it('explains why a connection is refused', () => {
    const g = chainGraph(2, [{ units: 3, activation: 'relu' }], { units: 1, activation: 'sigmoid', loss: 'bce' });
    expect(connectionProblem(g, 'hidden', 'input')).toMatch(/takes no inputs/);
    expect(connectionProblem(g, 'output', 'hidden')).toMatch(/network's output/);
    expect(connectionProblem(g, 'input', 'hidden')).toMatch(/already connected/);
  });

  it('reports schema errors with the node id and field', () => {
    const r = parseGraph({
      format: 'netwright-graph',
      version: 1,
      nodes: [{ id: 'x', type: 'Conv9D', params: {}, position: { x: 0, y: 0 } }],
      edges: [],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/^node 'x' field 'type'/);
    const newer = parseGraph({ format: 'netwright-graph', version: 99, nodes: [], edges: [] });
    expect(newer.ok).toBe(false);
    if (!newer.ok) expect(newer.problems[0]!.message).toMatch(/newer Netwright/);
  });
});
