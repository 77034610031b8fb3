/**
 * @module
 * RESP for tests: encode a command, find where one reply ends (RESP2 and RESP3), and a raw
 * connection that sends commands and returns each reply's exact bytes.
 */
import { connect, type Socket } from "node:net";

/** A command as a multibulk request; arguments are byte strings (latin1). */
export function encodeCommand(args: readonly string[]): Buffer {
  let text = `*${args.length}\r\n`;
  for (const arg of args) text += `$${arg.length}\r\n${arg}\r\n`;
  return Buffer.from(text, "latin1");
}

/** The offset just past the reply starting at `start`, or -1 when it is not complete yet. */
export function replyEnd(buf: Buffer, start: number): number {
  if (start >= buf.length) return -1;
  const lineEnd = buf.indexOf("\r\n", start);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[start]!);
  const header = buf.latin1Slice(start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+": case "-": case ":": case "_": case ",": case "#": case "(":
      return next;
    case "$": case "=": case "!": {
      const length = Number(header);
      if (length < 0) return next;
      return buf.length >= next + length + 2 ? next + length + 2 : -1;
    }
    case "*": case "~": case ">": case "%": case "|": {
      let count = Number(header);
      if (count < 0) return next;
      if (type === "%" || type === "|") count *= 2;
      let at = next;
      for (let i = 0; i < count; i++) {
        at = replyEnd(buf, at);
        if (at < 0) return -1;
      }
      // An attribute (|) precedes the reply it describes.
      return type === "|" ? replyEnd(buf, at) : at;
    }
    default:
      throw new Error(`bad reply type ${JSON.stringify(type)} in ${JSON.stringify(buf.latin1Slice(start, Math.min(buf.length, start + 80)))}`);
  }
}

/** A connection that sends commands and hands back each reply's raw bytes, in order. */
export class RespConnection {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private closedFlag = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.waiting?.();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.waiting?.();
    });
    socket.on("error", () => {});
  }

  static open(port: number, host = "127.0.0.1"): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RespConnection(socket)));
      socket.setNoDelay(true);
      socket.once("error", reject);
    });
  }

  /** Whether the server has closed the connection. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends raw bytes (for malformed requests and pipelines). */
  sendRaw(bytes: Buffer | string): void {
    this.socket.write(typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
  }

  /** The next reply's bytes as a latin1 string; "<closed>" if the connection closes first. */
  async read(): Promise<string> {
    for (;;) {
      const end = replyEnd(this.buf, 0);
      if (end >= 0) {
        const reply = this.buf.latin1Slice(0, end);
        this.buf = this.buf.subarray(end);
        return reply;
      }
      if (this.closedFlag) return "<closed>";
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  /** Sends one command and returns its reply's bytes. */
  async call(...args: string[]): Promise<string> {
    this.sendRaw(encodeCommand(args));
    return this.read();
  }

  /** Waits for the server to close the connection. */
  async untilClosed(): Promise<void> {
    while (!this.closedFlag) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
