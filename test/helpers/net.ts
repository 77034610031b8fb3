/**
 * @module
 * A raw TCP client for tests: send bytes, await exactly N bytes back, await the close, read the
 * kernel's queue sizes for a connection.
 */
import { connect, type Socket } from "node:net";
import { readFileSync } from "node:fs";

/** A connected raw client that collects everything it receives. */
export class RawClient {
  private chunks: Buffer[] = [];
  received = 0;
  private waiter: { bytes: number; resolve: () => void } | undefined;
  /** Resolves when the connection is closed, with whether the server's close was clean (FIN, no reset). */
  readonly closed: Promise<{ error?: Error }>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.received += chunk.length;
      if (this.waiter && this.received >= this.waiter.bytes) this.waiter.resolve();
    });
    this.closed = new Promise((resolve) => {
      let error: Error | undefined;
      socket.on("error", (e) => (error = e));
      socket.on("close", () => resolve({ error }));
    });
  }

  static open(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Writes and resolves once the bytes are handed to the kernel. */
  write(bytes: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** Resolves when at least `bytes` bytes have arrived in all. */
  until(bytes: number): Promise<void> {
    if (this.received >= bytes) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiter = { bytes, resolve };
      this.closed.then(() => (this.received >= bytes ? resolve() : reject(new Error(`closed after ${this.received} of ${bytes} bytes`))));
    });
  }

  /** Everything received so far, as one buffer. */
  data(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A TCP connection's kernel queues as /proc/net/tcp shows them. */
export interface TcpQueues {
  /** Bytes sent and not yet acknowledged by the peer (or not yet sent). */
  tx: number;
  /** Bytes received and not yet read by the owning process. */
  rx: number;
}

/** The queues of the connection whose local port is `localPort` and remote port `remotePort`. */
export function tcpQueues(localPort: number, remotePort: number): TcpQueues | undefined {
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const row of text.split("\n").slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields.length < 5) continue;
      const local = parseInt(fields[1]!.split(":")[1]!, 16);
      const remote = parseInt(fields[2]!.split(":")[1]!, 16);
      if (local === localPort && remote === remotePort) {
        const [tx, rx] = fields[4]!.split(":").map((hex) => parseInt(hex, 16));
        return { tx: tx!, rx: rx! };
      }
    }
  }
  return undefined;
}

/** Re-checks `check` every few ms until it holds: only for kernel state, which has no event. */
export async function until(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}
