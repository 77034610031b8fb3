/**
 * @module
 * Every error reply text, in Redis's exact wording, in one place; and `ReplyError`, which a command
 * throws to answer with one. The dispatcher turns it into the reply; nothing else catches it.
 */

/** An error reply; the message starts with its code (`ERR`, `WRONGTYPE`, ...). */
export class ReplyError extends Error {}

export const ERR_SYNTAX = "ERR syntax error";
export const ERR_WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const ERR_NOT_INTEGER = "ERR value is not an integer or out of range";
export const ERR_NOT_FLOAT = "ERR value is not a valid float";
export const ERR_OVERFLOW = "ERR increment or decrement would overflow";
export const ERR_NO_SUCH_KEY = "ERR no such key";
export const ERR_DB_INDEX = "ERR DB index is out of range";
export const ERR_INVALID_DB_INDEX = "ERR invalid DB index";
export const ERR_NOAUTH = "NOAUTH Authentication required.";
export const ERR_WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
export const ERR_AUTH_NOT_CONFIGURED = "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?";
export const ERR_SAME_OBJECT = "ERR source and destination objects are the same";
export const ERR_INVALID_EXPIRE = (command: string) => `ERR invalid expire time in '${command}' command`;
export const ERR_STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
export const ERR_OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
export const ERR_INVALID_CURSOR = "ERR invalid cursor";
export const ERR_TIMEOUT_NEGATIVE = "ERR timeout is negative";

/** `ERR wrong number of arguments for 'get' command` (subcommands as `config|get`). */
export const ERR_ARITY = (name: string) => `ERR wrong number of arguments for '${name}' command`;

/** `ERR unknown subcommand 'x'. Try CONFIG HELP.` */
export const ERR_UNKNOWN_SUBCOMMAND = (sub: string, command: string) => `ERR unknown subcommand '${truncate(sub, 128)}'. Try ${command.toUpperCase()} HELP.`;

/** Redis's unknown-command text, which quotes the first arguments (at most 128 bytes of them). */
export function unknownCommand(args: readonly string[]): string {
  let quoted = "";
  for (let i = 1; i < args.length && quoted.length < 128; i++) {
    quoted += `'${truncate(args[i]!, 128 - quoted.length)}' `;
  }
  return `ERR unknown command '${truncate(args[0]!, 128)}', with args beginning with: ${quoted}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

// CLIENT, MONITOR, SHUTDOWN (commands/client.ts).
export const ERR_CLIENT_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";
export const ERR_NO_SUCH_CLIENT = "ERR No such client";
export const ERR_INVALID_CLIENT_ID = "ERR Invalid client ID";
export const ERR_CLIENT_ID_RANGE = "ERR client-id should be greater than 0";
export const ERR_PAUSE_TIMEOUT = "ERR timeout is not an integer or out of range";
export const ERR_PAUSE_MODE = "ERR CLIENT PAUSE mode must be WRITE or ALL";
export const ERR_UNBLOCK_REASON = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
export const ERR_CACHING_WITHOUT_TRACKING = "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled";
export const ERR_NO_SHUTDOWN = "ERR No shutdown in progress.";
export const ERR_HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
/** `ERR Unknown client type 'x'` (CLIENT LIST TYPE, CLIENT KILL TYPE). */
export const ERR_UNKNOWN_CLIENT_TYPE = (type: string) => `ERR Unknown client type '${type}'`;
/** `ERR No such user 'x'` (CLIENT KILL USER). */
export const ERR_NO_SUCH_USER = (user: string) => `ERR No such user '${user}'`;
/** CLIENT SETINFO's errors (Redis 7.2). */
export const ERR_SETINFO_OPTION = (option: string) => `ERR Unrecognized option '${option}'`;
export const ERR_SETINFO_VALUE = (option: string) => `ERR ${option} cannot contain spaces, newlines or special characters.`;
/** Redis's `addReplySubcommandSyntaxError`: a subcommand with an argument count it has no form for. */
export const ERR_SUBCOMMAND_SYNTAX = (sub: string, command: string) =>
  `ERR unknown subcommand or wrong number of arguments for '${sub.length > 128 ? sub.slice(0, 128) : sub}'. Try ${command.toUpperCase()} HELP.`;
/** String commands (INCRBYFLOAT, DECRBY, LCS). */
export const ERR_INCREMENT_NAN = "ERR increment would produce NaN or Infinity";
export const ERR_DECREMENT_OVERFLOW = "ERR decrement would overflow";
export const ERR_LCS_NOT_STRINGS = "ERR The specified keys must contain string values";
export const ERR_LCS_IDX_AND_LEN = "ERR If you want both the length and indexes, please just use IDX.";
export const ERR_LCS_MEMORY_LIMIT = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
export const ERR_LCS_ALLOCATION = "ERR Insufficient memory, failed allocating transient memory for LCS";
/** Generic keyspace commands and expiry (commands/keys/). */
export const ERR_INT_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";
export const ERR_INVALID_FIRST_DB = "ERR invalid first DB index";
export const ERR_INVALID_SECOND_DB = "ERR invalid second DB index";
export const ERR_EXPIRE_NX_AND_OTHERS = "ERR NX and XX, GT or LT options at the same time are not compatible";
export const ERR_EXPIRE_GT_AND_LT = "ERR GT and LT options at the same time are not compatible";
export const ERR_LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
/** `ERR Unsupported option x` (EXPIRE family); Redis formats the option as a C string, so it ends at a NUL byte. */
export const ERR_UNSUPPORTED_OPTION = (option: string) => `ERR Unsupported option ${option.split("\0", 1)[0]}`;

// Server introspection and configuration (COMMAND, CONFIG, SLOWLOG, LATENCY, MEMORY, DEBUG).
export const ERR_GETKEYS_INVALID_COMMAND = "ERR Invalid command specified";
export const ERR_GETKEYS_NO_KEYS = "ERR The command has no key arguments";
export const ERR_GETKEYS_INVALID_ARITY = "ERR Invalid number of arguments specified for command";
export const ERR_GETKEYS_INVALID_ARGS = "ERR Invalid arguments specified for command";
export const ERR_NO_CONFIG_FILE = "ERR The server is running without a config file";
/** `ERR Unknown option or number of arguments for CONFIG SET - 'x'` */
export const ERR_CONFIG_SET_UNKNOWN = (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
/** `ERR CONFIG SET failed (possibly related to argument 'x') - reason` */
export const ERR_CONFIG_SET_FAILED = (name: string, reason: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;
export const ERR_SLOWLOG_COUNT = "ERR count should be greater than or equal to -1";
export const ERR_DEBUG_NOT_ALLOWED = `ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;

// Sorted sets (commands/sorted-sets/).
export const ERR_ZSET_SCORE_RANGE = "ERR min or max is not a float";
export const ERR_ZSET_LEX_RANGE = "ERR min or max not valid string range item";
export const ERR_ZSET_XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
export const ERR_ZSET_GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
export const ERR_ZSET_INCR_PAIR = "ERR INCR option supports a single increment-element pair";
export const ERR_ZSET_SCORE_NAN = "ERR resulting score is not a number (NaN)";
export const ERR_ZSET_LIMIT_NEEDS_BY = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
export const ERR_ZSET_WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
export const ERR_ZSET_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_ZSET_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_ZSET_COUNT = "ERR count should be greater than 0";
export const ERR_ZSET_WEIGHT = "ERR weight value is not a float";
export const ERR_ZSET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
export const ERR_ZSET_VALUE_RANGE = "ERR value is out of range";
export const ERR_ZSET_LONG_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
/** `ERR at least 1 input key is needed for 'zunionstore' command` */
export const ERR_ZSET_NO_INPUT_KEYS = (command: string) => `ERR at least 1 input key is needed for '${command}' command`;
/** Hash commands (commands/hashes.ts). */
export const ERR_HASH_NOT_INTEGER = "ERR hash value is not an integer";
export const ERR_HASH_NOT_FLOAT = "ERR hash value is not a float";
export const ERR_HASH_INCREMENT_NAN = "ERR value is NaN or Infinity";
export const ERR_HASH_VALUE_RANGE = "ERR value is out of range";
export const ERR_HASH_LONG_RANGE = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
/** Set commands (commands/sets.ts). */
export const ERR_SET_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_SET_NUMKEYS = "ERR numkeys should be greater than 0";
export const ERR_SET_TOO_MANY_KEYS = "ERR Number of keys can't be greater than number of args";
export const ERR_SET_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
/** Lists and blocking commands (commands/lists/, blocking.ts). */
export const ERR_TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
export const ERR_UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
export const ERR_INDEX_OUT_OF_RANGE = "ERR index out of range";
export const ERR_COUNT_MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
export const ERR_LPOS_RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const ERR_LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0";
export const ERR_COUNT_NOT_POSITIVE = "ERR count should be greater than 0";
/** SORT and SORT_RO (commands/sort.ts). */
export const ERR_SORT_SCORES = "ERR One or more scores can't be converted into double";
/** Transactions (commands/transactions.ts, the dispatcher). */
export const ERR_MULTI_NESTED = "ERR MULTI calls can not be nested";
export const ERR_EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
export const ERR_DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
export const ERR_WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed";
export const ERR_NO_MULTI = "ERR Command not allowed inside a transaction";
export const ERR_EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
/** A refused EXEC: `EXECABORT Transaction discarded because of: <reason>`. */
export const ERR_EXECABORT_BECAUSE = (reason: string) => `EXECABORT Transaction discarded because of: ${reason}`;
/** Pub/sub (commands/pubsub.ts, the dispatcher): a command refused in RESP2 subscriber mode. */
export const ERR_PUBSUB_CONTEXT = (command: string) =>
  `ERR Can't execute '${command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
/** `ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client` (inside a script). */
export const ERR_SUBSCRIBE_DENY_BLOCKING = (command: string) => `ERR ${command} isn't allowed for a DENY BLOCKING client`;
/** Scripting and functions (commands/scripting.ts, commands/functions.ts, scripting/). */
export const ERR_NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
export const ERR_NOTBUSY = "NOTBUSY No scripts in execution right now.";
export const ERR_NUMKEYS_NEGATIVE = "ERR Number of keys can't be negative";
export const ERR_NUMKEYS_GREATER = "ERR Number of keys can't be greater than number of args";
export const ERR_FCALL_NUMKEYS = "ERR Bad number of keys provided";
export const ERR_SCRIPT_FLUSH_OPTION = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
export const ERR_SCRIPT_DEBUG_OPTION = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
export const ERR_SCRIPT_DEBUG_UNSUPPORTED = "ERR SCRIPT DEBUG YES/SYNC is not supported: bunredis has no Lua debugger";
export const ERR_RO_SCRIPT_WITH_WRITE_FLAG = "ERR Can not execute a script with write flag using *_ro command.";
export const ERR_FUNCTION_NOT_FOUND = "ERR Function not found";
export const ERR_FUNCTION_FLUSH_OPTION = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
export const ERR_FUNCTION_RESTORE_POLICY = "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
export const ERR_FUNCTION_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
export const ERR_FUNCTION_LIBRARY_NAME_MISSING = "ERR library name argument was not given";
export const ERR_LIBRARY_NOT_FOUND = "ERR Library not found";
/** `ERR Unknown argument x` (FUNCTION LIST, FUNCTION LOAD). */
export const ERR_FUNCTION_UNKNOWN_ARGUMENT = (argument: string) => `ERR Unknown argument ${argument}`;
/** `ERR Unknown option given: x` (FUNCTION LOAD). */
export const ERR_FUNCTION_UNKNOWN_OPTION = (option: string) => `ERR Unknown option given: ${option}`;
/** EVAL's shebang (`#!lua flags=...`) and FUNCTION LOAD's metadata (`#!lua name=...`). */
export const ERR_SHEBANG_INVALID = "ERR Invalid script shebang";
export const ERR_SHEBANG_ENGINE_INVALID = "ERR Invalid engine in script shebang";
export const ERR_SHEBANG_ENGINE = (engine: string) => `ERR Unexpected engine in script shebang: ${engine}`;
export const ERR_SHEBANG_OPTION = (option: string) => `ERR Unknown lua shebang option: ${option}`;
export const ERR_SHEBANG_FLAG = (flag: string) => `ERR Unexpected flag in script shebang: ${flag}`;
export const ERR_SCRIPT_COMPILE = (message: string) => `ERR Error compiling script (new function): ${message}`;
export const ERR_LIBRARY_METADATA_MISSING = "ERR Missing library metadata";
export const ERR_LIBRARY_METADATA_INVALID = "ERR Invalid library metadata";
export const ERR_LIBRARY_NAME_TWICE = "ERR Invalid metadata value, name argument was given multiple times";
export const ERR_LIBRARY_METADATA_VALUE = (part: string) => `ERR Invalid metadata value given: ${part}`;
export const ERR_LIBRARY_NAME_MISSING = "ERR Library name was not given";
export const ERR_LIBRARY_NAME_INVALID = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
export const ERR_LIBRARY_ENGINE = (engine: string) => `ERR Engine '${engine}' not found`;
export const ERR_LIBRARY_EXISTS = (name: string) => `ERR Library '${name}' already exists`;
/** FUNCTION RESTORE's collision (no quotes, unlike LOAD's). */
export const ERR_LIBRARY_EXISTS_RESTORE = (name: string) => `ERR Library ${name} already exists`;
export const ERR_FUNCTION_EXISTS = (name: string) => `ERR Function ${name} already exists`;
export const ERR_FUNCTION_COMPILE = (message: string) => `ERR Error compiling function: ${message}`;
export const ERR_FUNCTION_REGISTER = (message: string) => `ERR Error registering functions: ${message}`;
export const ERR_NO_FUNCTIONS = "ERR No functions registered";
/** HyperLogLog (commands/hyperloglog.ts). */
export const ERR_HLL_WRONGTYPE = "WRONGTYPE Key is not a valid HyperLogLog string value.";
export const ERR_HLL_CORRUPT = "INVALIDOBJ Corrupted HLL object detected";
export const ERR_HLL_NO_SUCH_KEY = "ERR The specified key does not exist";
export const ERR_HLL_NOT_SPARSE = "ERR HLL encoding is not sparse";
/** `ERR Unknown PFDEBUG subcommand 'x'` (the name as sent). */
export const ERR_PFDEBUG_UNKNOWN = (sub: string) => `ERR Unknown PFDEBUG subcommand '${sub}'`;

/** A command refused while the dataset loads. */
export const ERR_LOADING = "LOADING Redis is loading the dataset in memory";
/** BGSAVE while one runs. */
export const ERR_BGSAVE_IN_PROGRESS = "ERR Background save already in progress";
/** BGSAVE while an AOF rewrite runs. */
export const ERR_BGSAVE_AOF_REWRITING = "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
/** BGREWRITEAOF while one runs. */
export const ERR_AOF_REWRITE_IN_PROGRESS = "ERR Background append only file rewriting already in progress";
/** SHUTDOWN could not save. */
export const ERR_SHUTDOWN_FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";
/** Bitmaps and bitfields (commands/bitmaps.ts). */
export const ERR_BIT_OFFSET = "ERR bit offset is not an integer or out of range";
export const ERR_BIT_VALUE = "ERR bit is not an integer or out of range";
export const ERR_BIT_ARGUMENT = "ERR The bit argument must be 1 or 0.";
export const ERR_BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";
export const ERR_BITFIELD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
export const ERR_BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified";
export const ERR_BITFIELD_RO = "ERR BITFIELD_RO only supports the GET subcommand";
/** Geo commands (commands/geo/). */
export const ERR_GEO_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI";
export const ERR_GEO_RADIUS_NOT_NUMBER = "ERR need numeric radius";
export const ERR_GEO_RADIUS_NEGATIVE = "ERR radius cannot be negative";
export const ERR_GEO_WIDTH_NOT_NUMBER = "ERR need numeric width";
export const ERR_GEO_HEIGHT_NOT_NUMBER = "ERR need numeric height";
export const ERR_GEO_BOX_NEGATIVE = "ERR height or width cannot be negative";
export const ERR_GEO_COUNT = "ERR COUNT must be > 0";
export const ERR_GEO_MEMBER = "ERR could not decode requested zset member";
export const ERR_GEO_ANY_WITHOUT_COUNT = "ERR the ANY argument requires COUNT argument";
/** `ERR invalid longitude,latitude pair 200.000000,1.000000` (the coordinates as printf's `%f`). */
export const ERR_GEO_INVALID_PAIR = (longitude: string, latitude: string) => `ERR invalid longitude,latitude pair ${longitude},${latitude}`;
/** `ERR GEOSEARCHSTORE is not compatible with ...` (`STORE option in GEORADIUS` for GEORADIUS). */
export const ERR_GEO_STORE_WITH = (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
/** `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch` (the name as sent). */
export const ERR_GEO_FROM = (command: string) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${command}`;
/** `ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch` (the name as sent). */
export const ERR_GEO_BY = (command: string) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${command}`;
/** Streams (commands/streams/). Texts that name a key or group are cut at a NUL byte, as C's `%s` prints them. */
export const ERR_STREAM_ID_INVALID = "ERR Invalid stream ID specified as stream command argument";
export const ERR_STREAM_XADD_ID_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
export const ERR_STREAM_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
export const ERR_STREAM_XADD_ID_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
export const ERR_STREAM_TOO_LARGE = "ERR Elements are too large to be stored";
export const ERR_STREAM_MAXLEN_AND_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
export const ERR_STREAM_MAXLEN_NEGATIVE = "ERR The MAXLEN argument must be >= 0.";
export const ERR_STREAM_LIMIT_NEGATIVE = "ERR The LIMIT argument must be >= 0.";
export const ERR_STREAM_LIMIT_NO_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
export const ERR_STREAM_XTRIM_NO_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";
export const ERR_STREAM_LIMIT_NO_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";
export const ERR_STREAM_INVALID_START = "ERR invalid start ID for the interval";
export const ERR_STREAM_INVALID_END = "ERR invalid end ID for the interval";
export const ERR_STREAM_TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";
export const ERR_XREAD_UNBALANCED = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
export const ERR_XREAD_GROUP_OPTION = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
export const ERR_XREAD_NOACK_OPTION = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
export const ERR_XREADGROUP_NO_GROUP = "ERR Missing GROUP option for XREADGROUP";
export const ERR_XREADGROUP_DOLLAR = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
export const ERR_XREAD_GREATER_ID = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";
export const ERR_XREADGROUP_GROUP_GONE = "NOGROUP the consumer group this client was blocked on no longer exists";
export const ERR_XREADGROUP_KEY_GONE = "UNBLOCKED the stream key no longer exists";
/** `ERR XREAD command is not allowed with BLOCK option from scripts` (the name as sent). */
export const ERR_XREAD_BLOCK_IN_SCRIPT = (command: string) => `ERR ${command} command is not allowed with BLOCK option from scripts`;
/** `NOGROUP No such key 'k' or consumer group 'g' in XREADGROUP with GROUP option` */
export const ERR_XREADGROUP_NOGROUP = (key: string, group: string) => `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}' in XREADGROUP with GROUP option`;
/** `NOGROUP No such key 'k' or consumer group 'g'` (XPENDING, XCLAIM, XAUTOCLAIM). */
export const ERR_NOGROUP_KEY_OR_GROUP = (key: string, group: string) => `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}'`;
/** `NOGROUP No such consumer group 'g' for key name 'k'` (XGROUP, XINFO CONSUMERS). */
export const ERR_NOGROUP_FOR_KEY = (group: string, key: string) => `NOGROUP No such consumer group '${cString(group)}' for key name '${cString(key)}'`;
export const ERR_BUSYGROUP = "BUSYGROUP Consumer Group name already exists";
export const ERR_XGROUP_KEY_MISSING = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.";
export const ERR_XGROUP_ENTRIES_READ = "ERR value for ENTRIESREAD must be positive or -1";
export const ERR_XCLAIM_MIN_IDLE = "ERR Invalid min-idle-time argument for XCLAIM";
export const ERR_XCLAIM_IDLE = "ERR Invalid IDLE option argument for XCLAIM";
export const ERR_XCLAIM_TIME = "ERR Invalid TIME option argument for XCLAIM";
export const ERR_XCLAIM_RETRYCOUNT = "ERR Invalid RETRYCOUNT option argument for XCLAIM";
/** `ERR Unrecognized XCLAIM option 'x'` */
export const ERR_XCLAIM_OPTION = (option: string) => `ERR Unrecognized XCLAIM option '${cString(option)}'`;
export const ERR_XAUTOCLAIM_MIN_IDLE = "ERR Invalid min-idle-time argument for XAUTOCLAIM";
export const ERR_XAUTOCLAIM_COUNT = "ERR COUNT must be > 0";
export const ERR_XSETID_ENTRIES_ADDED_NEGATIVE = "ERR entries_added must be positive";
export const ERR_XSETID_MAX_DELETED = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
export const ERR_XSETID_SMALL = "ERR The ID specified in XSETID is smaller than the target stream top item";
export const ERR_XSETID_ENTRIES_ADDED_SMALL = "ERR The entries_added specified in XSETID is smaller than the target stream length";

/** A byte string as C's `%s` prints it: up to its first NUL byte. */
function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** DUMP and RESTORE (commands/dump.ts). */
export const ERR_BUSYKEY = "BUSYKEY Target key name already exists.";
export const ERR_DUMP_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
export const ERR_BAD_DATA_FORMAT = "ERR Bad data format";
export const ERR_RESTORE_TTL = "ERR Invalid TTL value, must be >= 0";
export const ERR_RESTORE_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
export const ERR_RESTORE_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";
