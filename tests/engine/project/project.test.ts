/** The project reader: what a damaged or hostile .netwright file gets back, and which weights may load. */
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { newProject } from '../../../src-engine/train/templates.ts';
import { parseProject, ProjectError, type Project } from '../../../src-engine/project/project.ts';
import { weightsFromJson, weightsToJson } from '../../../src-engine/project/weights.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';

/** The from-scratch template (3-4-1) with fresh weights, as JSON text. */
function trained(): Project {
  const p = newProject('from-scratch');
  const w = initWeights(buildForward(p.graph, { training: true }).params, new SeededRng(3));
  return { ...p, weights: weightsToJson(w) };
}

function refusal(value: unknown, file = 'p.netwright'): string {
  try {
    parseProject(typeof value === 'string' ? value : JSON.stringify(value), file);
  } catch (e) {
    expect(e).toBeInstanceOf(ProjectError);
    return (e as Error).message;
  }
  throw new Error('the project was accepted');
}

describe('project versions', () => {
  it('calls a negative, fractional, text or missing version damaged, and only a larger number newer', () => {
    const p = trained();
    expect(refusal({ ...p, version: -1 })).toBe(
      'p.netwright is damaged: its "version" must be a whole number from 0 to 1 (it is -1).',
    );
    expect(refusal({ ...p, version: '1' })).toMatch(
      /is damaged: its "version" must be a whole number .* \(it is "1"\)/,
    );
    expect(refusal({ ...p, version: 0.5 })).toMatch(/is damaged/);
    const { version: _v, ...noVersion } = p;
    expect(refusal(noVersion)).toMatch(/\(it is missing\)/);
    expect(refusal({ ...p, version: 2 })).toMatch(/was saved by a newer Netwright \(project version 2/);
    expect(parseProject(JSON.stringify(p), 'p.netwright').version).toBe(1);
  });
});

describe('project weights', () => {
  it('refuses values beyond float32 (1e39 would load as Infinity)', () => {
    const p = trained();
    const w = structuredClone(p.weights!);
    w['hidden.W']!.data[5] = 1e39;
    expect(refusal({ ...p, weights: w })).toMatch(/^p\.netwright is damaged: weights\.hidden\.W\.data\.5: Too big/);
    w['hidden.W']!.data[5] = -1e39;
    expect(refusal({ ...p, weights: w })).toMatch(/weights\.hidden\.W\.data\.5: Too small/);
  });

  it('refuses negative or zero shapes and values that do not fill the shape', () => {
    const p = trained();
    const w = structuredClone(p.weights!);
    w['hidden.W'] = { shape: [-1, -16], data: w['hidden.W']!.data.slice(0, 16) };
    expect(refusal({ ...p, weights: w })).toMatch(/weights\.hidden\.W\.shape\.0: Too small/);
    w['hidden.W'] = { shape: [3, 4], data: [1, 2, 3] };
    expect(refusal({ ...p, weights: w })).toMatch(/weights\.hidden\.W: the number of values does not match the shape/);
  });

  it('loads weights only in the exact shape the network declares', () => {
    const p = parseProject(JSON.stringify(trained()), 'p.netwright');
    const loaded = weightsFromJson(p.weights!, p.graph);
    expect([...loaded.keys()].sort()).toEqual(['hidden.W', 'output.W']);
    const transposed = structuredClone(p.weights!);
    transposed['hidden.W']!.shape = [4, 3];
    expect(() => weightsFromJson(transposed, p.graph)).toThrow(
      "The weights 'hidden.W' are 4 × 3 but the network needs 3 × 4. Train the network again to get weights that fit it.",
    );
    const missing = structuredClone(p.weights!);
    delete missing['output.W'];
    expect(() => weightsFromJson(missing, p.graph)).toThrow("The weights have no values for 'output.W' (4 × 1).");
    // A parameter named like an Object.prototype member is not found on the prototype.
    expect(() => weightsFromJson({} as typeof missing, p.graph)).toThrow(/no values for 'hidden\.W'/);
  });
});
