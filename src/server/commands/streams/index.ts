/**
 * @module
 * The stream group, one file per kind: add.ts (XADD, XTRIM, XDEL, XSETID), range.ts (XRANGE,
 * XREVRANGE, XLEN), read.ts (XREAD, XREADGROUP, with BLOCK), groups.ts (XGROUP), pending.ts
 * (XACK, XPENDING), claim.ts (XCLAIM, XAUTOCLAIM), info.ts (XINFO). helpers.ts holds what they
 * share; the stream itself is store/types/stream.ts (and stream-group.ts, stream-id.ts,
 * stream-pel.ts).
 */
import type { CommandSpec } from "../../command.ts";
import { XADD, XDEL, XSETID, XTRIM } from "./add.ts";
import { XAUTOCLAIM, XCLAIM } from "./claim.ts";
import { XGROUP } from "./groups.ts";
import { XINFO } from "./info.ts";
import { XACK, XPENDING } from "./pending.ts";
import { XLEN, XRANGE, XREVRANGE } from "./range.ts";
import { XREAD, XREADGROUP } from "./read.ts";

/** Every command of the group. */
export const STREAM_COMMANDS: readonly CommandSpec[] = [
  XADD, XTRIM, XDEL, XSETID,
  XRANGE, XREVRANGE, XLEN,
  XREAD, XREADGROUP,
  XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM,
  XINFO,
];
