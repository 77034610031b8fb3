/**
 * @module
 * The oracle: a real `redis-server` started for a test file on a free port, with persistence off.
 * Where it is not installed, tests that need it are skipped with a printed reason, except under
 * CI=true, where a missing oracle fails the run.
 */
import type { Subprocess } from "bun";
import { createServer } from "node:net";
import { tempDir } from "./process.ts";

/** Whether redis-server (and redis-cli) can be run here. */
export const HAVE_REDIS = Bun.which("redis-server") !== null && Bun.which("redis-cli") !== null;

if (!HAVE_REDIS) {
  if (process.env.CI === "true") throw new Error("redis-server/redis-cli not installed: CI must install them (apt-get install redis-server redis-tools)");
  console.warn("SKIP: redis-server or redis-cli not installed; differential tests against real Redis are skipped (apt-get install redis-server redis-tools)");
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** A running redis-server. */
export interface RedisServerProcess {
  port: number;
  proc: Subprocess;
  stop(): Promise<void>;
}

/** Starts redis-server with `--save "" --appendonly no` and `extra` arguments, on a free port. */
export async function startRedisServer(extra: string[] = []): Promise<RedisServerProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const proc = Bun.spawn(["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tempDir("redis-oracle-"), ...extra], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const ready = await waitForText(proc.stdout as ReadableStream<Uint8Array>, /Ready to accept connections/);
    if (ready) {
      return {
        port,
        proc,
        async stop() {
          proc.kill("SIGKILL");
          await proc.exited;
        },
      };
    }
    proc.kill("SIGKILL");
    if (attempt >= 3) throw new Error("redis-server did not start");
  }
}

/** Reads `stream` until `pattern` shows (true) or the stream ends (false); keeps draining after. */
async function waitForText(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<boolean> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return false;
    text += decoder.decode(value, { stream: true });
    if (pattern.test(text)) {
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return true;
    }
  }
}
