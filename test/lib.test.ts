import { expect, test } from "bun:test";
import { join } from "node:path";
import { startServer } from "../src/lib.ts";
import { RawClient } from "./helpers/net.ts";

test("several servers in one process, each on its own port", async () => {
  const servers = await Promise.all([startServer({ mode: "echo" }), startServer({ mode: "echo" }), startServer({ mode: "echo" })]);
  expect(new Set(servers.map((server) => server.port)).size).toBe(3);
  for (const server of servers) {
    const client = await RawClient.open(server.port);
    await client.write(`port ${server.port}\n`);
    await client.until(`port ${server.port}\n`.length);
    expect(client.data().toString()).toBe(`port ${server.port}\n`);
    client.destroy();
  }
  await Promise.all(servers.map((server) => server.close()));
});

test("close() drains and closes connected clients", async () => {
  const server = await startServer({ mode: "echo" });
  const client = await RawClient.open(server.port);
  await client.write("bye\n");
  await client.until(4);
  await Promise.all([server.close(), client.closed]);
  expect(server.connections).toBe(0);
});

test("close() leaves nothing behind: a program that starts and closes a server ends by itself", async () => {
  const script = `
    import { startServer } from ${JSON.stringify(join(import.meta.dir, "../src/lib.ts"))};
    import { connect } from "node:net";
    const server = await startServer({ mode: "echo", "log-dir": ${JSON.stringify(join(import.meta.dir, "../.test-logs"))} });
    await new Promise((resolve) => { const s = connect(server.port, "127.0.0.1", () => { s.write("hi\\n"); }); s.on("data", () => s.end()); s.on("close", resolve); });
    await server.close();
    console.log("closed");
  `;
  const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
  const exited = await Promise.race([proc.exited, Bun.sleep(15_000).then(() => "still running")]);
  if (exited === "still running") proc.kill();
  expect(exited).toBe(0);
  expect(await new Response(proc.stdout).text()).toBe("closed\n");
});
