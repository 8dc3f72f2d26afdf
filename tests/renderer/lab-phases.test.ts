/**
 * The learning lab's step-through: phases in training's order, and every formula the lab writes out
 * recomputes, from the numbers it shows, the value the engine computed (Dense sums, activation
 * derivatives on the way back, SGD and Adam updates), for every element of every phase.
 */
import { describe, expect, it } from 'vitest';
import { traceStep } from '../../src-engine/lab/step.ts';
import { makeTrainConfig } from '../../src-engine/train/config.ts';
import { getTemplate } from '../../src-engine/train/templates.ts';
import { getBuiltinDataset } from '../../src-engine/data/builtin/index.ts';
import { CompiledModel, initWeights } from '../../src-engine/model/compile.ts';
import { SeededRng } from '../../src-engine/tensor/rng.ts';
import { testData, testNets } from '../engine/onnx/graphs.ts';
import {
  agrees,
  asMatrix,
  formulaOf,
  phaseForNode,
  phaseNode,
  phasesOf,
  phaseTensor,
} from '../../renderer/src/features/lab/phases.ts';

function traced(templateId: string, datasetId: string, optimizer: 'adam' | 'sgd') {
  const t = getTemplate(templateId);
  const config = makeTrainConfig({ ...t.training, batchSize: 8, optimizer: { name: optimizer, lr: 0.05 } });
  const model = new CompiledModel(t.graph);
  const weights = initWeights(model.forward.params, new SeededRng(config.seed));
  const data = getBuiltinDataset(datasetId, {});
  const f = data.x.length / data.rows;
  const trace = traceStep({
    graph: t.graph,
    config,
    weights,
    batch: { x: data.x.subarray(0, 8 * f), y: data.y.subarray(0, 8 * (data.y.length / data.rows)), rows: 8 },
  });
  return { trace, graph: t.graph, config };
}

describe('lab phases', () => {
  for (const [opt, template, dataset] of [
    ['adam', 'x4-relu-hidden', 'x4-l-shape'],
    ['sgd', 'vanishing-sigmoid', 'circle'],
  ] as const)
    it(`${template} with ${opt}: phases in order and every formula agrees with the engine`, () => {
      const { trace, graph, config } = traced(template, dataset, opt);
      const phases = phasesOf(trace);
      const kinds = phases.map((p) => p.kind);
      // forward…, loss, backward…, update… in that order.
      expect(kinds.indexOf('loss')).toBe(trace.nodes.length);
      expect(kinds.lastIndexOf('forward')).toBeLessThan(kinds.indexOf('loss'));
      expect(kinds.indexOf('update')).toBeGreaterThan(kinds.lastIndexOf('backward'));
      expect(kinds.filter((k) => k === 'update')).toHaveLength(Object.keys(trace.params).length);
      // Backward walks from the output to the first layer.
      const back = phases.flatMap((p) => (p.kind === 'backward' ? [p.node] : []));
      expect(back[0]).toBe('output');
      let checked = 0;
      for (const p of phases) {
        const shown = phaseTensor(trace, p);
        expect(shown, `tensor of ${JSON.stringify(p)}`).not.toBeNull();
        for (let i = 0; i < shown!.tensor.values.length; i++) {
          for (const line of formulaOf(trace, graph, config, p, i)) {
            if (!line.check) continue;
            expect(
              agrees(line.check),
              `${JSON.stringify(p)}[${i}] ${line.symbols}: ${line.check.formula} vs ${line.check.engine}`,
            ).toBe(true);
            checked++;
          }
        }
      }
      // Dense sums for every unit, derivatives, and each parameter element's update.
      const paramValues = Object.values(trace.params).reduce((a, w) => a + w.value.length, 0);
      expect(checked).toBeGreaterThan(paramValues);
      // Adam writes out m, v and the update: three checks per parameter element.
      if (opt === 'adam')
        expect(
          phases
            .filter((p) => p.kind === 'update')
            .flatMap((p) => formulaOf(trace, graph, config, p, 0).filter((l) => l.check)),
        ).toHaveLength(3 * Object.keys(trace.params).length);
    });

  // Every layer type, activation and loss of the catalog (the networks the ONNX tests use), with Adam.
  for (const net of testNets().filter((n) => n.graph.nodes.every((d) => d.params.loss !== 'perceptron')))
    it(`steps through ${net.name}: a tensor for every phase, and every written-out formula agrees`, () => {
      const config = makeTrainConfig({ batchSize: 4, optimizer: { name: 'adam', lr: 0.01 }, seed: 2 });
      const weights = initWeights(new CompiledModel(net.graph).forward.params, new SeededRng(2));
      const { x, y } = testData(net, 4, 3);
      const trace = traceStep({ graph: net.graph, config, weights, batch: { x, y, rows: 4 } });
      expect(Number.isFinite(trace.loss)).toBe(true);
      const phases = phasesOf(trace);
      expect(phases.filter((p) => p.kind === 'forward')).toHaveLength(net.graph.nodes.length);
      expect(phases.filter((p) => p.kind === 'update')).toHaveLength(Object.keys(trace.params).length);
      for (const p of phases) {
        const shown = phaseTensor(trace, p);
        expect(shown, `tensor of ${JSON.stringify(p)}`).not.toBeNull();
        expect(shown!.tensor.values.every(Number.isFinite), `${JSON.stringify(p)} is finite`).toBe(true);
        for (const line of formulaOf(trace, net.graph, config, p, 0))
          if (line.check) expect(agrees(line.check), `${JSON.stringify(p)} ${line.symbols}`).toBe(true);
      }
    });

  it('maps phases to canvas nodes and back', () => {
    const { trace } = traced('x4-relu-hidden', 'x4-l-shape', 'adam');
    const phases = phasesOf(trace);
    const hidden = trace.nodes[1]!.id;
    expect(phaseNode(phases[phaseForNode(phases, hidden, phases[0])]!)).toBe(hidden);
    expect(phases[phaseForNode(phases, hidden, { kind: 'backward', node: 'output' })]!.kind).toBe('backward');
    expect(phaseNode({ kind: 'update', param: `${hidden}.W` })).toBe(hidden);
  });

  it('cuts large tensors for the heatmap and says what is hidden', () => {
    const m = asMatrix({ shape: [20, 40], values: Array.from({ length: 800 }, (_, i) => i) });
    expect(m.rows).toHaveLength(16);
    expect(m.rows[1]![0]).toBe(40);
    expect(m.rows[0]).toHaveLength(32);
    expect(m.more).toBe('4 more rows, 8 more columns');
  });
});
