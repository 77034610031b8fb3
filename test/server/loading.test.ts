/**
 * Loading at start-up happens in slices while clients are served: until it ends they get Redis's
 * -LOADING error (commands flagged `loading`, such as INFO, still run), and INFO persistence
 * shows the progress. Driven in-process, so the moment "loading has begun but not ended" is
 * reached by construction rather than by timing: `start()` runs its first slice synchronously.
 */
import { afterEach, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { RdbWriter } from "../../src/persist/rdb.ts";
import { ReplyWriter } from "../../src/resp/writer.ts";
import { Client } from "../../src/server/client.ts";
import { createCommandTable } from "../../src/server/commands/index.ts";
import { Server } from "../../src/server/server.ts";
import { tempDir } from "../helpers/process.ts";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** An RDB file of `count` string keys in `dir`. */
function writeRdb(dir: string, count: number): void {
  const writer = new RdbWriter({ compression: true, checksum: true });
  writer.header([["redis-ver", "7.0.15"]]);
  writer.selectDb(0, count, 1);
  for (let i = 0; i < count; i++) writer.key(`key:${i}`, `value:${i}`, i === 0 ? Date.now() + 3_600_000 : undefined);
  writer.finish();
  writeFileSync(join(dir, "dump.rdb"), writer.take());
}

function run(server: Server, client: Client, ...args: string[]): string {
  const reply = new ReplyWriter();
  server.execute(client, args, reply);
  return Buffer.from(reply.bytes()).toString("latin1");
}

test("clients get -LOADING until the dataset is in; INFO shows the progress", async () => {
  const dir = tempDir();
  const count = 300_000;
  writeRdb(dir, count);
  const config = Object.assign(defaultConfig(), { dir, save: "" });
  const logger = createLogger({ level: "warning", dir: "", name: "test" });
  const server = new Server(config, logger.log, { now: () => Date.now() }, createCommandTable(), () => {});
  servers.push(server);
  const client = new Client(1, "127.0.0.1:1", "127.0.0.1:6379", -1, Date.now(), false);

  const loaded = server.persistence.start();
  // The first slice has run: loading is under way, not over.
  expect(run(server, client, "GET", "key:1")).toBe("-LOADING Redis is loading the dataset in memory\r\n");
  expect(run(server, client, "SET", "x", "1")).toBe("-LOADING Redis is loading the dataset in memory\r\n");
  const info = run(server, client, "INFO", "persistence");
  expect(info).toContain("loading:1\r\n");
  const percent = Number(info.match(/loading_loaded_perc:([\d.]+)/)![1]);
  expect(percent).toBeGreaterThan(0);
  expect(percent).toBeLessThan(100);

  await loaded;
  expect(run(server, client, "GET", "key:1")).toBe("$7\r\nvalue:1\r\n");
  expect(run(server, client, "DBSIZE")).toBe(`:${count}\r\n`);
  expect(Number(run(server, client, "TTL", "key:0").slice(1, -2))).toBeGreaterThan(3500);
  const after = run(server, client, "INFO", "persistence");
  expect(after).toContain("loading:0\r\n");
  expect(after).toContain(`rdb_last_load_keys_loaded:${count}\r\n`);
});
