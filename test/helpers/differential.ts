/**
 * @module
 * Differential testing: the same commands go to a real redis-server and to bunredis, and the raw
 * reply bytes must be equal. A test file calls `useDifferential()` at its top level; each test then
 * runs `await d.check([...commands])`, in RESP2 and RESP3.
 */
import { afterAll, beforeAll, beforeEach } from "bun:test";
import { startServer, type RunningServer, type ServerOptions } from "../../src/lib.ts";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "./oracle.ts";
import { RespConnection } from "./resp.ts";

/** How two replies may legitimately differ: compared as bytes unless a normaliser is given. */
export type Normalize = (reply: string) => string;

/** One command, or one with a normaliser for replies that differ by nature (ids, times). */
export type Step = string[] | { args: string[]; normalize: Normalize };

/** Both servers, a connection to each per protocol, and the comparison. */
export interface Differential {
  /** True when the oracle is missing (outside CI): the test should return early. */
  readonly skip: boolean;
  /**
   * Sends each step to both servers (RESP2, then again from a clean slate in RESP3) and throws,
   * naming the step, on the first reply that differs.
   */
  check(steps: Step[], protocols?: (2 | 3)[]): Promise<void>;
  /** Sends the steps to both servers in one protocol and returns the [redis, bunredis] replies. */
  run(steps: Step[], protocol?: 2 | 3): Promise<[string[], string[]]>;
  /** Fresh connections to both servers: [redis, bunredis]. */
  connect(protocol?: 2 | 3): Promise<[RespConnection, RespConnection]>;
  readonly redisPort: number;
  readonly bunredisPort: number;
}

/**
 * Starts redis-server and bunredis for this file, flushes both before each test. When both require
 * a password (`requirepass`), give it as `password`: the flush authenticates with it first.
 */
export function useDifferential(options: { server?: ServerOptions; redisArgs?: string[]; password?: string } = {}): Differential {
  let redis: RedisServerProcess | undefined;
  let bunredis: RunningServer | undefined;
  const open: RespConnection[] = [];

  beforeAll(async () => {
    if (!HAVE_REDIS) return;
    [redis, bunredis] = await Promise.all([startRedisServer(options.redisArgs), startServer({ databases: 16, ...options.server })]);
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await Promise.all([redis?.stop(), bunredis?.close()]);
  });
  beforeEach(async () => {
    if (!HAVE_REDIS) return;
    for (const connection of open.splice(0)) connection.close();
    await flushBoth();
  });

  async function flushBoth(): Promise<void> {
    const [a, b] = await connectBoth(2);
    if (options.password !== undefined) await Promise.all([a.call("AUTH", options.password), b.call("AUTH", options.password)]);
    const replies = await Promise.all([a.call("FLUSHALL"), b.call("FLUSHALL")]);
    if (replies.some((reply) => reply !== "+OK\r\n")) throw new Error(`FLUSHALL failed: ${JSON.stringify(replies)}`);
  }

  async function connectBoth(protocol: 2 | 3 = 2): Promise<[RespConnection, RespConnection]> {
    const both = await Promise.all([RespConnection.open(redis!.port), RespConnection.open(bunredis!.port)]);
    open.push(...both);
    if (protocol === 3) {
      const hellos = await Promise.all(both.map((connection) => connection.call("HELLO", "3")));
      if (!hellos[1]!.startsWith("%")) throw new Error(`HELLO 3 failed on bunredis: ${hellos[1]}`);
    }
    return both;
  }

  async function run(steps: Step[], protocol: 2 | 3 = 2): Promise<[string[], string[]]> {
    const [a, b] = await connectBoth(protocol);
    const expected: string[] = [];
    const actual: string[] = [];
    for (const step of steps) {
      const args = Array.isArray(step) ? step : step.args;
      const normalize = Array.isArray(step) ? (reply: string) => reply : step.normalize;
      const [fromRedis, fromBunredis] = await Promise.all([a.call(...args), b.call(...args)]);
      expected.push(normalize(fromRedis));
      actual.push(normalize(fromBunredis));
    }
    return [expected, actual];
  }

  return {
    skip: !HAVE_REDIS,
    get redisPort() {
      return redis!.port;
    },
    get bunredisPort() {
      return bunredis!.port;
    },
    connect: connectBoth,
    run,
    async check(steps, protocols = [2, 3]) {
      if (!HAVE_REDIS) return;
      for (const protocol of protocols) {
        await flushBoth();
        const [expected, actual] = await run(steps, protocol);
        for (let i = 0; i < steps.length; i++) {
          if (expected[i] !== actual[i]) {
            const step = steps[i]!;
            const args = Array.isArray(step) ? step : step.args;
            throw new Error(
              `RESP${protocol} step ${i + 1} ${JSON.stringify(args)}:\n  redis:    ${JSON.stringify(expected[i])}\n  bunredis: ${JSON.stringify(actual[i])}`,
            );
          }
        }
      }
    },
  };
}
