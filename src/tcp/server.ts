/**
 * @module
 * The listener and the shutdown coordinator. `listen` serves a `Handler` on a TCP address (and
 * optionally a unix socket) with Bun's socket callbacks; `close()` shuts down as the seed's server
 * does: stop accepting, stop serving input, give every client until the deadline to receive what
 * is queued for it, then close everything. `closeOnSignals` wires SIGHUP/SIGQUIT/SIGTERM/SIGINT to
 * it. Nothing here knows what the bytes mean.
 */
import type { Socket, SocketHandler, SocketListener } from "bun";
import { chmodSync, rmSync } from "node:fs";
import type { ConsolaInstance } from "consola";
import type { Connection, Handler } from "./handler.ts";

/** Where to listen and the limits the transport enforces. */
export interface ListenOptions {
  bind: string;
  port: number;
  /** Also listen on this unix socket path; empty for none. */
  unixsocket: string;
  unixsocketperm: number;
  /** Connections beyond this many are refused. */
  maxclients: () => number;
  /** Seconds each client gets on shutdown to receive what is queued for it. */
  shutdownTimeout: () => number;
}

/** A running listener. */
export interface TcpServer {
  /** The TCP port actually bound (the chosen one when 0 was asked for). */
  readonly port: number;
  readonly hostname: string;
  /** Connections open now. */
  readonly connections: number;
  /** Graceful shutdown; the same promise for every call. */
  close(): Promise<void>;
}

/** Formats a peer as `host:port` (`[v6]:port`), or the unix socket path. */
export function peerName(socket: Socket<unknown>): string {
  const host = socket.remoteAddress;
  if (!host) return "unix";
  return host.includes(":") ? `[${host}]:${socket.remotePort}` : `${host}:${socket.remotePort}`;
}

/**
 * Starts serving `handler`. Throws (with the OS's reason) when the address cannot be bound; then
 * nothing is left listening.
 */
export function listen<D extends Connection>(options: ListenOptions, handler: Handler<D>, log: ConsolaInstance): TcpServer {
  /** Open connections and their peer names (the address is gone by the time `close` runs). */
  const sockets = new Map<Socket<D>, string>();
  let closing: Promise<void> | undefined;
  let allClosed: (() => void) | undefined;

  const callbacks: SocketHandler<D> = {
    open(socket) {
      if (closing) {
        socket.terminate();
        return;
      }
      if (sockets.size >= options.maxclients()) {
        log.warn(`refused ${peerName(socket)}: max number of clients reached`);
        handler.reject(socket, "max number of clients reached");
        socket.end();
        return;
      }
      const name = peerName(socket);
      sockets.set(socket, name);
      log.info(`accepted ${name}`);
      handler.open(socket);
    },
    data(socket, chunk) {
      if (!closing && sockets.has(socket)) handler.data(socket, chunk);
    },
    drain(socket) {
      if (sockets.has(socket)) handler.drain(socket);
    },
    close(socket, error) {
      const name = sockets.get(socket);
      if (name === undefined) return;
      sockets.delete(socket);
      log.info(`closed ${name}${error ? `: ${error.message}` : ""}`);
      handler.close(socket, error);
      if (sockets.size === 0) allClosed?.();
    },
    error(socket, error) {
      log.error(`connection ${sockets.get(socket) ?? peerName(socket)}:`, error);
    },
  };

  const listener = Bun.listen<D>({ hostname: options.bind, port: options.port, socket: callbacks });
  let unixListener: SocketListener<D> | undefined;
  if (options.unixsocket) {
    try {
      rmSync(options.unixsocket, { force: true });
      unixListener = Bun.listen<D>({ unix: options.unixsocket, socket: callbacks });
      if (options.unixsocketperm) chmodSync(options.unixsocket, options.unixsocketperm);
    } catch (error) {
      listener.stop(true);
      throw error;
    }
  }
  log.info(`listening on ${listener.hostname}:${listener.port}${options.unixsocket ? ` and ${options.unixsocket}` : ""}`);

  async function shutdown(): Promise<void> {
    listener.stop(false);
    unixListener?.stop(false);
    log.info("shutdown: stopped accepting connections");
    const deadline = Date.now() + options.shutdownTimeout() * 1000;
    await handler.shutdown(deadline);
    let queued = 0;
    for (const socket of sockets.keys()) {
      queued += socket.data.outbox.pending;
      socket.data.outbox.endWhenDrained(socket);
    }
    if (sockets.size > 0) {
      log.info(`shutdown: waiting up to ${options.shutdownTimeout()}s for ${sockets.size} client(s) to receive ${queued} queued bytes`);
      let timer: Timer | undefined;
      await new Promise<void>((resolve) => {
        allClosed = resolve;
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      clearTimeout(timer);
    }
    if (sockets.size > 0) {
      let undelivered = 0;
      for (const socket of sockets.keys()) undelivered += socket.data.outbox.pending;
      log.warn(`shutdown: timeout; closing ${sockets.size} client(s) with ${undelivered} bytes undelivered`);
      for (const socket of [...sockets.keys()]) socket.terminate();
    } else {
      log.info("shutdown: every client closed");
    }
    listener.stop(true);
    unixListener?.stop(true);
    if (options.unixsocket) rmSync(options.unixsocket, { force: true });
    log.info("shutdown: listener closed");
  }

  return {
    port: listener.port,
    hostname: listener.hostname,
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}

/** The signals that start a graceful shutdown, as the seed's server listens for. */
export const SHUTDOWN_SIGNALS = ["SIGHUP", "SIGQUIT", "SIGTERM", "SIGINT"] as const;

/**
 * Wires the shutdown signals to `server.close()`, then `done(0)`; a second signal during shutdown
 * calls `done(1)` at once. Returns a function that removes the listeners.
 */
export function closeOnSignals(server: { close(): Promise<void> }, log: ConsolaInstance, done: (code: number) => void): () => void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      log.warn(`received ${signal} during shutdown: exiting now`);
      done(1);
      return;
    }
    received = true;
    log.info(`received ${signal}: shutting down`);
    server.close().then(
      () => done(0),
      (error) => {
        log.error("shutdown failed:", error);
        done(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of SHUTDOWN_SIGNALS) process.off(signal, onSignal);
  };
}
