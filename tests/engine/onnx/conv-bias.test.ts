// A convolution whose only use is its bias's addition is emitted as one Conv with a bias input.
import { describe, expect, it } from 'vitest';
import { emitProgram } from '../../../src-engine/onnx/emit.ts';
import { GraphBuilder } from '../../../src-engine/onnx/builder.ts';
import { trainStepModel } from '../../../src-engine/onnx/train-step.ts';
import { exportDeploymentOnnx } from '../../../src-engine/onnx/export-model.ts';
import { decodeModel, type NodeProto } from '../../../src-engine/onnx/schema.ts';
import { buildForward, initWeights } from '../../../src-engine/model/compile.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import { getTemplate } from '../../../src-engine/train/templates.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';

const lenet = getTemplate('lenet-digits').graph;

/** The Add nodes that take a Conv's output. */
function addsAfterConv(nodes: readonly NodeProto[]): NodeProto[] {
  const convOut = new Set(nodes.filter((n) => n.opType === 'Conv').flatMap((n) => n.output));
  return nodes.filter((n) => n.opType === 'Add' && n.input.some((i) => convOut.has(i)));
}

describe('convolution and bias as one Conv', () => {
  it("LeNet-5's training step: both forward convolutions take their bias, no Add follows a Conv", () => {
    for (const target of ['cpu', 'portable'] as const) {
      const { model } = trainStepModel(lenet, makeTrainConfig({ optimizer: { name: 'adam', lr: 1e-3 } }), {
        steps: 2,
        target,
      });
      const nodes = model.graph.node;
      // Two forward convolutions per step, with 3 inputs; the filter gradients' Convs have 2.
      expect(nodes.filter((n) => n.opType === 'Conv' && n.input.length === 3)).toHaveLength(4);
      expect(addsAfterConv(nodes)).toEqual([]);
    }
  });

  it('the deployment export of LeNet-5 too', () => {
    const weights = initWeights(buildForward(lenet, { training: false }).params, new SeededRng(1));
    const nodes = decodeModel(exportDeploymentOnnx({ graph: lenet, weights, name: 'lenet' })).graph.node;
    expect(nodes.filter((n) => n.opType === 'Conv').map((n) => n.input.length)).toEqual([3, 3]);
    expect(addsAfterConv(nodes)).toEqual([]);
  });

  it('a convolution whose output is used elsewhere too stays a Conv and an Add', () => {
    const fwd = buildForward(lenet, { training: false });
    const p = fwd.program;
    const conv = p.nodes.find((n) => n.op.kind === 'conv2d')!;
    const add = p.nodes.find((n) => n.op.kind === 'binary' && n.inputs.includes(conv.id))!;
    const b = new GraphBuilder('float32');
    const inputs = new Map(
      p.nodes.flatMap((n) =>
        n.op.kind === 'input'
          ? [
              [
                n.op.name,
                b.input(
                  n.op.name,
                  n.shape.map((d) => (d < 0 ? 'N' : d)),
                ),
              ],
            ]
          : [],
      ),
    ) as Map<string, string>;
    const both = emitProgram(p, b, [conv.id, add.id], { inputs });
    expect(b.nodes.find((n) => n.output[0] === both.get(conv.id))!.input).toHaveLength(2);
    expect(addsAfterConv(b.nodes)).toHaveLength(1);
    // Asked for the sum only, the two become one.
    const b2 = new GraphBuilder('float32');
    const inputs2 = new Map([...inputs.keys()].map((k) => [k, b2.input(k, [1])]));
    const one = emitProgram(p, b2, [add.id], { inputs: inputs2 });
    const node = b2.nodes.find((n) => n.output[0] === one.get(add.id))!;
    expect(node.opType).toBe('Conv');
    expect(node.input).toHaveLength(3);
  });
});
