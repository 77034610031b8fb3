/**
 * @module
 * Commands that act on connections rather than on data: CLIENT and its subcommands (ID, SETNAME,
 * GETNAME, LIST, INFO, KILL, PAUSE, UNPAUSE, REPLY, NO-EVICT, ...), MONITOR and SHUTDOWN. The
 * sockets stay the handler's: these reach other connections only through `ClientHandle`.
 *
 * Redis 7.0 is the model, with two Redis 7.2 subcommands that client libraries send on connect:
 * CLIENT SETINFO (node-redis and ioredis pipeline it after the handshake) and CLIENT NO-TOUCH.
 * Their `lib-name=`/`lib-ver=` fields are added to a CLIENT LIST line only when set, so a line is
 * Redis 7.0's exact field list otherwise.
 */
import { toBigInteger, toInteger } from "../arguments.ts";
import type { Client } from "../client.ts";
import { NO_KEYS, type CommandContext, type CommandFlag, type CommandSpec } from "../command.ts";
import {
  ERR_CACHING_WITHOUT_TRACKING,
  ERR_CLIENT_ID_RANGE,
  ERR_INVALID_CLIENT_ID,
  ERR_NO_SHUTDOWN,
  ERR_SHUTDOWN_FAILED,
  ERR_NO_SUCH_CLIENT,
  ERR_NO_SUCH_USER,
  ERR_NOT_INTEGER,
  ERR_PAUSE_MODE,
  ERR_PAUSE_TIMEOUT,
  ERR_SETINFO_OPTION,
  ERR_SETINFO_VALUE,
  ERR_SUBCOMMAND_SYNTAX,
  ERR_SYNTAX,
  ERR_TIMEOUT_NEGATIVE,
  ERR_UNBLOCK_REASON,
  ERR_UNKNOWN_CLIENT_TYPE,
  ReplyError,
} from "../errors.ts";
import type { ClientHandle, Server } from "../server.ts";
import { isPrintableWord, validateClientName } from "./connection.ts";

/** The kinds of client CLIENT LIST TYPE and CLIENT KILL TYPE select. */
export type ClientType = "normal" | "master" | "replica" | "pubsub";

/** A client type by the name CLIENT LIST/KILL TYPE takes (`slave` is `replica`'s old name). */
function parseClientType(name: string): ClientType {
  switch (name.toLowerCase()) {
    case "normal":
      return "normal";
    case "master":
      return "master";
    case "replica":
    case "slave":
      return "replica";
    case "pubsub":
      return "pubsub";
    default:
      throw new ReplyError(ERR_UNKNOWN_CLIENT_TYPE(name));
  }
}

/** The type of a connected client: `pubsub` while subscribed, else `normal` (MONITOR clients too, as in Redis). */
export function clientType(client: Client): ClientType {
  return client.subscriptions !== undefined ? "pubsub" : "normal";
}

/** CLIENT LIST's `flags=`: Redis's letters, in Redis's order; `N` for none. */
function clientFlags(client: Client): string {
  let flags = "";
  if (client.monitor) flags += "O";
  if (client.subscriptions !== undefined) flags += "P";
  if (client.multi !== undefined) flags += "x";
  if (client.blocked) flags += "b";
  if (client.dirtyCas) flags += "d";
  if (client.closeAfterReply) flags += "c";
  if (client.unixSocket) flags += "U";
  if (client.noEvict) flags += "e";
  if (client.noTouch) flags += "T";
  return flags || "N";
}

/**
 * One CLIENT LIST line (without the newline), Redis 7.0's fields in Redis's order. `running` is
 * the command being run when the line describes its own client (its `argv-mem`). Figures Redis
 * takes from its own buffers are ours: replies are built in one shared writer, so `obl` is 0 and
 * only the outbox counts (`omem`, and `oll` 1 while anything is queued); the socket's read buffer
 * is Bun's, so `rbs`, `rbp` and `qbuf-free` are 0.
 */
export function clientInfoLine(server: Server, handle: ClientHandle, running?: readonly string[]): string {
  const client = handle.client;
  const now = server.clock.now();
  const age = Math.max(0, Math.floor((now - client.createdAt) / 1000));
  const idle = Math.max(0, Math.floor((now - client.lastInteraction) / 1000));
  const qbuf = handle.queryBufferBytes();
  const omem = handle.outputBytes();
  const argv = running ?? client.postponed;
  let argvMem = 0;
  if (argv) for (const arg of argv) argvMem += arg.length;
  const subscriptions = client.subscriptions;
  const multiMem = client.multi?.bytes ?? 0;
  let line =
    `id=${client.id} addr=${client.address} laddr=${client.localAddress} fd=${client.fd} name=${client.name}` +
    ` age=${age} idle=${idle} flags=${clientFlags(client)} db=${client.db} sub=${subscriptions?.channels.size ?? 0}` +
    ` psub=${subscriptions?.patterns.size ?? 0} ssub=${subscriptions?.shardChannels.size ?? 0} multi=${client.multi?.commands.length ?? -1}` +
    ` qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=${multiMem} rbs=0 rbp=0 obl=0 oll=${omem > 0 ? 1 : 0}` +
    ` omem=${omem} tot-mem=${qbuf + argvMem + multiMem + omem} events=${omem > 0 ? "rw" : "r"} cmd=${client.lastCommand}` +
    ` user=default redir=-1 resp=${client.protocol}`;
  if (client.libName !== "" || client.libVersion !== "") line += ` lib-name=${client.libName} lib-ver=${client.libVersion}`;
  return line;
}

/** The handle of the client running the command. */
function ownHandle({ server, client }: CommandContext): ClientHandle {
  const handle = server.clients.get(client.id);
  if (!handle) throw new Error(`client ${client.id} is not connected`);
  return handle;
}

/** Who may run a subcommand: any client, or (as COMMAND INFO shows) an admin. */
type Access = "user" | "admin";

const USER_FLAGS: readonly CommandFlag[] = ["noscript", "loading", "stale"];
const ADMIN_FLAGS: readonly CommandFlag[] = ["admin", "noscript", "loading", "stale"];

/** A CLIENT subcommand spec with the flags and categories COMMAND INFO shows for its access. */
function subcommand(name: string, arity: number, access: Access, run: (ctx: CommandContext, args: string[]) => void): CommandSpec {
  return {
    name: `client|${name}`,
    arity,
    flags: access === "admin" ? ADMIN_FLAGS : USER_FLAGS,
    keys: NO_KEYS,
    categories: access === "admin" ? ["admin", "slow", "dangerous", "connection"] : ["slow", "connection"],
    run,
  };
}

/** Parses CLIENT NO-EVICT / NO-TOUCH's ON|OFF. */
function onOff(text: string): boolean {
  const value = text.toLowerCase();
  if (value === "on") return true;
  if (value === "off") return false;
  throw new ReplyError(ERR_SYNTAX);
}

/** CLIENT ID — O(1). */
export const CLIENT_ID = subcommand("id", 2, "user", ({ client, reply }) => reply.integer(client.id));

/** CLIENT SETNAME connection-name — O(1). An empty name clears it. */
export const CLIENT_SETNAME = subcommand("setname", 3, "user", ({ client, reply }, args) => {
  validateClientName(args[2]!);
  client.name = args[2]!;
  reply.simple("OK");
});

/** CLIENT GETNAME — O(1); nil when unnamed. */
export const CLIENT_GETNAME = subcommand("getname", 2, "user", ({ client, reply }) => {
  if (client.name === "") reply.null();
  else reply.bulk(client.name);
});

/** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id [client-id ...]] — O(N) in clients. */
export const CLIENT_LIST = subcommand("list", -2, "admin", (ctx, args) => {
  const { server, client, reply } = ctx;
  let selected: ClientHandle[];
  if (args.length === 2) {
    selected = [...server.clients.values()];
  } else if (args.length === 4 && args[2]!.toLowerCase() === "type") {
    const type = parseClientType(args[3]!);
    selected = [...server.clients.values()].filter((handle) => clientType(handle.client) === type);
  } else if (args.length > 3 && args[2]!.toLowerCase() === "id") {
    // Every id is checked before any line is written; the lines follow the ids' order.
    const ids = args.slice(3).map((text) => {
      const id = toInteger(text);
      if (id === undefined) throw new ReplyError(ERR_INVALID_CLIENT_ID);
      return id;
    });
    selected = ids.map((id) => server.clients.get(id)).filter((handle) => handle !== undefined);
  } else {
    throw new ReplyError(ERR_SYNTAX);
  }
  let text = "";
  for (const handle of selected) text += `${clientInfoLine(server, handle, handle.client === client ? args : undefined)}\n`;
  reply.verbatim(text);
});

/** CLIENT INFO — O(1): this connection's CLIENT LIST line. */
export const CLIENT_INFO = subcommand("info", 2, "user", (ctx, args) => {
  ctx.reply.verbatim(`${clientInfoLine(ctx.server, ownHandle(ctx), args)}\n`);
});

/**
 * CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE type] [USER username] [ADDR ip:port]
 * [LADDR ip:port] [SKIPME yes|no] ... — O(N) in clients. The old form replies OK (or an error when
 * nothing matched) and may kill the caller; the new form replies the count and skips the caller
 * unless SKIPME no. A client that kills itself gets this reply first, then is closed.
 */
export const CLIENT_KILL = subcommand("kill", -3, "admin", ({ server, client, reply }, args) => {
  let address: string | undefined;
  let localAddress: string | undefined;
  let id: number | undefined;
  let type: ClientType | undefined;
  let skipMe = true;
  if (args.length === 3) {
    address = args[2]!;
    skipMe = false;
  } else {
    for (let i = 2; i < args.length; i += 2) {
      if (i + 1 >= args.length) throw new ReplyError(ERR_SYNTAX);
      const value = args[i + 1]!;
      switch (args[i]!.toLowerCase()) {
        case "id": {
          const parsed = toInteger(value);
          if (parsed === undefined || parsed < 1) throw new ReplyError(ERR_CLIENT_ID_RANGE);
          id = parsed;
          break;
        }
        case "type":
          type = parseClientType(value);
          break;
        case "addr":
          address = value;
          break;
        case "laddr":
          localAddress = value;
          break;
        case "user":
          // Until ACL users exist, `default` is the only user and every client is logged in as it.
          if (value !== "default") throw new ReplyError(ERR_NO_SUCH_USER(value));
          break;
        case "skipme": {
          const answer = value.toLowerCase();
          if (answer !== "yes" && answer !== "no") throw new ReplyError(ERR_SYNTAX);
          skipMe = answer === "yes";
          break;
        }
        default:
          throw new ReplyError(ERR_SYNTAX);
      }
    }
  }
  let killed = 0;
  let killSelf = false;
  for (const handle of [...server.clients.values()]) {
    const target = handle.client;
    if (address !== undefined && target.address !== address) continue;
    if (localAddress !== undefined && target.localAddress !== localAddress) continue;
    if (type !== undefined && clientType(target) !== type) continue;
    if (id !== undefined && target.id !== id) continue;
    if (target === client) {
      if (skipMe) continue;
      killSelf = true;
    } else {
      handle.kill();
    }
    killed++;
  }
  if (args.length === 3) {
    if (killed === 0) throw new ReplyError(ERR_NO_SUCH_CLIENT);
    reply.simple("OK");
  } else {
    reply.integer(killed);
  }
  if (killSelf) client.closeAfterReply = true;
});

/**
 * CLIENT PAUSE timeout [WRITE|ALL] — O(1). Holds every command (ALL, the default) or the writes
 * (WRITE) of every client, this one included, for `timeout` milliseconds or until CLIENT UNPAUSE.
 */
export const CLIENT_PAUSE = subcommand("pause", -3, "admin", ({ server, reply }, args) => {
  if (args.length > 4) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  let all = true;
  if (args.length === 4) {
    const mode = args[3]!.toLowerCase();
    if (mode === "write") all = false;
    else if (mode !== "all") throw new ReplyError(ERR_PAUSE_MODE);
  }
  const timeout = toBigInteger(args[2]!);
  if (timeout === undefined) throw new ReplyError(ERR_PAUSE_TIMEOUT);
  if (timeout < 0n) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  // As Redis 7.0: 0 means "ends now", and the end is a signed 64-bit sum that wraps (so a timeout
  // near 2^63 ends at once instead of pausing forever).
  const end = timeout === 0n ? 0 : Number(BigInt.asIntN(64, timeout + BigInt(server.clock.now())));
  server.pause(end, all);
  reply.simple("OK");
});

/** CLIENT UNPAUSE — O(N) in the clients held: ends CLIENT PAUSE. */
export const CLIENT_UNPAUSE = subcommand("unpause", 2, "admin", ({ server, reply }) => {
  server.unpause();
  reply.simple("OK");
});

/**
 * CLIENT REPLY ON|OFF|SKIP — O(1). OFF and SKIP reply nothing (the dispatcher drops replies while
 * `replyOff`, and the next one after SKIP); ON replies OK, even right after SKIP.
 */
export const CLIENT_REPLY = subcommand("reply", 3, "user", ({ client, reply }, args) => {
  const mode = args[2]!.toLowerCase();
  if (mode === "on") {
    client.replyOff = client.skipThis = false;
    reply.simple("OK");
  } else if (mode === "off") {
    client.replyOff = true;
  } else if (mode === "skip") {
    if (!client.replyOff) client.skipNext = true;
  } else {
    throw new ReplyError(ERR_SYNTAX);
  }
});

/** CLIENT NO-EVICT ON|OFF — O(1). Kept for when client eviction (maxmemory-clients) exists. */
export const CLIENT_NO_EVICT = subcommand("no-evict", 3, "admin", ({ client, reply }, args) => {
  client.noEvict = onOff(args[2]!);
  reply.simple("OK");
});

/** CLIENT NO-TOUCH ON|OFF (Redis 7.2) — O(1). Kept for when keys have an LRU/LFU clock. */
export const CLIENT_NO_TOUCH = subcommand("no-touch", 3, "user", ({ client, reply }, args) => {
  client.noTouch = onOff(args[2]!);
  reply.simple("OK");
});

/** CLIENT SETINFO LIB-NAME libname | LIB-VER libver (Redis 7.2) — O(1). An empty value clears it. */
export const CLIENT_SETINFO = subcommand("setinfo", 4, "user", ({ client, reply }, args) => {
  const option = args[2]!.toLowerCase();
  if (option !== "lib-name" && option !== "lib-ver") throw new ReplyError(ERR_SETINFO_OPTION(args[2]!));
  if (!isPrintableWord(args[3]!)) throw new ReplyError(ERR_SETINFO_VALUE(args[2]!));
  if (option === "lib-name") client.libName = args[3]!;
  else client.libVersion = args[3]!;
  reply.simple("OK");
});

/** CLIENT GETREDIR — O(1): -1, as client-side caching (tracking) is not implemented. */
export const CLIENT_GETREDIR = subcommand("getredir", 2, "user", ({ reply }) => reply.integer(-1));

/** CLIENT TRACKINGINFO — O(1): tracking is never on here, so always `off`, no redirect, no prefixes. */
export const CLIENT_TRACKINGINFO = subcommand("trackinginfo", 2, "user", ({ reply }) => {
  reply.map(3);
  reply.bulk("flags");
  reply.set(1);
  reply.bulk("off");
  reply.bulk("redirect");
  reply.integer(-1);
  reply.bulk("prefixes");
  reply.array(0);
});

/** CLIENT CACHING YES|NO — O(1): always Redis's error for a client not in tracking mode. */
export const CLIENT_CACHING = subcommand("caching", 3, "user", () => {
  throw new ReplyError(ERR_CACHING_WITHOUT_TRACKING);
});

/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR] — O(log N). Ends a client's wait in a blocking command:
 * as if it timed out, or with an UNBLOCKED error. Replies 1 if that client was blocked, else 0 (a
 * client held by CLIENT PAUSE is not unblocked by it, as in Redis).
 */
export const CLIENT_UNBLOCK = subcommand("unblock", -3, "admin", ({ reply, server }, args) => {
  if (args.length > 4) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  let error = false;
  if (args.length === 4) {
    const reason = args[3]!.toLowerCase();
    if (reason !== "timeout" && reason !== "error") throw new ReplyError(ERR_UNBLOCK_REASON);
    error = reason === "error";
  }
  const id = toInteger(args[2]!);
  if (id === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  reply.integer(server.blocking.unblockClient(id, error) ? 1 : 0);
});

/** Redis 7.0's CLIENT HELP text. */
const CLIENT_HELP_LINES = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "HELP",
  "    Prints this help.",
];

/** CLIENT HELP — O(1). */
export const CLIENT_HELP = {
  ...subcommand("help", 2, "user", ({ reply }) => {
    reply.array(CLIENT_HELP_LINES.length);
    for (const line of CLIENT_HELP_LINES) reply.simple(line);
  }),
  flags: ["loading", "stale"],
} satisfies CommandSpec;

/**
 * CLIENT subcommand [arguments] — the container; the dispatcher resolves the subcommand. TRACKING
 * is not implemented (no client-side caching), so it is an unknown subcommand.
 */
export const CLIENT = {
  name: "client",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: Object.fromEntries(
    [
      CLIENT_ID, CLIENT_SETNAME, CLIENT_GETNAME, CLIENT_LIST, CLIENT_INFO, CLIENT_KILL, CLIENT_PAUSE, CLIENT_UNPAUSE,
      CLIENT_REPLY, CLIENT_NO_EVICT, CLIENT_NO_TOUCH, CLIENT_SETINFO, CLIENT_GETREDIR, CLIENT_TRACKINGINFO,
      CLIENT_CACHING, CLIENT_UNBLOCK, CLIENT_HELP,
    ].map((spec) => [spec.name.slice("client|".length), spec]),
  ),
} satisfies CommandSpec;

/**
 * MONITOR — O(1) to start; then every command other clients (and this one) run is sent to this
 * client as it runs, except admin commands and those flagged skip_monitor. A second MONITOR is
 * ignored without a reply, as in Redis; RESET or closing ends it.
 */
export const MONITOR = {
  name: "monitor",
  arity: 1,
  flags: ["admin", "noscript", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run(ctx) {
    const { server, client, reply } = ctx;
    if (client.monitor) return;
    client.monitor = true;
    server.monitors.add(ownHandle(ctx));
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] — O(N) in clients, to drain them. Starts the
 * graceful shutdown (every client gets what is queued for it, then a clean close). The caller gets
 * no reply, as from Redis, which exits instead; nothing it sent after SHUTDOWN runs. First the AOF
 * is fsynced and, with save points (or SAVE; not with NOSAVE), the RDB file saved; if that fails
 * the server stays up and replies an error, unless FORCE. No shutdown ever waits (for replicas),
 * so ABORT always finds none in progress.
 */
export const SHUTDOWN = {
  name: "shutdown",
  arity: -1,
  flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, client }, args) {
    let save = false;
    let noSave = false;
    let other = false;
    let abort = false;
    let force = false;
    for (let i = 1; i < args.length; i++) {
      const option = args[i]!.toLowerCase();
      if (option === "save") save = true;
      else if (option === "nosave") noSave = true;
      else if (option === "now") other = true;
      else if (option === "force") other = force = true;
      else if (option === "abort") abort = true;
      else throw new ReplyError(ERR_SYNTAX);
    }
    if ((abort && (save || noSave || other)) || (save && noSave)) throw new ReplyError(ERR_SYNTAX);
    if (abort) throw new ReplyError(ERR_NO_SHUTDOWN);
    server.log.warn("User requested shutdown...");
    const request = { save: save ? true : noSave ? false : undefined };
    try {
      server.persistence.shutdown(request);
    } catch (error) {
      server.log.warn(`Error trying to save the DB: ${(error as Error).message}`);
      if (!force) throw new ReplyError(ERR_SHUTDOWN_FAILED);
    }
    client.closeAfterReply = true;
    server.shutdown(request);
  },
} satisfies CommandSpec;

/** The client-management group. */
export const CLIENT_COMMANDS: CommandSpec[] = [CLIENT, MONITOR, SHUTDOWN];
