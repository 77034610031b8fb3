/**
 * @module
 * Runs bunredis as a real process (for signals, exit codes, start-up errors and the binary) and
 * follows its output line by line, so a test can await a log line instead of sleeping.
 */
import type { Subprocess } from "bun";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The command that runs the server from source with the pinned Bun. */
export const SOURCE_COMMAND = [process.execPath, "run", join(import.meta.dir, "../../src/index.ts")];

/** A fresh temporary folder. */
export function tempDir(prefix = "bunredis-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A running server process and its output. */
export class ServerProcess {
  readonly output: string[] = [];
  private waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  /** Resolves with the exit code. */
  readonly exited: Promise<number>;

  constructor(readonly proc: Subprocess<"ignore", "pipe", "pipe">) {
    this.follow(proc.stdout);
    this.follow(proc.stderr);
    this.exited = proc.exited;
  }

  /** Awaits the first output line (already seen or still to come) that matches `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.output) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ pattern, resolve });
      this.exited.then((code) => reject(new Error(`server exited with ${code} before printing ${pattern}; output:\n${this.text()}`)));
    });
  }

  /** All output so far. */
  text(): string {
    return this.output.join("\n");
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.proc.kill(signal);
  }

  private async follow(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        this.add(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    }
    if (pending) this.add(pending);
  }

  private add(line: string): void {
    this.output.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      const match = line.match(waiter.pattern);
      if (match) waiter.resolve(match);
      return !match;
    });
  }
}

/** Spawns the server (from source unless `command` is given) with `args`, in `cwd`. */
export function spawnServer(args: string[], options: { cwd?: string; command?: string[] } = {}): ServerProcess {
  const proc = Bun.spawn([...(options.command ?? SOURCE_COMMAND), ...args], {
    cwd: options.cwd ?? tempDir(),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  return new ServerProcess(proc);
}

/** Spawns a server on a free port and waits until it listens; returns it with its port. */
export async function startServerProcess(args: string[], options: { cwd?: string; command?: string[] } = {}): Promise<{ server: ServerProcess; port: number }> {
  const server = spawnServer(["--port", "0", "--bind", "127.0.0.1", ...args], options);
  const match = await server.waitFor(/listening on [^ ]+:(\d+)/);
  return { server, port: Number(match[1]) };
}
