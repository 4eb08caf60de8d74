// Seeded pseudo-random numbers: xoshiro256** (Blackman & Vigna 2018) with splitmix64 seeding.
// Each stream is independent of how work is split across workers: derive one stream per
// unit of work with `Rng.forStream(seed, index)` rather than sharing one generator.

const MASK = (1n << 64n) - 1n;

function splitmix64(state: { s: bigint }): bigint {
  state.s = (state.s + 0x9e3779b97f4a7c15n) & MASK;
  let z = state.s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

/** xoshiro256** on four pairs of 32-bit words (no BigInt in the hot path). */
export class Rng {
  private readonly s = new Uint32Array(8); // s0 hi,lo, s1 hi,lo, s2 hi,lo, s3 hi,lo
  private spareNormal = NaN;

  constructor(seed: number | bigint = 0) {
    const st = { s: BigInt.asUintN(64, BigInt(seed)) };
    for (let i = 0; i < 4; i++) {
      const v = splitmix64(st);
      this.s[2 * i] = Number(v >> 32n);
      this.s[2 * i + 1] = Number(v & 0xffffffffn);
    }
  }

  /** A generator for work unit `index` of a run seeded with `seed`: the same whatever the worker count. */
  static forStream(seed: number, index: number): Rng {
    // Mix seed and index through splitmix64 so neighbouring streams are unrelated.
    const st = { s: (BigInt.asUintN(32, BigInt(seed)) << 32n) | BigInt.asUintN(32, BigInt(index)) };
    return new Rng(splitmix64(st));
  }

  /** Next 64 random bits as [hi, lo] 32-bit words written into `out`. */
  private next(out: Uint32Array): void {
    const s = this.s;
    // result = rotl(s1 * 5, 7) * 9, done in 64-bit via 32-bit halves
    const [mh, ml] = mul64(s[2], s[3], 0, 5);
    const [rh, rl] = rotl64(mh, ml, 7);
    const [oh, ol] = mul64(rh, rl, 0, 9);
    out[0] = oh;
    out[1] = ol;
    // t = s1 << 17
    const th = ((s[2] << 17) | (s[3] >>> 15)) >>> 0;
    const tl = (s[3] << 17) >>> 0;
    s[4] ^= s[0]; s[5] ^= s[1]; // s2 ^= s0
    s[6] ^= s[2]; s[7] ^= s[3]; // s3 ^= s1
    s[2] ^= s[4]; s[3] ^= s[5]; // s1 ^= s2
    s[0] ^= s[6]; s[1] ^= s[7]; // s0 ^= s3
    s[4] ^= th; s[5] ^= tl;     // s2 ^= t
    const [r3h, r3l] = rotl64(s[6], s[7], 45);
    s[6] = r3h; s[7] = r3l;
  }

  private readonly buf = new Uint32Array(2);

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    this.next(this.buf);
    return ((this.buf[0] >>> 5) * 67108864 + (this.buf[1] >>> 6)) / 9007199254740992;
  }

  /** Uniform double in (0, 1): never exactly 0, safe for logs. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** Standard normal deviate (Marsaglia polar method; pairs cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Poisson deviate with mean `lam` (inversion for small means, PTRS of Hörmann 1993 otherwise). */
  poisson(lam: number): number {
    if (!(lam > 0)) return 0;
    if (lam < 10) {
      const L = Math.exp(-lam);
      let k = 0;
      let p = this.uniform();
      while (p > L) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    // PTRS: transformed rejection with squeeze (W. Hörmann, Insurance: Math. Econ. 12 (1993) 39)
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.uniform() - 0.5;
      const V = this.uniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - lgammaInt(k + 1)) return k;
    }
  }

  /** Binomial deviate (sum of Bernoullis for small n, normal-free inversion via Poisson splitting otherwise). */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n < 64) {
      let k = 0;
      for (let i = 0; i < n; i++) if (this.uniform() < p) k++;
      return k;
    }
    // Inversion by sequential search (exact), fine for mean up to a few thousand.
    const q = 1 - p;
    const r = p / q;
    let f = Math.exp(n * Math.log(q));
    if (f > 0) {
      let u = this.uniform();
      let k = 0;
      while (u > f && k < n) {
        u -= f;
        f *= (r * (n - k)) / (k + 1);
        k++;
      }
      return k;
    }
    // Very large n: split in halves recursively (exact in distribution).
    const h = Math.floor(n / 2);
    return this.binomial(h, p) + this.binomial(n - h, p);
  }
}

import { lgamma } from "./special.ts";
function lgammaInt(x: number): number {
  return lgamma(x);
}

function mul64(ah: number, al: number, bh: number, bl: number): [number, number] {
  // (ah·2^32 + al)(bh·2^32 + bl) mod 2^64, with 16-bit limbs to stay exact in doubles
  const a48 = ah >>> 16, a32 = ah & 0xffff, a16 = al >>> 16, a00 = al & 0xffff;
  const b48 = bh >>> 16, b32 = bh & 0xffff, b16 = bl >>> 16, b00 = bl & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16; c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = c16 >>> 16; c16 &= 0xffff;
  c16 += a00 * b16;
  c32 += c16 >>> 16; c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = c32 >>> 16; c32 &= 0xffff;
  c32 += a16 * b16;
  c48 += c32 >>> 16; c32 &= 0xffff;
  c32 += a00 * b32;
  c48 += c32 >>> 16; c32 &= 0xffff;
  c48 += a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48;
  c48 &= 0xffff;
  return [((c48 << 16) | c32) >>> 0, ((c16 << 16) | c00) >>> 0];
}

function rotl64(h: number, l: number, k: number): [number, number] {
  if (k === 0) return [h, l];
  if (k >= 32) { const t = h; h = l; l = t; k -= 32; }
  if (k === 0) return [h >>> 0, l >>> 0];
  return [((h << k) | (l >>> (32 - k))) >>> 0, ((l << k) | (h >>> (32 - k))) >>> 0];
}
