/**
 * @module
 * Keyspace notifications' classes: the bits a write site passes with its event name (Redis's
 * NOTIFY_* flags), and the `notify-keyspace-events` setting's letters, read and written as Redis
 * reads and shows them (CONFIG GET prints the canonical string: `KEA` reads back as `AKE`).
 * Pure: no imports, so the configuration table can use it too.
 */

/** `K`: publish on `__keyspace@<db>__:<key>` (the message is the event). */
export const NOTIFY_KEYSPACE = 1 << 0;
/** `E`: publish on `__keyevent@<db>__:<event>` (the message is the key). */
export const NOTIFY_KEYEVENT = 1 << 1;
/** `g`: generic commands (DEL, EXPIRE, RENAME, ...). */
export const NOTIFY_GENERIC = 1 << 2;
/** `$`: string commands. */
export const NOTIFY_STRING = 1 << 3;
/** `l`: list commands. */
export const NOTIFY_LIST = 1 << 4;
/** `s`: set commands. */
export const NOTIFY_SET = 1 << 5;
/** `h`: hash commands. */
export const NOTIFY_HASH = 1 << 6;
/** `z`: sorted-set commands. */
export const NOTIFY_ZSET = 1 << 7;
/** `x`: a key removed because its time ran out. */
export const NOTIFY_EXPIRED = 1 << 8;
/** `e`: a key removed by maxmemory eviction. */
export const NOTIFY_EVICTED = 1 << 9;
/** `t`: stream commands. */
export const NOTIFY_STREAM = 1 << 10;
/** `m`: a read found no key (`keymiss`); not part of `A`. */
export const NOTIFY_KEY_MISS = 1 << 11;
/** `d`: module key types. */
export const NOTIFY_MODULE = 1 << 13;
/** `n`: a key was created (`new`); not part of `A`. */
export const NOTIFY_NEW = 1 << 14;
/** `A`: every class but `m` and `n`. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** Each class letter's bit (`A` is handled apart). */
const LETTERS: Readonly<Record<string, number>> = {
  g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST, s: NOTIFY_SET, h: NOTIFY_HASH, z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED, K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT, t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS, d: NOTIFY_MODULE, n: NOTIFY_NEW,
};

/** The reason CONFIG SET gives for a letter that is not a class, in Redis's words. */
export const INVALID_KEYSPACE_EVENTS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** The bits of a `notify-keyspace-events` value, or undefined when it has a letter that is no class. */
export function parseNotifyFlags(text: string): number | undefined {
  let flags = 0;
  for (const letter of text) {
    if (letter === "A") flags |= NOTIFY_ALL;
    else if (Object.hasOwn(LETTERS, letter)) flags |= LETTERS[letter]!;
    else return undefined;
  }
  return flags;
}

/**
 * The setting as Redis shows it (keyspaceEventsFlagsToString): `A` for all of the classes it
 * covers, else their letters in a fixed order, then `K`, `E`, `m`. As in Redis, `n` is only shown
 * beside classes short of `A` (`An` reads back as `A`, though `n` stays in effect).
 */
export function formatNotifyFlags(flags: number): string {
  let text = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) text += "A";
  else for (const letter of "g$lshzxetdn") if (flags & LETTERS[letter]!) text += letter;
  if (flags & NOTIFY_KEYSPACE) text += "K";
  if (flags & NOTIFY_KEYEVENT) text += "E";
  if (flags & NOTIFY_KEY_MISS) text += "m";
  return text;
}
