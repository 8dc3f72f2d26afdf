/** The small fixed network used to verify an execution provider: 6 → 8 (relu) → 5 (tanh) → 3 (softmax, cce). */
import { parseGraph, type GraphDoc } from '../../graph/document.ts';

/** The probe network as a parsed graph document. */
export function makeGraph(): GraphDoc {
  const res = parseGraph({
    format: 'netwright-graph',
    version: 1,
    nodes: [
      { id: 'in', type: 'Input', params: { features: 6 } },
      { id: 'h1', type: 'Dense', params: { units: 8, activation: 'relu' } },
      { id: 'h2', type: 'Dense', params: { units: 5, activation: 'tanh' } },
      { id: 'out', type: 'Output', params: { units: 3, activation: 'softmax', loss: 'cce' } },
    ],
    edges: [
      { source: 'in', target: 'h1' },
      { source: 'h1', target: 'h2' },
      { source: 'h2', target: 'out' },
    ],
  });
  if (!res.ok) throw new Error(res.problems.map((p) => p.message).join(' '));
  return res.graph;
}
