/**
 * Whether a test whose prerequisite is missing runs or fails with the reason (never skips). Free of imports, so vitest (prerequisites.ts's need()) and Playwright
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

/**
 * What to do about missing prerequisites: run, or fail with what is missing and how to get it. There
 * is no skip: `npm test` installs them first (scripts/setup.sh), so a test that cannot run is a broken
 * set-up, on CI and on a newcomer's machine alike.
 */
export function verdict(
  reqs: readonly Prerequisite[],
  onCi = ON_CI,
): { action: 'run' } | { action: 'fail'; message: string } {
  const why = reqs.flatMap((r) => (r.missing ? [r.missing] : [])).join(' ');
  if (!why) return { action: 'run' };
  return {
    action: 'fail',
    message: onCi
      ? `${why} CI must have it: run bash scripts/setup.sh as root.`
      : `${why} Run bash scripts/setup.sh (npm test does) to install it.`,
  };
}
