/**
 * SHUTDOWN: its argument errors compared with redis-server; then, on a real spawned process, the
 * graceful path it shares with the signals: the caller gets no reply, every other client gets the
 * replies queued for it and a clean close, and the process exits 0.
 */
import { describe, expect, test } from "bun:test";
import { useDifferential } from "../helpers/differential.ts";
import { RawClient, tcpQueues, until } from "../helpers/net.ts";
import { startServerProcess } from "../helpers/process.ts";
import { encodeCommand, RespConnection } from "../helpers/resp.ts";

const d = useDifferential();

describe("SHUTDOWN argument errors (compared with redis-server; none of these shuts down)", () => {
  test("ABORT with no shutdown in progress, bad and conflicting options", async () => {
    await d.check([
      ["SHUTDOWN", "ABORT"],
      ["shutdown", "abort", "ABORT"],
      ["SHUTDOWN", "foo"],
      ["SHUTDOWN", "SAVE", "NOSAVE"],
      ["SHUTDOWN", "NOSAVE", "NOW", "FORCE", "SAVE"],
      ["SHUTDOWN", "ABORT", "NOW"],
      ["SHUTDOWN", "FORCE", "ABORT"],
      ["SHUTDOWN", "NOSAVE", "ABORT"],
      ["SHUTDOWN", "NOW", "x"],
      ["PING"],
    ]);
  });
});

/** ECHO requests whose replies total about `bytes`, numbered so any loss or reorder shows. */
function echoes(bytes: number): { requests: Buffer; replies: Buffer } {
  const requests: Buffer[] = [];
  const replies: string[] = [];
  for (let i = 0, total = 0; total < bytes; i++) {
    const payload = `${i}:${"r".repeat(64 * 1024 + (i % 97))}`;
    requests.push(encodeCommand(["ECHO", payload]));
    const reply = `$${payload.length}\r\n${payload}\r\n`;
    replies.push(reply);
    total += reply.length;
  }
  return { requests: Buffer.concat(requests), replies: Buffer.from(replies.join(""), "latin1") };
}

describe("SHUTDOWN on a real process", () => {
  test("drains every other client's queued replies, closes cleanly, exits 0; the caller gets no reply", async () => {
    const { server, port } = await startServerProcess(["--log-dir", ""]);
    const idle = await RawClient.open(port);
    const slow = await RawClient.open(port);
    slow.socket.pause();
    const { requests, replies } = echoes(8 * 1024 * 1024);
    await slow.write(requests);
    // The server has run every ECHO once the client's send queue and the server's receive queue are empty.
    const local = slow.socket.localPort!;
    await until(() => tcpQueues(local, port)?.tx === 0 && tcpQueues(port, local)?.rx === 0, "the server to read every request");

    const caller = await RespConnection.open(port);
    // What the caller sends after SHUTDOWN in the same write is not run.
    caller.sendRaw(Buffer.concat([encodeCommand(["SHUTDOWN"]), encodeCommand(["PING"])]));
    expect(await caller.read()).toBe("<closed>");
    await server.waitFor(/waiting up to 10s for \d+ client\(s\) to receive \d+ queued bytes/);

    slow.socket.resume();
    const [slowClosed, idleClosed] = await Promise.all([slow.closed, idle.closed]);
    expect(slowClosed.error).toBeUndefined();
    expect(idleClosed.error).toBeUndefined();
    expect(slow.received).toBe(replies.length);
    // Byte for byte: replies queued in the outbox (not only those in kernel buffers) arrive intact.
    expect(slow.data().equals(replies)).toBe(true);
    expect(idle.received).toBe(0);
    expect(await server.exited).toBe(0);
    const log = server.text();
    for (const step of ["User requested shutdown", "SHUTDOWN requested by a client", "stopped accepting", "every client closed", "listener closed", "bye"]) expect(log).toContain(step);
  });

  test("SHUTDOWN NOSAVE NOW FORCE from a client in RESP3; new connections are refused afterwards", async () => {
    const { server, port } = await startServerProcess(["--log-dir", ""]);
    const other = await RespConnection.open(port);
    expect(await other.call("PING")).toBe("+PONG\r\n");
    const caller = await RespConnection.open(port);
    await caller.call("HELLO", "3");
    caller.sendRaw(encodeCommand(["shutdown", "nosave", "now", "force"]));
    expect(await caller.read()).toBe("<closed>");
    await other.untilClosed();
    expect(await server.exited).toBe(0);
    const refused = await RespConnection.open(port).then(
      (late) => late.close() === undefined && false,
      (error: NodeJS.ErrnoException) => error.code === "ECONNREFUSED",
    );
    expect(refused).toBe(true);
  });
});
