/**
 * @module
 * Writes with backpressure. Bun's `socket.write` takes what the kernel accepts and returns the
 * count; the rest is queued here and sent from the `drain` callback. The queued byte count is what
 * output limits and the shutdown coordinator look at.
 */
import type { Socket } from "bun";

/** One connection's queue of bytes the kernel has not taken yet. */
export class Outbox {
  private readonly queue: Uint8Array[] = [];
  /** Bytes queued and not yet taken by the kernel. */
  pending = 0;
  /** Set by `endWhenDrained`: half-close the socket once the queue is empty. */
  private ending = false;

  /**
   * Sends `bytes`, queueing what the kernel does not take. `transient` bytes live in a buffer the
   * caller reuses, so what is queued of them is copied first.
   */
  write(socket: Socket<unknown>, bytes: Uint8Array, transient = false): void {
    if (this.pending === 0) {
      const written = socket.write(bytes);
      if (written >= bytes.byteLength || written < 0) return; // all sent, or the socket is closing
      bytes = bytes.subarray(written);
    }
    // Uint8Array's slice copies; Buffer's (which `bytes` may be) would only make a view.
    this.queue.push(transient ? Uint8Array.prototype.slice.call(bytes) : bytes);
    this.pending += bytes.byteLength;
  }

  /** Sends as much of the queue as the kernel takes; call from the `drain` callback. */
  flush(socket: Socket<unknown>): void {
    const queue = this.queue;
    let sent = 0;
    while (sent < queue.length) {
      const bytes = queue[sent]!;
      const written = socket.write(bytes);
      if (written < 0) break; // closing: nothing more will go out
      this.pending -= Math.min(written, bytes.byteLength);
      if (written < bytes.byteLength) {
        queue[sent] = bytes.subarray(written);
        break;
      }
      sent++;
    }
    queue.splice(0, sent);
    if (this.ending && this.pending === 0) socket.shutdown();
  }

  /**
   * Graceful close: once everything queued has gone to the kernel, send FIN (write side only), so
   * the replies arrive before the close and unread input cannot turn the close into a reset. The
   * peer's own close then ends the connection.
   */
  endWhenDrained(socket: Socket<unknown>): void {
    this.ending = true;
    if (this.pending === 0) socket.shutdown();
  }

  /** Drops everything queued (the connection is gone). */
  clear(): void {
    this.queue.length = 0;
    this.pending = 0;
  }
}
