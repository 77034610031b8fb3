/**
 * In-process cost of the request path (parse -> dispatch -> run -> reply) without sockets: feeds
 * pipelined batches to the Redis handler through a stand-in socket and reports CPU time per
 * command. CPU time, not wall time, so that other load on the machine does not move the figure
 * much; compare two builds by running this in each, alternately.
 *
 *   bun bench/dispatch.ts [commands per batch=16] [keyspace=100000] [rows, e.g. GET,MSET]
 */
import type { Socket } from "bun";
import { defaultConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { createCommandTable } from "../src/server/commands/index.ts";
import { RedisHandler, type RedisConnection } from "../src/server/handler.ts";
import { Server } from "../src/server/server.ts";
import { systemClock } from "../src/store/keyspace.ts";

const depth = Number(process.argv[2] ?? 16);
const keyspace = Number(process.argv[3] ?? 100_000);
const rows = process.argv[4]?.toUpperCase().split(",");
const config = defaultConfig();
const logger = createLogger({ level: "warning", dir: "", name: "bench" });
const server = new Server(config, logger.log, systemClock, createCommandTable(), () => {});
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

const key = (i: number) => `key:${String(i).padStart(12, "0")}`;
const encode = (args: string[]) => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;
function batches(make: (i: number) => string[], count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let b = 0; b < count; b++) {
    let text = "";
    for (let i = 0; i < depth; i++) text += encode(make(Math.floor(Math.random() * keyspace)));
    out.push(Buffer.from(text, "latin1"));
  }
  return out;
}

function measure(name: string, make: (i: number) => string[]): void {
  if (rows !== undefined && !rows.includes(name)) return;
  const input = batches(make, 4000);
  for (const chunk of input) handler.data(socket, chunk); // warm up
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let repeat = 0; repeat < 5; repeat++) for (const chunk of input) handler.data(socket, chunk);
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / (input.length * depth * 5));
  }
  console.log(`${name.padEnd(7)} ${best.toFixed(0)} ns CPU per command (depth ${depth}, ${keyspace} keys)`);
}

measure("SET", (i) => ["SET", key(i), "xxx"]);
measure("GET", (i) => ["GET", key(i)]);
measure("INCR", (i) => ["INCR", `counter:${i % 1000}`]);
measure("PING", () => ["PING"]);
measure("MSET", (i) => ["MSET", ...Array.from({ length: 10 }, (_, j) => [key((i + j * 7919) % keyspace), "xxx"]).flat()]);
measure("SETBIT", (i) => ["SETBIT", `bits:${i}`, "1000", "1"]);
measure("PFADD", (i) => ["PFADD", "hll", String(i)]);
measure("GEOADD", (i) => ["GEOADD", "points", "13.361389", "38.115556", `m:${i}`]);
measure("XADD", () => ["XADD", "stream", "MAXLEN", "~", "100000", "*", "field", "value"]);
server.close();
