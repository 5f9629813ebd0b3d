/**
 * A seeded stream of random numbers: xoshiro128** seeded through splitmix32. It uses only
 * 32-bit integer arithmetic, so the same seed gives the same numbers on every platform.
 */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the stream to the start of `seed`'s sequence. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${seed}`);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spare = null;
    return this;
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal sample (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** The full state, to save in a checkpoint and restore with `setState`. */
  getState(): number[] {
    return [...this.s, this.spare === null ? Number.NaN : this.spare];
  }

  /** Restores a state saved by `getState` (also after a JSON round trip), so the stream resumes exactly. */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 5)
      throw new Error(
        `Generator.setState: expected the 5 numbers getState returns, got ${JSON.stringify(state)}`,
      );
    const words = state.slice(0, 4);
    if (!words.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) || words.every((v) => v === 0)) {
      throw new Error(`Generator.setState: state words must be uint32, not all 0, got [${words.join(",")}]`);
    }
    for (let i = 0; i < 4; i++) this.s[i] = state[i]! >>> 0;
    const spare: unknown = state[4]; // NaN from getState, null after a JSON round trip
    this.spare = typeof spare === "number" && !Number.isNaN(spare) ? spare : null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator used when none is passed. */
export const defaultGenerator = new Generator(0);

/** Seeds the default generator: the same seed gives the same numbers. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
