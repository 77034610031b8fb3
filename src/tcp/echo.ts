/**
 * @module
 * The echo mode, the seed's first server: every line a client sends (up to and including `\n`) is
 * sent back byte for byte. A line may arrive across any number of reads; all the lines completed
 * by one read go back in one write. A client whose line or unread output grows past its limit is
 * closed, and nobody else notices.
 */
import type { Socket } from "bun";
import type { ConsolaInstance } from "consola";
import type { Connection, Handler } from "./handler.ts";
import { Outbox } from "./outbox.ts";
import { peerName } from "./server.ts";

const NEWLINE = 10;

/**
 * Splits a byte stream into lines. `push` hands every complete line to `emit` (a held partial line
 * first, then the complete lines of the chunk as one slice) and keeps the unfinished tail.
 */
export class LineBuffer {
  private partial: Uint8Array[] = [];
  private partialBytes = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly emit: (bytes: Uint8Array) => void,
  ) {}

  /** Takes one chunk; returns false when a line (without its `\n`) is longer than allowed. */
  push(chunk: Uint8Array): boolean {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.partialBytes += chunk.byteLength;
      if (this.partialBytes > this.maxLineBytes) return false;
      this.partial.push(chunk);
      return true;
    }
    if (!this.withinLimit(chunk, last)) return false;
    if (this.partial.length > 0) {
      for (const piece of this.partial) this.emit(piece);
      this.partial = [];
      this.partialBytes = 0;
    }
    this.emit(last === chunk.byteLength - 1 ? chunk : chunk.subarray(0, last + 1));
    if (last + 1 < chunk.byteLength) {
      this.partial.push(chunk.subarray(last + 1));
      this.partialBytes = chunk.byteLength - last - 1;
    }
    return true;
  }

  /** Checks every line that ends in `chunk` and its unfinished tail; most chunks need no scan. */
  private withinLimit(chunk: Uint8Array, last: number): boolean {
    const max = this.maxLineBytes;
    if (chunk.byteLength - last - 1 > max) return false;
    if (this.partialBytes + last <= max) return true; // no line ending here can be longer
    let carried = this.partialBytes;
    for (let start = 0; start <= last; ) {
      const end = chunk.indexOf(NEWLINE, start);
      if (carried + end - start > max) return false;
      carried = 0;
      start = end + 1;
    }
    return true;
  }
}

/** What an echo connection keeps in `socket.data`. */
export interface EchoConnection extends Connection {
  readonly lines: LineBuffer;
  readonly name: string;
}

/** Limits, read when a connection opens (line length) and at every check (output). */
export interface EchoLimits {
  maxLineBytes(): number;
  maxOutputBytes(): number;
}

/** The echo application. */
export class EchoHandler implements Handler<EchoConnection> {
  constructor(
    private readonly limits: EchoLimits,
    private readonly log: ConsolaInstance,
  ) {}

  open(socket: Socket<EchoConnection>): void {
    const outbox = new Outbox();
    socket.data = { outbox, name: peerName(socket), lines: new LineBuffer(this.limits.maxLineBytes(), (bytes) => outbox.write(socket, bytes)) };
  }

  data(socket: Socket<EchoConnection>, chunk: Buffer): void {
    const connection = socket.data;
    if (!connection.lines.push(chunk)) {
      this.closeClient(socket, `line longer than ${this.limits.maxLineBytes()} bytes`);
    } else if (connection.outbox.pending > this.limits.maxOutputBytes()) {
      this.closeClient(socket, `${connection.outbox.pending} bytes of output queued, over the limit of ${this.limits.maxOutputBytes()}`);
    }
  }

  drain(socket: Socket<EchoConnection>): void {
    socket.data.outbox.flush(socket);
  }

  close(socket: Socket<EchoConnection>): void {
    socket.data.outbox.clear();
  }

  reject(): void {
    // The echo protocol has no way to say why; the transport just closes the connection.
  }

  async shutdown(): Promise<void> {
    // Nothing of its own to finish: the transport drains every outbox.
  }

  private closeClient(socket: Socket<EchoConnection>, reason: string): void {
    this.log.warn(`closing client ${socket.data.name}: ${reason}`);
    socket.data.outbox.clear();
    socket.terminate();
  }
}
