/**
 * @module
 * Redis 7's append-only file, the format part (pure, no I/O): the multi-part layout's manifest
 * (`<appendfilename>.manifest` in `appenddirname`, one line per file: `file <name> seq <n> type
 * b|h|i`, for base, history and incremental), the file names, and the command stream itself —
 * each command a RESP array of bulk strings, with a `SELECT` whenever the database changes.
 */

import type { Value } from "../store/keyspace.ts";

/** A file the manifest lists. */
export interface AofFile {
  readonly name: string;
  readonly seq: number;
  /** `b`ase (RDB or AOF format), `h`istory (to delete), `i`ncremental (AOF format). */
  readonly type: "b" | "h" | "i";
}

/** A manifest that cannot be read: the reason names the line. */
export class AofManifestError extends Error {}

/** The manifest's file name for `appendfilename`. */
export function manifestName(appendfilename: string): string {
  return `${appendfilename}.manifest`;
}

/** A base file's name: RDB format (`.rdb`) or AOF (`.aof`), as Redis names them. */
export function baseName(appendfilename: string, seq: number, rdb: boolean): string {
  return `${appendfilename}.${seq}.base.${rdb ? "rdb" : "aof"}`;
}

/** An incremental file's name. */
export function incrName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** Reads a manifest; throws `AofManifestError` on anything Redis would refuse. */
export function parseManifest(text: string): AofFile[] {
  const files: AofFile[] = [];
  let bases = 0;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = splitWords(line);
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < words.length; i += 2) fields.set(words[i]!, words[i + 1]!);
    const name = fields.get("file");
    const seq = Number(fields.get("seq"));
    const type = fields.get("type");
    if (words.length % 2 !== 0 || name === undefined || !Number.isSafeInteger(seq) || seq < 1 || (type !== "b" && type !== "h" && type !== "i")) {
      throw new AofManifestError(`Invalid AOF manifest file format at line ${index + 1}`);
    }
    if (type === "b" && ++bases > 1) throw new AofManifestError("Found duplicate base file information");
    files.push({ name, seq, type });
  }
  const incrs = files.filter((file) => file.type === "i");
  for (let i = 1; i < incrs.length; i++) {
    if (incrs[i]!.seq <= incrs[i - 1]!.seq) throw new AofManifestError("Found a non-monotonic sequence number");
  }
  return files;
}

/** Words of a manifest line; a name with spaces or odd bytes is double-quoted, as Redis writes it. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " ") i++;
    if (i >= line.length) break;
    if (line[i] === '"') {
      let word = "";
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === "\\" && i + 1 < line.length) {
          const next = line[++i]!;
          if (next === "x" && i + 2 < line.length) {
            word += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
            i += 2;
          } else word += ({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" } as Record<string, string>)[next] ?? next;
        } else word += line[i];
      }
      i++;
      words.push(word);
    } else {
      const start = i;
      while (i < line.length && line[i] !== " ") i++;
      words.push(line.slice(start, i));
    }
  }
  return words;
}

/** Writes a manifest: the base first, then history, then incrementals, as Redis orders it. */
export function formatManifest(files: readonly AofFile[]): string {
  const order = { b: 0, h: 1, i: 2 };
  const sorted = [...files].sort((a, b) => order[a.type] - order[b.type] || a.seq - b.seq);
  return sorted.map((file) => `file ${quoteIfNeeded(file.name)} seq ${file.seq} type ${file.type}\n`).join("");
}

function quoteIfNeeded(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes("\\")) return name;
  let out = '"';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += `\\${name[i]}`;
    else if (c >= 0x20 && c <= 0x7e) out += name[i];
    else out += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}

/** Appends commands in the AOF's format to a growable byte buffer. */
export class AofEncoder {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  /** Bytes held. */
  length = 0;
  /** The database the file's reader is in after what was written (-1: none selected yet). */
  db = -1;

  /** Appends `args` for database `db`, with a SELECT first if the database changes. */
  command(db: number, args: readonly string[]): void {
    if (db !== this.db) {
      this.db = db;
      this.command(db, ["SELECT", String(db)]);
    }
    let size = 16;
    for (let i = 0; i < args.length; i++) size += args[i]!.length + 16;
    this.reserve(size);
    this.header(42, args.length);
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      this.header(36, arg.length);
      const buffer = this.buffer;
      if (arg.length < 16) {
        // Short arguments: a loop beats a native call.
        for (let j = 0; j < arg.length; j++) buffer[this.length++] = arg.charCodeAt(j);
      } else this.length += buffer.latin1Write(arg, this.length);
      buffer[this.length++] = 13;
      buffer[this.length++] = 10;
    }
  }

  /** `*count\r\n` or `$length\r\n` (`type` 42 or 36), the digits written without a string. */
  private header(type: number, value: number): void {
    const buffer = this.buffer;
    buffer[this.length++] = type;
    if (value < 10) buffer[this.length++] = 48 + value;
    else {
      const digits = value < 100 ? 2 : Math.floor(Math.log10(value)) + 1;
      for (let i = digits - 1, rest = value; i >= 0; i--, rest = Math.floor(rest / 10)) buffer[this.length + i] = 48 + (rest % 10);
      this.length += digits;
    }
    buffer[this.length++] = 13;
    buffer[this.length++] = 10;
  }

  /** The bytes held (a view, valid until the next `command` or `reset`). */
  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + size));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** What the AOF reader found at some offset. */
export type AofItem = { readonly args: string[]; readonly end: number } | { readonly truncated: number } | { readonly error: string; readonly offset: number };

/**
 * Reads the commands of an AOF-format file one at a time. A file that ends inside a command
 * gives `{ truncated: offset }` (where the last whole command ended); anything that is not a
 * RESP array of bulk strings gives an error naming the offset, as Redis's loader refuses it.
 */
export class AofReader {
  offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next command, a truncation or an error; undefined at the end. */
  next(): AofItem | undefined {
    const bytes = this.bytes;
    const start = this.offset;
    if (start >= bytes.length) return undefined;
    let at = start;
    const line = (): number | undefined => {
      const end = bytes.indexOf(10, at);
      if (end < 0 || end === at || bytes[end - 1] !== 13) return undefined;
      const value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + at + 1, end - at - 2).toString("latin1"));
      at = end + 1;
      return value;
    };
    if (bytes[at] !== 42) return { error: "Bad file format reading the append only file", offset: start };
    const count = line();
    if (count === undefined) return bytes.indexOf(10, at) < 0 ? { truncated: start } : { error: "Bad file format reading the append only file", offset: start };
    if (!Number.isSafeInteger(count) || count < 1) return { error: "Bad file format reading the append only file", offset: start };
    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      if (at >= bytes.length) return { truncated: start };
      if (bytes[at] !== 36) return { error: "Bad file format reading the append only file", offset: start };
      const length = line();
      if (length === undefined) return bytes.indexOf(10, at) < 0 ? { truncated: start } : { error: "Bad file format reading the append only file", offset: start };
      if (!Number.isSafeInteger(length) || length < 0) return { error: "Bad file format reading the append only file", offset: start };
      if (at + length + 2 > bytes.length) return { truncated: start };
      args.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, length).toString("latin1"));
      at += length + 2;
    }
    this.offset = at;
    return { args, end: at };
  }
}

/**
 * A snapshot in AOF format, for `aof-use-rdb-preamble no`: each key a `RESTORE key expiry
 * payload REPLACE ABSTTL` with the key's DUMP payload, which Redis and bunredis both replay.
 * Has the calls of the RDB writer that a snapshot makes (`selectDb`, `key`, `take`, `finish`).
 */
export class AofSnapshotWriter {
  private readonly encoder = new AofEncoder();
  private db = 0;

  constructor(private readonly dump: (value: Value) => Uint8Array) {}

  /** Later keys belong to database `index` (the SELECT is written with the first of them). */
  selectDb(index: number): void {
    this.db = index;
  }

  key(key: string, value: Value, expireAt?: number | bigint): void {
    const payload = Buffer.from(this.dump(value)).toString("latin1");
    this.encoder.command(this.db, ["RESTORE", key, expireAt === undefined ? "0" : String(expireAt), payload, "REPLACE", "ABSTTL"]);
  }

  /** Any command (FUNCTION RESTORE of the libraries), in database 0. */
  command(args: readonly string[]): void {
    this.encoder.command(0, args);
  }

  /** The bytes written since the last call. */
  take(): Uint8Array {
    const bytes = Uint8Array.prototype.slice.call(this.encoder.bytes());
    this.encoder.reset();
    return bytes;
  }

  /** Nothing ends an AOF. */
  finish(): void {}
}
