/**
 * Whether a test whose prerequisite is missing runs, skips (off CI, with the reason) or fails (under
 * CI=true, with the same sentence). Free of imports, so vitest (prerequisites.ts's need()) and Playwright
 * (tests/e2e) decide alike.
 */

/** CI sets CI=true (GitHub Actions, GitLab, .ci/run). */
export const ON_CI = /^(true|1)$/i.test(process.env.CI ?? '');

export interface Prerequisite {
  /** What it is, e.g. 'python3-torch'. */
  name: string;
  /** Why it is not available here, in one sentence; null when it is. */
  missing: string | null;
}

/** What to do about missing prerequisites: run, skip with a note (off CI) or fail with it (CI). */
export function verdict(
  reqs: readonly Prerequisite[],
  onCi = ON_CI,
): { action: 'run' } | { action: 'skip' | 'fail'; message: string } {
  const why = reqs.flatMap((r) => (r.missing ? [r.missing] : [])).join(' ');
  if (!why) return { action: 'run' };
  return onCi
    ? { action: 'fail', message: `${why} CI must have it: run bash scripts/setup.sh as root.` }
    : { action: 'skip', message: `${why} (bash scripts/setup.sh installs it)` };
}
