/**
 * The project reader under fuzzing: random JSON, byte mutations of a real project's text, and
 * random values at every path of it. Each must open as a project (that saves and reopens the same)
 * or fail with a ProjectError naming the file: never another exception. Bounded and counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildForward } from '../../../src-engine/model/compile.ts';
import { newProject } from '../../../src-engine/train/templates.ts';
import { parseProject, ProjectError, serializeProject, type Project } from '../../../src-engine/project/project.ts';
import { weightsFromJson, weightsToJson } from '../../../src-engine/project/weights.ts';
import { SeededRng } from '../../../src-engine/tensor/rng.ts';
import { initWeights } from '../../../src-engine/model/compile.ts';
import { fuzz } from '../fuzz.ts';

const base = newProject('x4-relu-hidden');
const valid: Project = {
  ...base,
  weights: weightsToJson(initWeights(buildForward(base.graph, { training: true }).params, new SeededRng(4))),
  runs: [{ id: 'r1', startedAt: '2026-01-01T00:00:00Z', config: {}, epochs: [{ epoch: 1, loss: 0.5 }] }],
};
const validText = serializeProject(valid);

/** Open `input`: a project that round-trips and whose weights load or are refused with a ProjectError; else a ProjectError. */
function projectOrError(input: unknown): void {
  let p: Project;
  try {
    p = parseProject(input, 'fuzz.netwright');
  } catch (e) {
    if (!(e instanceof ProjectError)) throw e;
    expect(e.message).toMatch(/^fuzz\.netwright/);
    return;
  }
  expect(parseProject(serializeProject(p), 'again.netwright')).toEqual(p);
  if (p.weights) {
    try {
      const w = weightsFromJson(p.weights, p.graph);
      for (const { data } of w.values()) expect(data.every(Number.isFinite)).toBe(true);
    } catch (e) {
      if (!(e instanceof ProjectError)) throw e;
    }
  }
}

/** Every path into a value (keys and array indices), up to a depth. */
function paths(v: unknown, depth = 6, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (depth === 0 || v === null || typeof v !== 'object') return out;
  const entries = Array.isArray(v) ? v.slice(0, 3).map((x, i) => [i, x] as const) : Object.entries(v);
  for (const [k, x] of entries) out.push(...paths(x, depth - 1, [...at, k]));
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path.at(-1)!] = value;
  return copy;
}

describe('project reader fuzzing (counted)', () => {
  it('random JSON text and values', () => {
    fuzz(fc.json({ maxDepth: 4 }), projectOrError, { runs: 400, min: 150 });
    fuzz(
      fc.jsonValue({ maxDepth: 4 }),
      (v) => projectOrError({ format: 'netwright-project', version: 1, ...Object(v) }),
      {
        runs: 400,
        min: 150,
      },
    );
  });

  it("byte mutations of a real project's text", () => {
    const bytes = new TextEncoder().encode(validText);
    const edit = fc.record({ at: fc.nat(bytes.length - 1), byte: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() });
    fuzz(
      fc.array(edit, { minLength: 1, maxLength: 4 }),
      (edits) => {
        let b = bytes.slice();
        for (const e of edits) {
          if (e.cut) b = b.slice(0, e.at);
          else if (b.length) b[e.at % b.length] = e.byte;
        }
        projectOrError(new TextDecoder().decode(b));
      },
      { runs: 400, min: 150 },
    );
  });

  it('a random value at any path of a real project', () => {
    const all = paths(valid);
    const odd = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(-1, 0, 1e39, -1e39, 2 ** 53, 1.5, '1', '', '__proto__', null, [], {}),
    );
    fuzz(
      fc.tuple(fc.constantFrom(...all), odd),
      ([path, value]) => projectOrError(JSON.stringify(setAt(valid, path, value))),
      { runs: 600, min: 200 },
    );
  });
});
