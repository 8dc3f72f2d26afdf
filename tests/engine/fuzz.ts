/**
 * Property-based fuzzing, bounded in time and counted: fast-check runs up to `runs` cases or until
 * `seconds` pass, and the test fails unless at least `min` cases were really checked.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** A fixed seed keeps CI reproducible; FUZZ_SEED=<n> explores other inputs locally. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);

export interface FuzzBudget {
  runs: number;
  /** Cases that must have run before the time ran out. */
  min: number;
  /** Wall-clock bound of this property (a generous one: a slow machine stops early, not late). */
  seconds?: number;
  seed?: number;
}

/** Check a synchronous property; returns how many cases ran. */
export function fuzz<T>(arb: fc.Arbitrary<T>, check: (v: T) => void, budget: FuzzBudget): number {
  let ran = 0;
  fc.assert(
    fc.property(arb, (v) => {
      ran++;
      check(v);
    }),
    options(budget),
  );
  expect(ran, `fuzz cases checked (${budget.runs} planned)`).toBeGreaterThanOrEqual(budget.min);
  return ran;
}

/** Check an asynchronous property; returns how many cases ran. */
export async function fuzzAsync<T>(
  arb: fc.Arbitrary<T>,
  check: (v: T) => Promise<void>,
  budget: FuzzBudget,
): Promise<number> {
  let ran = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      ran++;
      await check(v);
    }),
    options(budget),
  );
  expect(ran, `fuzz cases checked (${budget.runs} planned)`).toBeGreaterThanOrEqual(budget.min);
  return ran;
}

function options(b: FuzzBudget): fc.Parameters<unknown> {
  return {
    numRuns: b.runs,
    seed: b.seed ?? FUZZ_SEED,
    interruptAfterTimeLimit: (b.seconds ?? 20) * 1000,
    markInterruptAsFailure: false,
  };
}
