/**
 * The engine's explicit resource limits, so that no file, project or network can exhaust memory:
 * each has a default, a setting (environment variable) and a command-line flag that raise it, and
 * the error that enforces it names all three. docs/limits.md lists them for users.
 */

export interface Limits {
  /** Bytes that compressed data (a gzipped IDX file, the deflated arrays of an .npz) may expand to. */
  maxDecompressedBytes: number;
  /** Cells (rows × columns) one data table may hold. */
  maxCells: number;
  /** Trainable parameters (weights and biases) one network may have. */
  maxParams: number;
  /** Bytes one uploaded data file may have. */
  maxUploadBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<Limits> = {
  // MNIST's 60,000 training images are 47 MB once gunzipped.
  maxDecompressedBytes: 1024 * MiB,
  // 250 million float32 cells are 1 GB of table, and as much again once prepared for training.
  maxCells: 250_000_000,
  // 50 million parameters are 200 MB of float32 weights, and 3-4 times that with gradients and Adam's state.
  maxParams: 50_000_000,
  maxUploadBytes: 8192 * MiB,
};

export interface LimitSetting {
  /** Environment variable that sets the limit for the app, the browser host and the CLI. */
  env: string;
  /** Command-line flag (netwright train/predict, and the browser host). */
  flag: string;
  /** What the number counts; byte limits are given in MB. */
  unit: 'MB' | 'cells' | 'parameters';
  /** What the limit is, for docs and help text. */
  what: string;
}

export const LIMIT_SETTINGS: Readonly<Record<keyof Limits, LimitSetting>> = {
  maxDecompressedBytes: {
    env: 'NETWRIGHT_MAX_DECOMPRESSED_MB',
    flag: '--max-decompressed-mb',
    unit: 'MB',
    what: 'size that compressed data (gzipped IDX, .npz) may expand to',
  },
  maxCells: {
    env: 'NETWRIGHT_MAX_CELLS',
    flag: '--max-cells',
    unit: 'cells',
    what: 'cells (rows × columns) in one data table',
  },
  maxParams: {
    env: 'NETWRIGHT_MAX_PARAMS',
    flag: '--max-params',
    unit: 'parameters',
    what: 'trainable parameters in one network',
  },
  maxUploadBytes: {
    env: 'NETWRIGHT_MAX_UPLOAD_MB',
    flag: '--max-upload-mb',
    unit: 'MB',
    what: 'size of one data file uploaded in the app',
  },
};

/** A limit in its setting's unit (MB for bytes), with thousands separators. */
export function formatLimit(key: keyof Limits, value: number): string {
  const s = LIMIT_SETTINGS[key];
  const n = s.unit === 'MB' ? Math.round((value / MiB) * 10) / 10 : value;
  return `${n.toLocaleString('en-US')} ${s.unit}`;
}

/** The sentence that tells how to raise a limit. */
export function raiseHint(key: keyof Limits, value: number): string {
  const s = LIMIT_SETTINGS[key];
  return `The limit is ${formatLimit(key, value)}; raise it with the setting ${s.env} or the command-line flag ${s.flag} if this machine has the memory`;
}

/** A limit was reached (not a damaged input): names the limit and how to raise it. */
export class LimitError extends Error {
  constructor(
    readonly limit: keyof Limits,
    message: string,
  ) {
    super(message);
    this.name = 'LimitError';
  }
}

/** Limits from settings given as text (environment variables or flags); unset or blank keep `base`. Throws on a bad value. */
export function parseLimits(
  values: Partial<Record<keyof Limits, string | undefined>>,
  base: Limits = DEFAULT_LIMITS,
): Limits {
  const out = { ...base };
  for (const key of Object.keys(LIMIT_SETTINGS) as (keyof Limits)[]) {
    const raw = values[key];
    if (raw === undefined || raw.trim() === '') continue;
    const n = Number(raw);
    const s = LIMIT_SETTINGS[key];
    if (!Number.isFinite(n) || n <= 0)
      throw new RangeError(`${s.env} / ${s.flag} must be a positive number of ${s.unit} (got '${raw}').`);
    out[key] = s.unit === 'MB' ? Math.floor(n * MiB) : Math.floor(n);
  }
  return out;
}

/** Throws a LimitError when a network's parameters (name and shape each) exceed `maxParams`. */
export function checkParamCount(
  params: readonly { name: string; shape: readonly number[] }[],
  maxParams: number,
): number {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  let total = 0;
  let largest = params[0];
  for (const p of params) {
    total += size(p.shape);
    if (largest && size(p.shape) > size(largest.shape)) largest = p;
  }
  if (total > maxParams) {
    const big = largest
      ? ` (the largest, ${largest.name}, is ${largest.shape.map((d) => d.toLocaleString('en-US')).join(' × ')})`
      : '';
    throw new LimitError(
      'maxParams',
      `The network has ${total.toLocaleString('en-US')} parameters${big}, more than can be trained here. Make the layers smaller. ${raiseHint('maxParams', maxParams)}.`,
    );
  }
  return total;
}
