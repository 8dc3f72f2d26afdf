/**
 * The limits (src-engine/limits.ts) as Node hosts read them: environment variables for the app, the
 * browser host and the CLI, and command-line flags that override them.
 */
import { DEFAULT_LIMITS, LIMIT_SETTINGS, parseLimits, type Limits } from '../limits.ts';

type LimitKey = keyof Limits;
const KEYS = Object.keys(LIMIT_SETTINGS) as LimitKey[];

/** The limits set by NETWRIGHT_MAX_* environment variables (defaults for the rest). Throws on a bad value. */
export function envLimits(env: Record<string, string | undefined> = process.env): Limits {
  return parseLimits(Object.fromEntries(KEYS.map((k) => [k, env[LIMIT_SETTINGS[k].env]])), DEFAULT_LIMITS);
}

/** parseArgs options for the --max-* flags. */
export const LIMIT_OPTIONS = Object.fromEntries(
  KEYS.map((k) => [LIMIT_SETTINGS[k].flag.slice(2), { type: 'string' as const }]),
) as Record<string, { type: 'string' }>;

/** Limits from parsed --max-* flags over the environment's. Throws RangeError naming a bad value. */
export function flagLimits(
  values: Record<string, unknown>,
  env: Record<string, string | undefined> = process.env,
): Limits {
  const given = Object.fromEntries(
    KEYS.map((k) => {
      const v = values[LIMIT_SETTINGS[k].flag.slice(2)];
      return [k, typeof v === 'string' ? v : undefined];
    }),
  );
  return parseLimits(given, envLimits(env));
}

/** Usage lines for the --max-* flags. */
export function limitUsage(): string {
  return KEYS.map((k) => {
    const s = LIMIT_SETTINGS[k];
    return `  ${`${s.flag} N`.padEnd(24)} ${s.what} (${s.unit}; also ${s.env})`;
  }).join('\n');
}
