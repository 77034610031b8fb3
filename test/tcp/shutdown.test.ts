import { describe, expect, test } from "bun:test";
import { RawClient, tcpQueues, until } from "../helpers/net.ts";
import { startServerProcess } from "../helpers/process.ts";

/** Lines totalling about `bytes`, numbered so any loss or reorder shows. */
function numberedLines(bytes: number): Buffer {
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const line = `line ${i} ${"p".repeat(i % 90)}\n`;
    parts.push(line);
    total += line.length;
  }
  return Buffer.from(parts.join(""));
}

describe("graceful shutdown (real process, real signals)", () => {
  for (const signal of ["SIGHUP", "SIGQUIT", "SIGTERM", "SIGINT"] as const) {
    test(`${signal}: exits 0 after logging each step`, async () => {
      const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", ""]);
      const client = await RawClient.open(port);
      await client.write("before\n");
      await client.until(7);
      server.kill(signal);
      expect(await server.exited).toBe(0);
      expect((await client.closed).error).toBeUndefined();
      const log = server.text();
      for (const step of [`received ${signal}`, "stopped accepting", "every client closed", "listener closed", "bye"]) expect(log).toContain(step);
    });
  }

  test("a slow reader gets every byte queued before the signal; then the connection closes cleanly", async () => {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", ""]);
    const client = await RawClient.open(port);
    client.socket.pause();
    const payload = numberedLines(8 * 1024 * 1024);
    await client.write(payload);
    // The server has read everything once the client's send queue and its receive queue are empty.
    const local = client.socket.localPort!;
    await until(() => {
      const mine = tcpQueues(local, port);
      const theirs = tcpQueues(port, local);
      return mine?.tx === 0 && theirs?.rx === 0;
    }, "the server to read the whole payload");
    server.kill("SIGTERM");
    await server.waitFor(/waiting up to 10s for 1 client\(s\) to receive \d+ queued bytes/);
    client.socket.resume(); // now read, slowly enough that replies were still in flight at the signal
    const closed = await client.closed;
    expect(closed.error).toBeUndefined();
    expect(client.received).toBe(payload.length);
    expect(client.data().equals(payload)).toBe(true);
    expect(await server.exited).toBe(0);
  });

  test("after the signal new connections are refused; a client that never reads is cut at the timeout", async () => {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", "", "--shutdown-timeout", "1"]);
    const client = await RawClient.open(port);
    client.socket.pause();
    client.socket.on("error", () => {});
    await client.write(numberedLines(16 * 1024 * 1024));
    await until(() => tcpQueues(port, client.socket.localPort!)?.rx === 0 && tcpQueues(client.socket.localPort!, port)?.tx === 0, "the server to read everything");
    const start = Date.now();
    server.kill("SIGTERM");
    await server.waitFor(/stopped accepting/);
    const refused = await RawClient.open(port).then(
      async (late) => {
        // Accepted by the kernel before the listener closed: must be closed without being served.
        await late.write("late\n").catch(() => {});
        await late.closed;
        return late.received === 0;
      },
      (error: NodeJS.ErrnoException) => error.code === "ECONNREFUSED",
    );
    expect(refused).toBe(true);
    expect(await server.exited).toBe(0);
    expect(Date.now() - start).toBeLessThan(8000); // the 1 s timeout, not the 10 s default
    expect(server.text()).toMatch(/timeout; closing 1 client\(s\) with \d+ bytes undelivered/);
    client.destroy();
  });

  test("a second signal during shutdown exits at once with code 1", async () => {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", "", "--shutdown-timeout", "60"]);
    const client = await RawClient.open(port);
    client.socket.pause();
    client.socket.on("error", () => {});
    await client.write(numberedLines(16 * 1024 * 1024));
    await until(() => tcpQueues(port, client.socket.localPort!)?.rx === 0, "the server to read everything");
    server.kill("SIGTERM");
    await server.waitFor(/waiting up to 60s/);
    server.kill("SIGINT");
    expect(await server.exited).toBe(1);
    expect(server.text()).toContain("received SIGINT during shutdown: exiting now");
    client.destroy();
  });
});
