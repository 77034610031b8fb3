/**
 * @module
 * The transport's only contract with an application (echo, Redis): Bun's socket callbacks plus
 * what the shutdown coordinator needs. The transport owns accepting, counting and closing
 * connections; the application owns what a connection's bytes mean.
 */
import type { Socket } from "bun";
import type { Outbox } from "./outbox.ts";

/** Per-connection state an application keeps in `socket.data`; the transport reads its outbox. */
export interface Connection {
  /** Replies not yet taken by the kernel; the shutdown coordinator waits for it to drain. */
  readonly outbox: Outbox;
}

/** An application served over the transport. */
export interface Handler<D extends Connection> {
  /** A connection was accepted: set `socket.data`. */
  open(socket: Socket<D>): void;
  /** Bytes arrived. Not called once shutdown has begun. */
  data(socket: Socket<D>, chunk: Buffer): void;
  /** The kernel takes bytes again: flush the outbox. */
  drain(socket: Socket<D>): void;
  /** The connection is gone (either side closed it); release its state. */
  close(socket: Socket<D>, error?: Error): void;
  /** Too many clients: tell this one why before the transport closes it (`socket.data` is unset). */
  reject(socket: Socket<D>, reason: string): void;
  /**
   * Shutdown has begun: stop serving input and finish the application's own work (such as
   * flushing files) by `deadline` (ms since the epoch). The transport then drains and closes the
   * connections itself.
   */
  shutdown(deadline: number): Promise<void>;
}
