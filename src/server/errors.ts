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
