/**
 * @module
 * The sorted-set command group (Redis 7.0); the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) are
 * in blocking.ts, over `zpop`, `popFrom` and `parseMpop` from pop.ts.
 */
import type { CommandSpec } from "../../command.ts";
import { ZADD, ZINCRBY } from "./add.ts";
import { BZMPOP, BZPOPMAX, BZPOPMIN } from "./blocking.ts";
import { ZDIFF, ZDIFFSTORE, ZINTER, ZINTERCARD, ZINTERSTORE, ZUNION, ZUNIONSTORE } from "./algebra.ts";
import { ZMPOP, ZPOPMAX, ZPOPMIN } from "./pop.ts";
import { ZRANDMEMBER } from "./random.ts";
import { ZRANGE, ZRANGEBYLEX, ZRANGEBYSCORE, ZRANGESTORE, ZREVRANGE, ZREVRANGEBYLEX, ZREVRANGEBYSCORE } from "./range.ts";
import { ZCARD, ZCOUNT, ZLEXCOUNT, ZMSCORE, ZRANK, ZREVRANK, ZSCORE } from "./read.ts";
import { ZREM, ZREMRANGEBYLEX, ZREMRANGEBYRANK, ZREMRANGEBYSCORE } from "./remove.ts";
import { ZSCAN } from "./scan.ts";

export { parseMpop, popFrom, zpop, type EmptyPopReply, type MpopArguments } from "./pop.ts";

/** Every sorted-set command. */
export const SORTED_SET_COMMANDS: CommandSpec[] = [
  ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT,
  ZRANGE, ZRANGESTORE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE,
  ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX, ZPOPMIN, ZPOPMAX, ZMPOP,
  ZUNION, ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZINTERCARD, ZRANDMEMBER, ZSCAN,
  BZPOPMIN, BZPOPMAX, BZMPOP,
];
