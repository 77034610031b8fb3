/**
 * @module
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP. The parameters are the table in src/config.ts;
 * this file is the Redis face of it: glob patterns, Redis's value syntax and error texts, the
 * all-or-nothing SET, and the run-time effects a new value has.
 */
import { ConfigError, configNames, formatParam, isFixedParam, isParam, PARAMS, parseConfigSetValue, rewriteConfigFile, type ParamName, type ParamSpec, type ParamValue } from "../../config.ts";
import type { LogLevelName } from "../../log.ts";
import { NO_KEYS, type CommandSpec } from "../command.ts";
import { ERR_CONFIG_SET_FAILED, ERR_CONFIG_SET_UNKNOWN, ERR_NO_CONFIG_FILE, ERR_SYNTAX, ReplyError } from "../errors.ts";
import type { Server } from "../server.ts";
import { globMatch } from "../../store/glob.ts";
import { writeHelp } from "./introspection.ts";

/** What CONFIG SET writes over a secret's value in the slow log and MONITOR (Redis's shared.redacted). */
const REDACTED = "(redacted)";

/** CONFIG GET parameter [parameter ...] — O(N) in the number of parameters; glob patterns match case-insensitively. */
export const CONFIG_GET = {
  name: "config|get",
  arity: -3,
  flags: ["admin", "noscript", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }, args) {
    // Parameter -> the name the reply shows: as the client spelled it for an exact name, as
    // the table spells it for a pattern match (Redis's behaviour); each parameter once.
    const matches = new Map<string, string>();
    const names = configNames();
    for (let i = 2; i < args.length; i++) {
      const pattern = args[i]!;
      if (!/[*?[]/.test(pattern)) {
        const name = pattern.toLowerCase();
        if ((isParam(name) || isFixedParam(name)) && !matches.has(name)) matches.set(name, pattern);
        continue;
      }
      for (const name of names) if (!matches.has(name) && globMatch(pattern, name, true)) matches.set(name, name);
    }
    reply.map(matches.size);
    for (const [name, shown] of matches) {
      reply.bulk(shown);
      reply.bulk(formatParam(server.config, name));
    }
  },
} satisfies CommandSpec;

/** Applies the run-time effect of a parameter that changed (others are read where they are used). */
function applyEffect(server: Server, name: ParamName): void {
  if (name === "loglevel") server.applyLogLevel(server.config.loglevel as LogLevelName);
  else if (name === "notify-keyspace-events") server.applyNotifyConfig();
  else if (name === "appendonly") {
    if (server.config.appendonly) server.persistence.enableAof();
    else server.persistence.closeAof();
  }
}

/**
 * CONFIG SET parameter value [parameter value ...] — O(N) in the number of parameters. All or
 * nothing: every name is checked, then every value, before any is set; the first failure is the
 * error Redis would give (an unknown name first, then immutable or repeated names, then values).
 */
export const CONFIG_SET = {
  name: "config|set",
  arity: -4,
  flags: ["admin", "noscript", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }, args) {
    if (args.length % 2 !== 0) throw new ReplyError(ERR_SYNTAX);
    const pairs: { name: ParamName; value: string }[] = [];
    let error: string | undefined;
    for (let i = 2; i < args.length; i += 2) {
      const given = args[i]!;
      const name = given.toLowerCase();
      const known = isParam(name);
      if (!known && !isFixedParam(name)) {
        error ??= ERR_CONFIG_SET_UNKNOWN(given);
        continue;
      }
      const value = args[i + 1]!;
      // Secrets leave the arguments before the slow log and MONITOR see them, error or not.
      if (known && (PARAMS[name] as ParamSpec).sensitive) args[i + 1] = REDACTED;
      if (error) continue;
      if (!known || !PARAMS[name].mutable) error = ERR_CONFIG_SET_FAILED(given, "can't set immutable config");
      else if ((PARAMS[name] as ParamSpec).protected) error = ERR_CONFIG_SET_FAILED(given, "can't set protected config");
      else if (pairs.some((pair) => pair.name === name)) error = ERR_CONFIG_SET_FAILED(given, "duplicate parameter");
      else pairs.push({ name, value });
    }
    if (error) throw new ReplyError(error);
    const config = server.config as Record<ParamName, ParamValue>;
    const values = pairs.map(({ name, value }) => {
      try {
        return parseConfigSetValue(name, value, config[name]);
      } catch (failure) {
        if (failure instanceof ConfigError) throw new ReplyError(ERR_CONFIG_SET_FAILED(name, failure.message));
        throw failure;
      }
    });
    pairs.forEach(({ name }, i) => {
      const changed = config[name] !== values[i];
      config[name] = values[i]!;
      if (changed) applyEffect(server, name);
    });
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** CONFIG RESETSTAT — O(1): clears INFO's counters, command and error statistics (not the slow log, as Redis). */
export const CONFIG_RESETSTAT = {
  name: "config|resetstat",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    server.stats.reset();
    server.metrics.reset(performance.now());
    server.expireCycleMillis = 0;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** CONFIG REWRITE — O(1): writes the running configuration into the file the server started with. */
export const CONFIG_REWRITE = {
  name: "config|rewrite",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    if (server.configFile === undefined) throw new ReplyError(ERR_NO_CONFIG_FILE);
    try {
      rewriteConfigFile(server.configFile, server.config);
    } catch (error) {
      server.log.warn(`CONFIG REWRITE failed: ${(error as Error).message}`);
      throw new ReplyError(`ERR Rewriting config file: ${(error as Error).message}`);
    }
    server.log.info("CONFIG REWRITE executed with success.");
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** CONFIG HELP — O(1). */
export const CONFIG_HELP = {
  name: "config|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    writeHelp(reply, "CONFIG", [
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
    ]);
  },
} satisfies CommandSpec;

/** CONFIG subcommand — the container. */
export const CONFIG = {
  name: "config",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: { get: CONFIG_GET, set: CONFIG_SET, resetstat: CONFIG_RESETSTAT, rewrite: CONFIG_REWRITE, help: CONFIG_HELP },
} satisfies CommandSpec;

/** The configuration group. */
export const CONFIG_COMMANDS: CommandSpec[] = [CONFIG];
