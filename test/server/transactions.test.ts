/**
 * The WATCH registry and the server's change signals without sockets: which changes dirty which
 * watchers (Redis 7.0's touchWatchedKey and touchAllWatchedKeysInDb rules, expired keys included),
 * and eviction, which no differential test can provoke on demand, invalidating a watch and
 * publishing `evicted`.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { defaultConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { ReplyWriter } from "../../src/resp/writer.ts";
import { Client } from "../../src/server/client.ts";
import { createCommandTable } from "../../src/server/commands/index.ts";
import { Evictor } from "../../src/server/eviction.ts";
import { NOTIFY_GENERIC } from "../../src/server/notifications.ts";
import { Server, type ClientHandle } from "../../src/server/server.ts";

let now = 1_700_000_000_000;
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

function makeServer(settings: Record<string, unknown> = {}): Server {
  const config = Object.assign(defaultConfig(), settings);
  const logger = createLogger({ level: "warning", dir: "", name: "test" });
  const server = new Server(config, logger.log, { now: () => now }, createCommandTable(), () => {});
  servers.push(server);
  return server;
}

let nextId = 1;
/** A connected client whose pushed messages are collected as latin1 text. */
function connect(server: Server): { client: Client; received: string[] } {
  const client = new Client(nextId++, "127.0.0.1:1", "127.0.0.1:6379", -1, now, false);
  const received: string[] = [];
  const handle: ClientHandle = {
    client,
    kill() {},
    send: (bytes) => received.push(Buffer.from(bytes).toString("latin1")),
    queryBufferBytes: () => 0,
    outputBytes: () => 0,
    resume() {},
  };
  server.clients.set(client.id, handle);
  return { client, received };
}

describe("WATCH registry", () => {
  test("a change dirties every watcher of that key in that database, once, and they stop watching", () => {
    const server = makeServer();
    const [db0, db1] = [server.db(0), server.db(1)];
    const a = connect(server).client;
    const b = connect(server).client;
    server.watches.watch(a, db0, "k");
    server.watches.watch(a, db0, "k");
    server.watches.watch(a, db0, "other");
    server.watches.watch(b, db1, "k");
    expect(a.watched.length).toBe(2);
    db0.set("k", "v");
    db0.keyChanged("k", "set", NOTIFY_GENERIC);
    expect([a.dirtyCas, b.dirtyCas]).toEqual([true, false]);
    expect(a.watched.length).toBe(0);
    expect(server.watches.active).toBe(true);
    server.watches.unwatchAll(b);
    expect(server.watches.active).toBe(false);
  });

  test("a key expired when watched: its removal is no change, a new value is", () => {
    const server = makeServer();
    const db = server.db(0);
    const client = connect(server).client;
    db.set("k", "v");
    db.setExpire("k", now - 1);
    server.watches.watch(client, db, "k");
    expect(server.watches.watchedKeyExpired(client)).toBe(false);
    expect(db.get("k")).toBeUndefined(); // lazy expiry removes it: announced, but no change
    expect(client.dirtyCas).toBe(false);
    db.set("k", "new");
    db.keyChanged("k", "set", NOTIFY_GENERIC);
    expect(client.dirtyCas).toBe(true);
  });

  test("a key that expires after WATCH fails EXEC even before anything removes it", () => {
    const server = makeServer();
    const db = server.db(0);
    const client = connect(server).client;
    db.set("k", "v");
    db.setExpire("k", now + 10);
    server.watches.watch(client, db, "k");
    expect(server.watches.watchedKeyExpired(client)).toBe(false);
    now += 11;
    expect(server.watches.watchedKeyExpired(client)).toBe(true);
  });

  test("FLUSHDB and SWAPDB dirty only watchers of keys that hold a value on either side", () => {
    const server = makeServer();
    const [db0, db1] = [server.db(0), server.db(1)];
    const present = connect(server).client;
    const absent = connect(server).client;
    const replaced = connect(server).client;
    db0.set("here", "1");
    db1.set("there", "1");
    server.watches.watch(present, db0, "here");
    server.watches.watch(absent, db0, "nowhere");
    server.watches.watch(replaced, db0, "there");
    server.watches.touchAllInDb(db0, db1);
    expect([present.dirtyCas, absent.dirtyCas, replaced.dirtyCas]).toEqual([true, false, true]);
  });
});

describe("active expiry", () => {
  test("a key the cycle removes fails its watchers' EXEC and is announced as `expired`", () => {
    const server = makeServer({ "notify-keyspace-events": "Ex" });
    server.applyNotifyConfig();
    const db = server.db(0);
    db.set("short", "v");
    db.setExpire("short", now + 5);
    const watcher = connect(server).client;
    server.watches.watch(watcher, db, "short");
    const { client: subscriber, received } = connect(server);
    server.pubsub.subscribe(subscriber, "__keyevent@0__:expired", "channel", new ReplyWriter(256));
    now += 6;
    expect(server.keyspace.activeExpireCycle(100)).toBe(1);
    expect(watcher.dirtyCas).toBe(true);
    expect(server.stats.expiredKeys).toBe(1);
    expect(received).toEqual(["*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$5\r\nshort\r\n"]);
  });
});

describe("eviction", () => {
  test("an evicted key fails its watchers' EXEC and is announced as `evicted`", () => {
    const server = makeServer({ maxmemory: 1, "maxmemory-policy": "allkeys-random", "notify-keyspace-events": "KEe" });
    server.applyNotifyConfig();
    const db = server.db(0);
    db.set("victim", "v");
    const watcher = connect(server).client;
    server.watches.watch(watcher, db, "victim");
    const { client: subscriber, received } = connect(server);
    server.pubsub.psubscribe(subscriber, "__key*__:*", new ReplyWriter(256));
    const evictor = new Evictor(server);
    evictor.sample();
    evictor.makeRoom();
    expect(db.has("victim")).toBe(false);
    expect(server.stats.evictedKeys).toBe(1);
    expect(watcher.dirtyCas).toBe(true);
    expect(received).toEqual([
      "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$21\r\n__keyspace@0__:victim\r\n$7\r\nevicted\r\n",
      "*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$22\r\n__keyevent@0__:evicted\r\n$6\r\nvictim\r\n",
    ]);
  });
});
