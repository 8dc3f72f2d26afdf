/**
 * Seeded random numbers. Every random choice in the engine (initializers, shuffling, dropout masks,
 * dataset generators) takes an `Rng` passed in by the caller; nothing uses `Math.random`.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Standard normal sample. */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** The state of a SeededRng: four 32-bit words and the spare normal deviate. */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

/** xoshiro128** seeded through splitmix32: small, fast and fully reproducible across platforms. */
export class SeededRng implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The generator's whole state (a checkpoint keeps it, so a replay draws the same numbers). */
  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** Continue from a state taken with getState(). */
  setState(state: RngState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((v) => v >>> 0) as [number, number, number, number];
    this.spare = state.spare;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  uniform(): number {
    // 53 random bits, like Math.random's resolution.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** An independent generator derived from this one (for sub-tasks that must not shift the main stream). */
  fork(): SeededRng {
    return new SeededRng(this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher-Yates shuffle of `order` in place. */
export function shuffleInPlace(order: Uint32Array | number[], rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}
