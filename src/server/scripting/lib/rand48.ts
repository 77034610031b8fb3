/**
 * @module
 * Redis's `redisLrand48`/`redisSrand48` (rand.c): the 48-bit linear congruential generator behind
 * math.random in scripts, so that a seeded script draws the same numbers as on Redis on any
 * platform. X(n+1) = (0x5DEECE66D * X(n) + 0xB) mod 2^48; a draw is the top 31 bits.
 */

const MASK_48 = (1n << 48n) - 1n;
const MULTIPLIER = 0x5deece66dn;
const INCREMENT = 0xbn;
/** The state before any seeding: x = {0x330E, 0xABCD, 0x1234}, as in rand.c. */
const INITIAL = (0x1234n << 32n) | (0xabcdn << 16n) | 0x330en;

/** REDIS_LRAND48_MAX. */
export const LRAND48_MAX = 2147483647;

/** One generator; each server has its own (Redis has one per process). */
export class Rand48 {
  private state = INITIAL;

  /** redisSrand48: the low 32 bits of the seed become the high 32 bits of the state. */
  seed(value: number): void {
    const seed = BigInt.asUintN(32, BigInt(value));
    this.state = (seed << 16n) | 0x330en;
  }

  /** redisLrand48: the next value in 0..2^31-1. */
  next(): number {
    this.state = (MULTIPLIER * this.state + INCREMENT) & MASK_48;
    return Number(this.state >> 17n);
  }
}
