/**
 * @module
 * Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.
 */
import { NO_KEYS, type CommandContext, type CommandSpec } from "../command.ts";
import { ERR_AUTH_NOT_CONFIGURED, ERR_CLIENT_NAME, ERR_DB_INDEX, ERR_HELLO_NOAUTH, ERR_SYNTAX, ERR_WRONGPASS, ReplyError } from "../errors.ts";
import { parseInteger } from "../arguments.ts";
import { REDIS_VERSION } from "../version.ts";
import type { Client } from "../client.ts";
import { discardTransaction } from "../transactions.ts";

/** Whether `username`/`password` authenticate as the default user (the only user before ACL). */
function passwordMatches(ctx: CommandContext, username: string, password: string): boolean {
  const required = ctx.server.config.requirepass;
  return username === "default" && (required === "" || password === required);
}

/** Whether `text` is printable ASCII without spaces, so CLIENT LIST's fields still split on spaces. */
export function isPrintableWord(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** Checks a client name as CLIENT SETNAME and HELLO SETNAME do. */
export function validateClientName(name: string): void {
  if (!isPrintableWord(name)) throw new ReplyError(ERR_CLIENT_NAME);
}

/** What MONITOR and SLOWLOG show instead of a password (Redis's redactClientCommandArgument). */
const REDACTED = "(redacted)";

/**
 * Resets a session to a fresh connection's state (RESET), clearing what Redis 7.0's
 * clearClientConnectionState clears: NO-EVICT, the library name and version, and the skip of the
 * reply being written (RESET after CLIENT REPLY SKIP stays silent) are kept.
 */
function resetClient(ctx: CommandContext, client: Client): void {
  client.db = 0;
  client.protocol = 2;
  client.name = "";
  client.replyOff = client.skipNext = false;
  // NO-TOUCH came with Redis 7.2, whose RESET clears it.
  client.noTouch = false;
  client.authenticated = ctx.server.config.requirepass === "";
  if (client.monitor) {
    client.monitor = false;
    const handle = ctx.server.clients.get(client.id);
    if (handle) ctx.server.monitors.delete(handle);
  }
  // Out of MULTI (the queue dropped), no watched keys, no subscriptions (and no replies for them).
  discardTransaction(client, ctx.server.watches);
  const handle = ctx.server.clients.get(client.id);
  if (handle && client.subscriptions !== undefined) ctx.server.pubsub.unsubscribeAll(handle);
}

/** PING [message] — O(1). A RESP2 subscriber gets `["pong", message or ""]`, as a push would be. */
export const PING = {
  name: "ping",
  arity: -1,
  flags: ["fast", "sentinel"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run({ client, reply }, args) {
    if (args.length > 2) throw new ReplyError("ERR wrong number of arguments for 'ping' command");
    if (client.subscriptions !== undefined && reply.protocol === 2) {
      reply.array(2);
      reply.bulk("pong");
      reply.bulk(args.length === 2 ? args[1]! : "");
    } else if (args.length === 2) reply.bulk(args[1]!);
    else reply.simple("PONG");
  },
} satisfies CommandSpec;

/** ECHO message — O(1). */
export const ECHO = {
  name: "echo",
  arity: 2,
  flags: ["loading", "stale", "fast"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run({ reply }, args) {
    reply.bulk(args[1]!);
  },
} satisfies CommandSpec;

/** QUIT — replies OK, then closes the connection once the reply is sent. */
export const QUIT = {
  name: "quit",
  arity: -1,
  flags: ["allow_busy", "noscript", "loading", "stale", "fast", "no_auth"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run({ reply, client }) {
    reply.simple("OK");
    client.closeAfterReply = true;
  },
} satisfies CommandSpec;

/** SELECT index — O(1). */
export const SELECT = {
  name: "select",
  arity: 2,
  flags: ["loading", "stale", "fast"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run({ reply, client, server }, args) {
    const index = parseInteger(args[1]!);
    if (index < 0 || index >= server.config.databases) throw new ReplyError(ERR_DB_INDEX);
    client.db = index;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** AUTH [username] password — O(N) in the password length. */
export const AUTH = {
  name: "auth",
  arity: -2,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "sentinel", "allow_busy"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run(ctx, args) {
    if (args.length > 3) throw new ReplyError(ERR_SYNTAX);
    const [username, password] = args.length === 2 ? ["default", args[1]!] : [args[1]!, args[2]!];
    // Redacted in place, whatever the outcome: MONITOR and SLOWLOG read these same arguments.
    for (let i = 1; i < args.length; i++) args[i] = REDACTED;
    if (args.length === 2 && ctx.server.config.requirepass === "") throw new ReplyError(ERR_AUTH_NOT_CONFIGURED);
    if (!passwordMatches(ctx, username, password)) throw new ReplyError(ERR_WRONGPASS);
    ctx.client.authenticated = true;
    ctx.reply.simple("OK");
  },
} satisfies CommandSpec;

/** HELLO [protover [AUTH username password] [SETNAME clientname]] — O(1). */
export const HELLO = {
  name: "hello",
  arity: -1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "sentinel", "allow_busy"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run(ctx, args) {
    const { client, reply } = ctx;
    let version = 0;
    let next = 1;
    if (args.length >= 2) {
      version = parseInteger(args[next++]!, "ERR Protocol version is not an integer or out of range");
      if (version < 2 || version > 3) throw new ReplyError("NOPROTO unsupported protocol version");
    }
    let credentials: [string, string] | undefined;
    let name: string | undefined;
    for (let j = next; j < args.length; j++) {
      const more = args.length - 1 - j;
      const option = args[j]!.toLowerCase();
      if (option === "auth" && more >= 2) {
        credentials = [args[j + 1]!, args[j + 2]!];
        args[j + 1] = args[j + 2] = REDACTED;
        j += 2;
      } else if (option === "setname" && more >= 1) {
        name = args[++j]!;
      } else throw new ReplyError(`ERR Syntax error in HELLO option '${args[j]}'`);
    }
    if (credentials) {
      if (!passwordMatches(ctx, ...credentials)) throw new ReplyError(ERR_WRONGPASS);
      client.authenticated = true;
    }
    // Redis 7.0 sets the name before it checks that the client is authenticated: a HELLO SETNAME
    // refused with NOAUTH has still named the client.
    if (name !== undefined) {
      validateClientName(name);
      client.name = name;
    }
    if (!client.authenticated) throw new ReplyError(ERR_HELLO_NOAUTH);
    if (version) client.protocol = version as 2 | 3;
    reply.protocol = client.protocol;
    reply.map(7);
    reply.bulk("server");
    reply.bulk("redis");
    reply.bulk("version");
    reply.bulk(REDIS_VERSION);
    reply.bulk("proto");
    reply.integer(client.protocol);
    reply.bulk("id");
    reply.integer(client.id);
    reply.bulk("mode");
    reply.bulk("standalone");
    reply.bulk("role");
    reply.bulk("master");
    reply.bulk("modules");
    reply.array(0);
  },
} satisfies CommandSpec;

/** RESET — back to a fresh connection's state; replies `RESET`. */
export const RESET = {
  name: "reset",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  keys: NO_KEYS,
  categories: ["fast", "connection"],
  run(ctx) {
    resetClient(ctx, ctx.client);
    ctx.reply.protocol = 2;
    ctx.reply.simple("RESET");
  },
} satisfies CommandSpec;

/** The connection group. */
export const CONNECTION_COMMANDS: CommandSpec[] = [PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET];
