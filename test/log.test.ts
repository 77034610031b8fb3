import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RawClient } from "./helpers/net.ts";
import { startServerProcess, tempDir } from "./helpers/process.ts";

test("logs go to the console and to logs/<name>-<date>.log, appended across restarts", async () => {
  const dir = tempDir();
  for (let run = 0; run < 2; run++) {
    const { server, port } = await startServerProcess(["--mode", "echo", "--log-name", "echoer"], { cwd: dir });
    const client = await RawClient.open(port);
    await client.write("x\n");
    await client.until(2);
    client.end();
    await server.waitFor(/closed 127\.0\.0\.1:\d+/);
    server.kill();
    expect(await server.exited).toBe(0);
    expect(server.text()).toMatch(/accepted 127\.0\.0\.1:\d+/);
  }
  const files = readdirSync(join(dir, "logs"));
  const today = new Date().toISOString().slice(0, 10);
  expect(files).toEqual([`echoer-${today}.log`]);
  const text = readFileSync(join(dir, "logs", files[0]!), "utf8");
  expect(text.match(/listening on 127\.0\.0\.1:\d+/g)?.length).toBe(2);
  expect(text.match(/accepted 127\.0\.0\.1:\d+/g)?.length).toBe(2);
  expect(text.match(/shutdown: listener closed/g)?.length).toBe(2);
  expect(text.trimEnd().split("\n").at(-1)).toMatch(/\[main\] bye$/);
});
