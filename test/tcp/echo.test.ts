import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../../src/lib.ts";
import { RawClient } from "../helpers/net.ts";
import { startServerProcess } from "../helpers/process.ts";
import { readFileSync } from "node:fs";

/** `count` lines of varied length and content, every byte value included somewhere. */
function makeLines(seed: number, count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const length = (seed * 31 + i * 17) % 200;
    const line = Buffer.alloc(length + 1);
    for (let j = 0; j < length; j++) {
      const byte = (seed + i * 7 + j) % 256;
      line[j] = byte === 10 ? 11 : byte;
    }
    line[length] = 10;
    parts.push(line);
  }
  return Buffer.concat(parts);
}

describe("echo server over real sockets", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ mode: "echo" });
  });
  afterAll(async () => {
    await server.close();
  });

  test("100 concurrent clients x 1000 lines: every byte comes back", async () => {
    const clients = await Promise.all(Array.from({ length: 100 }, () => RawClient.open(server.port)));
    const inputs = clients.map((_, i) => makeLines(i, 1000));
    await Promise.all(clients.map((client, i) => client.write(inputs[i]!)));
    await Promise.all(clients.map((client, i) => client.until(inputs[i]!.length)));
    clients.forEach((client, i) => expect(client.data().equals(inputs[i]!)).toBe(true));
    for (const client of clients) client.destroy();
  });

  test("a line sent in pieces comes back whole, once complete", async () => {
    const client = await RawClient.open(server.port);
    const line = Buffer.from("a\rb\x00c\xff\x80 split line\n", "latin1");
    for (let i = 0; i < line.length; i++) await client.write(line.subarray(i, i + 1));
    await client.until(line.length);
    expect(client.data()).toEqual(line);
    client.destroy();
  });

  test("an 8 MiB line", async () => {
    const client = await RawClient.open(server.port);
    const line = Buffer.alloc(8 * 1024 * 1024 + 1, "x");
    for (let i = 0; i < line.length - 1; i += 4096) line[i] = i % 251;
    line[line.length - 1] = 10;
    const echoed = client.until(line.length);
    await client.write(line);
    await echoed;
    expect(client.data().equals(line)).toBe(true);
    client.destroy();
  });

  test("a client closing mid-line leaves the server serving others", async () => {
    const quitter = await RawClient.open(server.port);
    await quitter.write("no newline here");
    quitter.destroy();
    const other = await RawClient.open(server.port);
    await other.write("still here\n");
    await other.until(11);
    expect(other.data().toString()).toBe("still here\n");
    other.destroy();
  });
});

describe("echo limits", () => {
  test("a line over echo-max-line-bytes closes that client only", async () => {
    const server = await startServer({ mode: "echo", "echo-max-line-bytes": 1024 });
    const bystander = await RawClient.open(server.port);
    const offender = await RawClient.open(server.port);
    await offender.write(Buffer.alloc(2048, "y"));
    await offender.closed;
    expect(offender.received).toBe(0);
    await bystander.write("ok\n");
    await bystander.until(3);
    expect(bystander.data().toString()).toBe("ok\n");
    bystander.destroy();
    await server.close();
  });

  test("maxclients: the connection past the limit is closed, the others are served", async () => {
    const server = await startServer({ mode: "echo", maxclients: 2 });
    const first = await RawClient.open(server.port);
    const second = await RawClient.open(server.port);
    const third = await RawClient.open(server.port);
    await third.closed;
    await first.write("1\n");
    await second.write("2\n");
    await Promise.all([first.until(2), second.until(2)]);
    expect(first.data().toString() + second.data().toString()).toBe("1\n2\n");
    first.destroy();
    second.destroy();
    await server.close();
  });

  test("a client that writes 100 MiB and never reads is cut off at the output limit; memory stays bounded", async () => {
    const limit = 4 * 1024 * 1024;
    const { server, port } = await startServerProcess(["--mode", "echo", "--echo-max-output-bytes", String(limit), "--log-dir", ""]);
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.proc.pid}/status`, "utf8"))![1]) * 1024;
    const bystander = await RawClient.open(port);
    const hog = await RawClient.open(port);
    hog.socket.pause(); // never reads
    const block = Buffer.alloc(1024 * 1024, "z\n");
    let sent = 0;
    let peak = 0;
    hog.socket.on("error", () => {});
    while (sent < 100 && !hog.socket.destroyed) {
      const written = hog.write(block).catch(() => {});
      await Promise.race([written, hog.closed]);
      sent++;
      peak = Math.max(peak, rss());
    }
    await hog.closed;
    await server.waitFor(/closing client .*over the limit of 4194304/);
    expect(sent).toBeLessThan(100);
    // Input keeps arriving while output queues: the server holds at most the limit plus the
    // kernel's buffers, far below the 100 MiB the client tried to push.
    expect(peak).toBeLessThan(200 * 1024 * 1024);
    await bystander.write("alive\n");
    await bystander.until(6);
    expect(bystander.data().toString()).toBe("alive\n");
    bystander.destroy();
    server.kill();
    expect(await server.exited).toBe(0);
  });
});
