/**
 * @module
 * Publish/subscribe, as Redis's pubsub.c: who listens to which channel, pattern and shard
 * channel, and the delivery of messages (PUBLISH, SPUBLISH, keyspace notifications).
 *
 * A message goes to each subscriber in that subscriber's protocol: an array in RESP2, a push
 * (`>`) in RESP3. It is encoded once per protocol and pattern and handed to each subscriber's
 * `ClientHandle.send`, which queues it on that connection alone (a subscriber that does not read
 * is cut off at its output limit by the handler, and nobody else waits for it). A message to the
 * client whose command is running (PUBLISH to itself in RESP3, a notification of its own write)
 * goes into that command's reply writer instead, so it keeps its place among that client's
 * replies, as in Redis (inside an EXEC array, too).
 *
 * Subscription replies are the `subscribe`/`unsubscribe` pushes Redis sends, one per channel,
 * with the count of the client's channels and patterns (shard channels count apart).
 */
import { ReplyWriter } from "../resp/writer.ts";
import { globMatch } from "../store/glob.ts";
import type { Client } from "./client.ts";
import type { ClientHandle, Server } from "./server.ts";
import { updateRestricted } from "./transactions.ts";

/** What one client is subscribed to. */
export class Subscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** Channels and patterns (Redis's clientSubscriptionsCount): the count in (p)(un)subscribe replies. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Every subscription, shard channels too. */
  get total(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }
}

/** The two kinds of channel: global ones (with patterns) and shard channels. */
type Kind = "channel" | "shard";

/** The reply words of each kind. */
const WORDS = {
  channel: { subscribe: "subscribe", unsubscribe: "unsubscribe", message: "message" },
  shard: { subscribe: "ssubscribe", unsubscribe: "sunsubscribe", message: "smessage" },
} as const;

/** Every subscription of every client of one server, and message delivery. */
export class PubSub {
  /** Channel -> its subscribers, in the order they subscribed. */
  private readonly channels = new Map<string, Set<ClientHandle>>();
  /** Pattern -> its subscribers. */
  private readonly patterns = new Map<string, Set<ClientHandle>>();
  /** Shard channel -> its subscribers. */
  private readonly shardChannels = new Map<string, Set<ClientHandle>>();
  /** Where a message is encoded, per protocol. */
  private readonly encoders = { 2: new ReplyWriter(1024), 3: new ReplyWriter(1024) };

  constructor(private readonly server: Server) {
    this.encoders[3].protocol = 3;
  }

  /** Channels with subscribers (INFO's pubsub_channels). */
  get channelCount(): number {
    return this.channels.size;
  }

  /** Patterns with subscribers (INFO's pubsub_patterns, PUBSUB NUMPAT). */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Shard channels with subscribers (INFO's pubsubshard_channels). */
  get shardChannelCount(): number {
    return this.shardChannels.size;
  }

  /** Whether anyone listens to anything (keyspace notifications skip their work otherwise). */
  get listening(): boolean {
    return this.channels.size !== 0 || this.patterns.size !== 0;
  }

  /** Subscribers of `channel` (PUBSUB NUMSUB) or of shard channel `channel` (PUBSUB SHARDNUMSUB). */
  subscriberCount(channel: string, kind: Kind): number {
    return (kind === "shard" ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }

  /** Channels (or shard channels) with subscribers, matching `pattern` when given (PUBSUB CHANNELS). */
  channelNames(kind: Kind, pattern?: string): string[] {
    const names: string[] = [];
    for (const channel of (kind === "shard" ? this.shardChannels : this.channels).keys()) {
      if (pattern === undefined || globMatch(pattern, channel)) names.push(channel);
    }
    return names;
  }

  /** SUBSCRIBE / SSUBSCRIBE of one channel, with its confirmation written to `reply`. */
  subscribe(client: Client, channel: string, kind: Kind, reply: ReplyWriter): void {
    const subscriptions = (client.subscriptions ??= new Subscriptions());
    const mine = kind === "shard" ? subscriptions.shardChannels : subscriptions.channels;
    if (!mine.has(channel)) {
      mine.add(channel);
      addTo(kind === "shard" ? this.shardChannels : this.channels, channel, this.handleOf(client));
    }
    updateRestricted(client);
    confirm(reply, WORDS[kind].subscribe, channel, kind === "shard" ? subscriptions.shardChannels.size : subscriptions.count);
  }

  /** PSUBSCRIBE of one pattern, with its confirmation. */
  psubscribe(client: Client, pattern: string, reply: ReplyWriter): void {
    const subscriptions = (client.subscriptions ??= new Subscriptions());
    if (!subscriptions.patterns.has(pattern)) {
      subscriptions.patterns.add(pattern);
      addTo(this.patterns, pattern, this.handleOf(client));
    }
    updateRestricted(client);
    confirm(reply, "psubscribe", pattern, subscriptions.count);
  }

  /**
   * UNSUBSCRIBE / SUNSUBSCRIBE: from `channels`, or from every channel of the kind when none is
   * named (a reply with a null channel when there was none). Leaves pub/sub mode when nothing is left.
   */
  unsubscribe(client: Client, channels: readonly string[], kind: Kind, reply: ReplyWriter): void {
    const subscriptions = client.subscriptions;
    const mine = kind === "shard" ? subscriptions?.shardChannels : subscriptions?.channels;
    const named = channels.length !== 0 ? channels : mine ? [...mine] : [];
    const count = () => (!subscriptions ? 0 : kind === "shard" ? subscriptions.shardChannels.size : subscriptions.count);
    if (named.length === 0) confirm(reply, WORDS[kind].unsubscribe, undefined, count());
    for (const channel of named) {
      if (mine?.delete(channel)) removeFrom(kind === "shard" ? this.shardChannels : this.channels, channel, this.handleOf(client));
      confirm(reply, WORDS[kind].unsubscribe, channel, count());
    }
    this.leaveIfDone(client);
  }

  /** PUNSUBSCRIBE: from `patterns`, or from every pattern when none is named. */
  punsubscribe(client: Client, patterns: readonly string[], reply: ReplyWriter): void {
    const subscriptions = client.subscriptions;
    const named = patterns.length !== 0 ? patterns : subscriptions ? [...subscriptions.patterns] : [];
    if (named.length === 0) confirm(reply, "punsubscribe", undefined, subscriptions?.count ?? 0);
    for (const pattern of named) {
      if (subscriptions?.patterns.delete(pattern)) removeFrom(this.patterns, pattern, this.handleOf(client));
      confirm(reply, "punsubscribe", pattern, subscriptions?.count ?? 0);
    }
    this.leaveIfDone(client);
  }

  /** Drops every subscription of the client of `handle` without replies (RESET, a closed connection). */
  unsubscribeAll(handle: ClientHandle): void {
    const client = handle.client;
    const subscriptions = client.subscriptions;
    if (!subscriptions) return;
    for (const channel of subscriptions.channels) removeFrom(this.channels, channel, handle);
    for (const pattern of subscriptions.patterns) removeFrom(this.patterns, pattern, handle);
    for (const channel of subscriptions.shardChannels) removeFrom(this.shardChannels, channel, handle);
    client.subscriptions = undefined;
    updateRestricted(client);
  }

  /** PUBLISH: delivers to the channel's subscribers and to each matching pattern's; returns how many got it. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subscribers = this.channels.get(channel);
    if (subscribers !== undefined) {
      this.encode("message", undefined, channel, message);
      // Counted one by one: a subscriber cut off at its output limit leaves the set meanwhile.
      for (const handle of subscribers) {
        this.deliver(handle);
        receivers++;
      }
    }
    if (this.patterns.size === 0) return receivers;
    for (const [pattern, handles] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      this.encode("pmessage", pattern, channel, message);
      for (const handle of handles) {
        this.deliver(handle);
        receivers++;
      }
    }
    return receivers;
  }

  /** SPUBLISH: delivers to the shard channel's subscribers (patterns do not see shard messages). */
  spublish(channel: string, message: string): number {
    const subscribers = this.shardChannels.get(channel);
    if (subscribers === undefined) return 0;
    this.encode("smessage", undefined, channel, message);
    let receivers = 0;
    for (const handle of subscribers) {
      this.deliver(handle);
      receivers++;
    }
    return receivers;
  }

  /** Encodes one message in both protocols (the pattern only for `pmessage`). */
  private encode(type: string, pattern: string | undefined, channel: string, message: string): void {
    for (const writer of [this.encoders[2], this.encoders[3]]) {
      writer.reset();
      writer.push(pattern === undefined ? 3 : 4);
      writer.bulk(type);
      if (pattern !== undefined) writer.bulk(pattern);
      writer.bulk(channel);
      writer.bulk(message);
    }
  }

  /** Sends the encoded message to one subscriber (into the running command's reply when it is the one running). */
  private deliver(handle: ClientHandle): void {
    const client = handle.client;
    const encoded = this.encoders[client.protocol];
    const server = this.server;
    if (client === server.runningClient && server.runningReply !== undefined && server.runningReply.protocol === client.protocol) {
      server.runningReply.rawBytes(encoded.bytes());
      return;
    }
    server.stats.netOutputBytes += encoded.length;
    handle.send(encoded.bytes());
  }

  private handleOf(client: Client): ClientHandle {
    const handle = this.server.clients.get(client.id);
    if (!handle) throw new Error(`client ${client.id} is not connected`);
    return handle;
  }

  /** Out of pub/sub mode once no subscription is left (Redis's unmarkClientAsPubSub). */
  private leaveIfDone(client: Client): void {
    if (client.subscriptions !== undefined && client.subscriptions.total === 0) {
      client.subscriptions = undefined;
      updateRestricted(client);
    }
  }
}

/** A subscription reply: `[kind, name or null, count]` as a push. */
function confirm(reply: ReplyWriter, word: string, name: string | undefined, count: number): void {
  reply.push(3);
  reply.bulk(word);
  reply.bulkOrNull(name);
  reply.integer(count);
}

function addTo(map: Map<string, Set<ClientHandle>>, name: string, handle: ClientHandle): void {
  let set = map.get(name);
  if (!set) {
    set = new Set();
    map.set(name, set);
  }
  set.add(handle);
}

function removeFrom(map: Map<string, Set<ClientHandle>>, name: string, handle: ClientHandle): void {
  const set = map.get(name);
  if (!set) return;
  set.delete(handle);
  if (set.size === 0) map.delete(name);
}
