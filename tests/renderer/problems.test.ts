/** What stops training, found before Train: Input size, Output and loss versus the target, missing values, one class. */
import { describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc } from '../../src-engine/graph/document.ts';
import { addEdge, addNode, setParam } from '../../renderer/src/lib/graph-edits.ts';
import { dataProblems, usedColumns, type DataFacts } from '../../renderer/src/lib/problems.ts';
import type { DataShape } from '../../src-engine/protocol/api.ts';

/** Input(features) → Dense(4) → Output(units, activation, loss). */
function net(features: number, units: number, activation: string, loss: string): GraphDoc {
  let g: GraphDoc = { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: [], edges: [] };
  g = addNode(g, 'Input', { x: 0, y: 0 }).graph;
  g = addNode(g, 'Dense', { x: 300, y: 0 }).graph;
  g = addNode(g, 'Output', { x: 600, y: 0 }).graph;
  g = addEdge(addEdge(g, 'input1', 'dense1'), 'dense1', 'output1');
  g = setParam(g, 'input1', 'features', features);
  g = setParam(g, 'output1', 'units', units);
  g = setParam(g, 'output1', 'activation', activation);
  return setParam(g, 'output1', 'loss', loss);
}

const shape = (s: Partial<DataShape>): DataShape =>
  ({
    features: 3,
    targets: 1,
    task: 'binary',
    classNames: ['0', '1'],
    rows: 100,
    summary: '',
    sampleShape: null,
    ...s,
  }) as DataShape;
const facts = (s: Partial<DataShape>, more: Partial<DataFacts> = {}): DataFacts => ({
  name: 'data.csv',
  shape: shape(s),
  ...more,
});

describe('problems between the network and the data', () => {
  it('finds none when they fit', () => {
    expect(dataProblems(net(3, 1, 'sigmoid', 'bce'), facts({}))).toEqual([]);
    expect(dataProblems(net(3, 1, 'sigmoid', 'sum_squares'), facts({}))).toEqual([]);
    expect(dataProblems(net(4, 3, 'softmax', 'cce'), facts({ features: 4, targets: 3, task: 'multiclass' }))).toEqual(
      [],
    );
    expect(
      dataProblems(net(1, 1, 'linear', 'mse'), facts({ features: 1, task: 'regression', classNames: null })),
    ).toEqual([]);
  });

  it('compares an image Input with the images, not its features field', () => {
    let g = net(2, 10, 'softmax', 'cce');
    g = setParam(g, 'input1', 'shape', 'image');
    g = setParam(g, 'input1', 'channels', 1);
    g = setParam(g, 'input1', 'height', 28);
    g = setParam(g, 'input1', 'width', 28);
    const digits = { features: 784, targets: 10, task: 'multiclass' as const, classNames: null };
    expect(dataProblems(g, facts({ ...digits, sampleShape: [1, 28, 28] }))).toEqual([]);
    const [p] = dataProblems(g, facts({ ...digits, features: 3072, sampleShape: [3, 32, 32] }));
    expect(p!.message).toBe("Input 'input1' takes 1×28×28 images, but data.csv has 3×32×32 images.");
    expect(p!.fix!.label).toBe('Set Input to 3×32×32');
  });

  it('says when the Input size differs from the data, with a one-click fix', () => {
    const [p, ...rest] = dataProblems(net(2, 1, 'sigmoid', 'bce'), facts({ features: 3 }));
    expect(rest).toEqual([]);
    expect(p!.message).toBe("Input 'input1' takes 2 features, but data.csv has 3 features.");
    expect(p!.nodeIds).toEqual(['input1']);
    expect(p!.fix).toEqual({
      label: 'Set Input to 3 features',
      action: { kind: 'params', changes: [{ nodeId: 'input1', name: 'features', value: 3 }] },
    });
  });

  it('says when the Output or its loss does not suit the target', () => {
    const multi = facts({ targets: 3, task: 'multiclass', classNames: ['a', 'b', 'c'] }, { target: 'species' });
    const [p] = dataProblems(net(3, 1, 'sigmoid', 'bce'), multi);
    expect(p!.message).toContain("uses binary cross-entropy, but the target 'species' has 3 classes (a, b, c)");
    expect(p!.fix!.label).toBe('Set Output to 3 softmax units with categorical cross-entropy');
    expect(p!.fix!.action).toEqual({
      kind: 'params',
      changes: [
        { nodeId: 'output1', name: 'units', value: 3 },
        { nodeId: 'output1', name: 'activation', value: 'softmax' },
        { nodeId: 'output1', name: 'loss', value: 'cce' },
      ],
    });
    const [units] = dataProblems(net(3, 2, 'softmax', 'cce'), multi);
    expect(units!.message).toBe("Output 'output1' has 2 units, but the target 'species' has 3 classes (a, b, c).");

    const regression = facts({ task: 'regression', classNames: null });
    const [r] = dataProblems(net(3, 1, 'sigmoid', 'bce'), regression);
    expect(r!.message).toContain('needs class labels, but the target of data.csv is a number to predict');
    expect(r!.fix!.label).toBe('Set Output to 1 linear unit with mean squared error');

    const [b] = dataProblems(net(3, 2, 'softmax', 'cce'), facts({}));
    expect(b!.message).toContain('that takes one sigmoid unit with binary cross-entropy');
    expect(b!.fix!.label).toBe('Set Output to 1 sigmoid unit with binary cross-entropy');
  });

  it('says when missing values are refused, and when the target has one class', () => {
    const refuse = facts(
      {},
      { missing: { policy: 'refuse', cells: 19, columns: ['Sex', 'Culmen Length (mm)'] }, target: 'y' },
    );
    const [m] = dataProblems(net(3, 1, 'sigmoid', 'bce'), refuse);
    expect(m!.message).toBe(
      'data.csv has 19 missing cells in the columns used (Sex, Culmen Length (mm)), and Missing values is set to refuse.',
    );
    expect(m!.fix).toEqual({ label: 'Drop rows with missing values', action: { kind: 'missing', policy: 'drop' } });
    const fine = { ...refuse, missing: { policy: 'drop' as const, cells: 19, columns: ['Sex'] } };
    expect(dataProblems(net(3, 1, 'sigmoid', 'bce'), fine)).toEqual([]);

    const one = facts({}, { target: 'kind', classes: [{ label: 'cat', count: 12 }] });
    const [c] = dataProblems(net(3, 1, 'sigmoid', 'bce'), one);
    expect(c!.message).toContain("The target 'kind' of data.csv has one class only ('cat')");
    expect(c!.fix!.action).toEqual({ kind: 'focus', testId: 'data-target' });
  });

  it('passes on an error the data gave that none of the checks explains, and waits for the shape', () => {
    expect(
      dataProblems(net(3, 1, 'sigmoid', 'bce'), { name: 'x.csv', shape: null, error: 'the training split is empty' }),
    ).toEqual([{ severity: 'error', area: 'data', message: 'Data: the training split is empty', nodeIds: [] }]);
    expect(dataProblems(net(9, 1, 'sigmoid', 'bce'), { name: 'x.csv', shape: null })).toEqual([]);
  });

  it('counts the columns used: the chosen features, or every non-text column, and the target', () => {
    const cols = [
      { name: 'a', type: 'numeric' },
      { name: 'note', type: 'text' },
      { name: 'b', type: 'categorical' },
      { name: 'y', type: 'categorical' },
    ];
    expect(usedColumns(cols, 'y', null)).toEqual(['y', 'a', 'b']);
    expect(usedColumns(cols, 'y', ['b'])).toEqual(['y', 'b']);
  });
});
