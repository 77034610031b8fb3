/**
 * @module
 * The numbers of Redis's RDB format (rdb.h, as of Redis 7.0): the version, value types, opcodes,
 * length and string encodings. Names are Redis's, without the RDB_ prefix where it adds nothing.
 */

/** The RDB version Redis 7.0 writes, and the newest it reads. */
export const RDB_VERSION = 10;

/** Value types (the byte before a key). */
export const TYPE_STRING = 0;
export const TYPE_LIST = 1;
export const TYPE_SET = 2;
export const TYPE_ZSET = 3;
export const TYPE_HASH = 4;
export const TYPE_ZSET_2 = 5;
export const TYPE_MODULE_PRE_GA = 6;
export const TYPE_MODULE_2 = 7;
export const TYPE_HASH_ZIPMAP = 9;
export const TYPE_LIST_ZIPLIST = 10;
export const TYPE_SET_INTSET = 11;
export const TYPE_ZSET_ZIPLIST = 12;
export const TYPE_HASH_ZIPLIST = 13;
export const TYPE_LIST_QUICKLIST = 14;
export const TYPE_STREAM_LISTPACKS = 15;
export const TYPE_HASH_LISTPACK = 16;
export const TYPE_ZSET_LISTPACK = 17;
export const TYPE_LIST_QUICKLIST_2 = 18;
export const TYPE_STREAM_LISTPACKS_2 = 19;

/** Redis 7.0's `rdbIsObjectType`: the bytes that start a key (8 was never used). */
export function isObjectType(type: number): boolean {
  return (type >= 0 && type <= 7) || (type >= 9 && type <= 19);
}

/** Opcodes: special records between keys. */
export const OPCODE_FUNCTION2 = 245;
export const OPCODE_FUNCTION_PRE_GA = 246;
export const OPCODE_MODULE_AUX = 247;
export const OPCODE_IDLE = 248;
export const OPCODE_FREQ = 249;
export const OPCODE_AUX = 250;
export const OPCODE_RESIZEDB = 251;
export const OPCODE_EXPIRETIME_MS = 252;
export const OPCODE_EXPIRETIME = 253;
export const OPCODE_SELECTDB = 254;
export const OPCODE_EOF = 255;

/** Length encodings: the top two bits of the first byte say 6 or 14 bits; 32 and 64 bits have a whole byte. */
export const LEN_6BIT = 0;
export const LEN_14BIT = 1;
export const LEN_32BIT = 0x80;
export const LEN_64BIT = 0x81;
/** The top bits `11`: not a length but a special string encoding in the low six bits. */
export const ENCVAL = 3;
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

/** Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
export const QUICKLIST_PLAIN = 1;
export const QUICKLIST_PACKED = 2;
