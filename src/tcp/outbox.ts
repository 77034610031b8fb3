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

  /** Sends `bytes`, queueing what the kernel does not take. */
  write(socket: Socket<unknown>, bytes: Uint8Array): void {
    let written = 0;
    if (this.pending === 0) {
      written = socket.write(bytes);
      if (written >= bytes.byteLength || written < 0) return; // all sent, or the socket is closing
    }
    this.queue.push(written === 0 ? bytes : bytes.subarray(written));
    this.pending += bytes.byteLength - written;
  }

  /**
   * Sends the first `length` bytes of `buffer`, which the caller reuses: what the kernel does not
   * take is copied into the queue. No view is made for the common case, where all of it goes.
   */
  writeTransient(socket: Socket<unknown>, buffer: Uint8Array, length: number): void {
    let written = 0;
    if (this.pending === 0) {
      written = socket.write(buffer, 0, length);
      if (written >= length || written < 0) return; // all sent, or the socket is closing
    }
    // Uint8Array's slice copies; Buffer's (which `buffer` may be) would only make a view.
    this.queue.push(Uint8Array.prototype.slice.call(buffer, written, length));
    this.pending += length - written;
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
