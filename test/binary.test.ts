import { expect, test } from "bun:test";
import { join } from "node:path";
import { RawClient } from "./helpers/net.ts";
import { startServerProcess, tempDir } from "./helpers/process.ts";

test("the compiled binary echoes and shuts down like the source", async () => {
  const out = join(tempDir(), "bunredis");
  const build = Bun.spawnSync(
    [process.execPath, "build", "--compile", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", join(import.meta.dir, "../src/index.ts"), "--outfile", out],
    { stdout: "pipe", stderr: "pipe" },
  );
  expect(build.exitCode, build.stderr.toString()).toBe(0);
  const { server, port } = await startServerProcess(["--mode", "echo", "--log-dir", ""], { command: [out] });
  const client = await RawClient.open(port);
  await client.write("compiled\n");
  await client.until(9);
  expect(client.data().toString()).toBe("compiled\n");
  server.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(server.text()).toContain("shutdown: listener closed");
}, 120_000);
