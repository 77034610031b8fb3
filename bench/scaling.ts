/**
 * How per-operation cost grows with collection size: ZADD, ZRANK, ZRANGE (10 items), LINDEX
 * (middle), HGET and SISMEMBER on one key of 10^4, 10^5 and 10^6 elements, through the whole
 * request path (parse -> dispatch -> reply) without sockets, in CPU time per operation. Redis
 * documents O(log n) for ZADD/ZRANK/ZRANGE and O(1) for the rest, so from 10^4 to 10^6 the first
 * three may grow by a small factor and the others should stay flat (cache misses aside).
 *
 *   bun bench/scaling.ts
 */
import type { Socket } from "bun";
import { defaultConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { createCommandTable } from "../src/server/commands/index.ts";
import { RedisHandler, type RedisConnection } from "../src/server/handler.ts";
import { Server } from "../src/server/server.ts";
import { systemClock } from "../src/store/keyspace.ts";

const logger = createLogger({ level: "warning", dir: "", name: "bench" });
const server = new Server(defaultConfig(), logger.log, systemClock, createCommandTable(), () => {});
const handler = new RedisHandler(server, logger.log);
const socket = {
  data: undefined as unknown as RedisConnection,
  remoteAddress: "127.0.0.1",
  remotePort: 1,
  localAddress: "127.0.0.1",
  localPort: 6379,
  write: (bytes: Uint8Array) => bytes.byteLength,
  shutdown() {},
  terminate() {},
  end() {},
} as unknown as Socket<RedisConnection>;
handler.open(socket);

const encode = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;
/** Runs `commands` in batches of 16 and returns CPU ns per command. */
function run(commands: string[][]): number {
  const batches: Buffer[] = [];
  for (let i = 0; i < commands.length; i += 16) batches.push(Buffer.from(commands.slice(i, i + 16).map(encode).join(""), "latin1"));
  const start = process.cpuUsage();
  for (const batch of batches) handler.data(socket, batch);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / commands.length;
}

function fill(size: number): void {
  run([["FLUSHALL"]]);
  for (let i = 0; i < size; i += 1000) {
    const count = Math.min(1000, size - i);
    const members = Array.from({ length: count }, (_, j) => `m${i + j}`);
    run([
      ["ZADD", "z", ...members.flatMap((m, j) => [String((i + j) * 7919 % size), m])],
      ["RPUSH", "l", ...members],
      ["HSET", "h", ...members.flatMap((m) => [m, "v"])],
      ["SADD", "s", ...members],
    ]);
  }
}

const OPS = 50_000;
const random = (size: number) => Math.floor(Math.random() * size);
const rows: Record<string, (size: number) => string[]> = {
  ZADD: (size) => ["ZADD", "z", String(random(size)), `m${random(size)}`],
  ZRANK: (size) => ["ZRANK", "z", `m${random(size)}`],
  "ZRANGE 10": (size) => { const at = random(size - 10); return ["ZRANGE", "z", String(at), String(at + 9)]; },
  "LINDEX mid": (size) => ["LINDEX", "l", String(size >> 1)],
  HGET: (size) => ["HGET", "h", `m${random(size)}`],
  SISMEMBER: (size) => ["SISMEMBER", "s", `m${random(size)}`],
};
const sizes = [10_000, 100_000, 1_000_000];
const table: Record<string, number[]> = {};
for (const size of sizes) {
  fill(size);
  for (const [name, make] of Object.entries(rows)) {
    let best = Infinity;
    for (let round = 0; round < 3; round++) best = Math.min(best, run(Array.from({ length: OPS }, () => make(size))));
    (table[name] ??= []).push(best);
  }
}
console.log(`${"command".padEnd(12)} ${sizes.map((s) => `${s}`.padStart(10)).join(" ")}   growth 10^4 -> 10^6 (ns CPU per op, whole request path)`);
for (const [name, values] of Object.entries(table)) {
  console.log(`${name.padEnd(12)} ${values.map((v) => v.toFixed(0).padStart(10)).join(" ")}   x${(values[2]! / values[0]!).toFixed(2)}`);
}
server.close();
