/**
 * Reverse-mode differentiation over a Program. The gradient rule of each primitive lives in its
 * record (./ops/), so this walk is all that composes them.
 */
import type { IRNode, OpKind, Program } from './ir.ts';
import { OPS } from './ops/structural.ts';
import type { NodeOf, OpDef } from './ops/types.ts';

/** The gradient of each input of node `n` given its upstream gradient g. */
export function gradientOf(p: Program, n: IRNode, g: number): (number | null)[] {
  return (OPS[n.op.kind] as OpDef<OpKind>).grad(p, n as NodeOf<OpKind>, g);
}

/**
 * Appends to `p` the ops computing d(loss)/d(wrt[i]) and returns their ids. `loss` must be 1 × 1.
 * Inputs that do not influence the loss get an explicit zero.
 */
export function gradients(p: Program, loss: number, wrt: number[]): number[] {
  const shape = p.shape(loss);
  if (shape.length !== 2 || shape[0] !== 1 || shape[1] !== 1)
    throw new Error('gradients: the loss must be a 1 × 1 value');
  const grads = new Map<number, number>([[loss, p.const(1)]]);
  // Only nodes that lie on a path to the loss need visiting; ids are a topological order.
  const needed = new Uint8Array(loss + 1);
  needed[loss] = 1;
  for (let id = loss; id >= 0; id--) {
    if (!needed[id]) continue;
    for (const i of p.nodes[id]!.inputs) needed[i] = 1;
  }
  for (let id = loss; id >= 0; id--) {
    const g = grads.get(id);
    if (g === undefined || !needed[id]) continue;
    const node = p.nodes[id]!;
    if (node.inputs.length === 0) continue;
    const ins = gradientOf(p, node, g);
    node.inputs.forEach((inp, k) => {
      const gi = ins[k];
      if (gi === null || gi === undefined) return;
      const prev = grads.get(inp);
      grads.set(inp, prev === undefined ? gi : p.add(prev, gi));
    });
  }
  return wrt.map((w) => grads.get(w) ?? p.broadcastTo(p.const(0), p.shape(w)));
}
