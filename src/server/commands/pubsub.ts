/**
 * @module
 * Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, the shard forms
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH (one shard here, as Redis without cluster), and PUBSUB's
 * introspection. The registry and the delivery are ../pubsub.ts; what a RESP2 subscriber may run
 * is the dispatcher's check (server.ts).
 */
import { NO_KEYS, type CommandContext, type CommandFlag, type CommandSpec } from "../command.ts";
import { ERR_SUBCOMMAND_SYNTAX, ERR_SUBSCRIBE_DENY_BLOCKING, ReplyError } from "../errors.ts";
import { writeHelp } from "./introspection.ts";

const SUBSCRIBE_FLAGS: readonly CommandFlag[] = ["pubsub", "noscript", "loading", "stale"];
const PUBLISH_FLAGS: readonly CommandFlag[] = ["pubsub", "loading", "stale", "fast"];
/** Shard channels are keys for cluster routing (Redis's key specs mark them not_key). */
const ALL_ARGUMENTS = { first: 1, last: -1, step: 1 } as const;

/**
 * A client that expects one reply per command (a script's) cannot subscribe; MULTI/EXEC can, as
 * Redis allows for compatibility, except for the shard form.
 */
function checkMaySubscribe({ client }: CommandContext, command: string, shard: boolean): void {
  if (client.denyBlocking && (shard || client.multi === undefined)) throw new ReplyError(ERR_SUBSCRIBE_DENY_BLOCKING(command));
}

/** SUBSCRIBE channel [channel ...] — O(N) in the channels. A `subscribe` push per channel. */
export const SUBSCRIBE = {
  name: "subscribe",
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  keys: NO_KEYS,
  categories: ["pubsub", "slow"],
  run(ctx, args) {
    checkMaySubscribe(ctx, "SUBSCRIBE", false);
    for (let i = 1; i < args.length; i++) ctx.server.pubsub.subscribe(ctx.client, args[i]!, "channel", ctx.reply);
  },
} satisfies CommandSpec;

/** UNSUBSCRIBE [channel ...] — O(N) in the channels; every channel when none is named. */
export const UNSUBSCRIBE = {
  name: "unsubscribe",
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  keys: NO_KEYS,
  categories: ["pubsub", "slow"],
  run({ server, client, reply }, args) {
    server.pubsub.unsubscribe(client, args.slice(1), "channel", reply);
  },
} satisfies CommandSpec;

/** PSUBSCRIBE pattern [pattern ...] — O(N) in the patterns. Glob-style patterns. */
export const PSUBSCRIBE = {
  name: "psubscribe",
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  keys: NO_KEYS,
  categories: ["pubsub", "slow"],
  run(ctx, args) {
    checkMaySubscribe(ctx, "PSUBSCRIBE", false);
    for (let i = 1; i < args.length; i++) ctx.server.pubsub.psubscribe(ctx.client, args[i]!, ctx.reply);
  },
} satisfies CommandSpec;

/** PUNSUBSCRIBE [pattern ...] — O(N) in the patterns; every pattern when none is named. */
export const PUNSUBSCRIBE = {
  name: "punsubscribe",
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  keys: NO_KEYS,
  categories: ["pubsub", "slow"],
  run({ server, client, reply }, args) {
    server.pubsub.punsubscribe(client, args.slice(1), reply);
  },
} satisfies CommandSpec;

/**
 * PUBLISH channel message — O(N+M): N subscribers of the channel, M patterns. Replies how many
 * clients got it (a client once per matching subscription).
 */
export const PUBLISH = {
  name: "publish",
  arity: 3,
  flags: PUBLISH_FLAGS,
  keys: NO_KEYS,
  categories: ["pubsub", "fast"],
  run({ server, reply }, args) {
    reply.integer(server.pubsub.publish(args[1]!, args[2]!));
  },
} satisfies CommandSpec;

/** SSUBSCRIBE shardchannel [shardchannel ...] — O(N) in the channels. */
export const SSUBSCRIBE = {
  name: "ssubscribe",
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  keys: ALL_ARGUMENTS,
  categories: ["pubsub", "slow"],
  run(ctx, args) {
    checkMaySubscribe(ctx, "SSUBSCRIBE", true);
    for (let i = 1; i < args.length; i++) ctx.server.pubsub.subscribe(ctx.client, args[i]!, "shard", ctx.reply);
  },
} satisfies CommandSpec;

/** SUNSUBSCRIBE [shardchannel ...] — O(N) in the channels; every shard channel when none is named. */
export const SUNSUBSCRIBE = {
  name: "sunsubscribe",
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  keys: ALL_ARGUMENTS,
  categories: ["pubsub", "slow"],
  run({ server, client, reply }, args) {
    server.pubsub.unsubscribe(client, args.slice(1), "shard", reply);
  },
} satisfies CommandSpec;

/** SPUBLISH shardchannel message — O(N) in the subscribers. Patterns do not receive it. */
export const SPUBLISH = {
  name: "spublish",
  arity: 3,
  flags: PUBLISH_FLAGS,
  keys: { first: 1, last: 1, step: 1 },
  categories: ["pubsub", "fast"],
  run({ server, reply }, args) {
    reply.integer(server.pubsub.spublish(args[1]!, args[2]!));
  },
} satisfies CommandSpec;

const INTROSPECTION_FLAGS: readonly CommandFlag[] = ["pubsub", "loading", "stale"];

/** A PUBSUB subcommand spec. */
function subcommand(name: string, arity: number, run: NonNullable<CommandSpec["run"]>): CommandSpec {
  return { name: `pubsub|${name}`, arity, flags: INTROSPECTION_FLAGS, keys: NO_KEYS, categories: ["pubsub", "slow"], run };
}

/** PUBSUB CHANNELS [pattern] — O(N) in the active channels. Channels with subscribers (in no set order). */
export const PUBSUB_CHANNELS = subcommand("channels", -2, ({ server, reply }, args) => {
  if (args.length > 3) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  reply.bulkArray(server.pubsub.channelNames("channel", args[2]));
});

/** PUBSUB NUMSUB [channel ...] — O(N) in the channels named. Channel, count pairs (patterns not counted). */
export const PUBSUB_NUMSUB = subcommand("numsub", -2, ({ server, reply }, args) => {
  reply.array((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) {
    reply.bulk(args[i]!);
    reply.integer(server.pubsub.subscriberCount(args[i]!, "channel"));
  }
});

/** PUBSUB NUMPAT — O(1). Patterns with subscribers. */
export const PUBSUB_NUMPAT = subcommand("numpat", 2, ({ server, reply }) => reply.integer(server.pubsub.patternCount));

/** PUBSUB SHARDCHANNELS [pattern] — O(N) in the active shard channels. */
export const PUBSUB_SHARDCHANNELS = subcommand("shardchannels", -2, ({ server, reply }, args) => {
  if (args.length > 3) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  reply.bulkArray(server.pubsub.channelNames("shard", args[2]));
});

/** PUBSUB SHARDNUMSUB [shardchannel ...] — O(N) in the channels named. */
export const PUBSUB_SHARDNUMSUB = subcommand("shardnumsub", -2, ({ server, reply }, args) => {
  reply.array((args.length - 2) * 2);
  for (let i = 2; i < args.length; i++) {
    reply.bulk(args[i]!);
    reply.integer(server.pubsub.subscriberCount(args[i]!, "shard"));
  }
});

/** PUBSUB HELP — O(1). */
export const PUBSUB_HELP = {
  ...subcommand("help", 2, ({ reply }) => {
    writeHelp(reply, "PUBSUB", [
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
    ]);
  }),
  flags: ["loading", "stale"],
  categories: ["slow"],
} satisfies CommandSpec;

/** PUBSUB subcommand [argument ...] — the container; the dispatcher resolves the subcommand. */
export const PUBSUB = {
  name: "pubsub",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: Object.fromEntries(
    [PUBSUB_CHANNELS, PUBSUB_NUMSUB, PUBSUB_NUMPAT, PUBSUB_SHARDCHANNELS, PUBSUB_SHARDNUMSUB, PUBSUB_HELP].map((spec) => [spec.name.slice("pubsub|".length), spec]),
  ),
} satisfies CommandSpec;

/** The pub/sub group. */
export const PUBSUB_COMMANDS: CommandSpec[] = [SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB];
