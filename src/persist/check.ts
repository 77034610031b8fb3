/**
 * @module
 * `bunredis check-aof [--fix] FILE` and `bunredis check-rdb FILE`: what redis-check-aof and
 * redis-check-rdb do. check-aof takes an AOF file or a multi-part manifest (then every file it
 * lists is checked, an RDB base as an RDB file); a file cut off or damaged at its end can be
 * truncated to its last whole command with --fix (only the last file of a manifest, as Redis).
 * check-rdb reads every record and the checksum. Each returns the lines to print and the exit code.
 */
import { existsSync, readFileSync, statSync, truncateSync } from "node:fs";
import { dirname, join } from "node:path";
import { AofReader, parseManifest } from "./aof.ts";
import { RdbReader } from "./rdb.ts";

/** What a check prints, and its exit code. */
export interface CheckResult {
  readonly lines: string[];
  readonly code: number;
}

/** Encodings thresholds do not matter when only checking: Redis's defaults. */
const LIMITS = { "hash-max-listpack-entries": 128, "hash-max-listpack-value": 64, "set-max-intset-entries": 512, "zset-max-listpack-entries": 128, "zset-max-listpack-value": 64 };

/** Checks an RDB file: every record decodes and the CRC64 matches. */
export function checkRdb(path: string): CheckResult {
  if (!existsSync(path)) return { lines: [`Cannot open ${path}`], code: 1 };
  const bytes = readFileSync(path);
  let keys = 0;
  try {
    const reader = new RdbReader(bytes, { checksum: true, config: LIMITS });
    for (let item = reader.next(); item !== undefined; item = reader.next()) if (item.kind === "key") keys++;
    return { lines: [`[offset 0] Checking RDB file ${path}`, `[offset ${bytes.length}] ${keys} keys read`, "\\o/ RDB looks OK! \\o/"], code: 0 };
  } catch (error) {
    const offset = (error as { offset?: number }).offset ?? 0;
    return { lines: [`[offset 0] Checking RDB file ${path}`, `--- RDB ERROR DETECTED ---`, `[offset ${offset}] ${(error as Error).message}`, `[additional info] While doing: reading key ${keys + 1}`], code: 1 };
  }
}

/** Checks (and with `fix`, truncates) an AOF file or every file of a manifest. */
export function checkAof(path: string, fix: boolean): CheckResult {
  if (!existsSync(path)) return { lines: [`Cannot open file ${path}`], code: 1 };
  if (path.endsWith(".manifest")) {
    const files = parseManifest(readFileSync(path, "latin1")).filter((file) => file.type !== "h");
    const lines = [`Start checking Multi Part AOF`];
    for (let i = 0; i < files.length; i++) {
      const file = join(dirname(path), files[i]!.name);
      const last = i === files.length - 1;
      const result = isRdb(file) ? checkRdb(file) : checkAofFile(file, fix && last, last);
      lines.push(...result.lines);
      if (result.code !== 0) return { lines, code: result.code };
    }
    lines.push("All AOF files and manifest are valid");
    return { lines, code: 0 };
  }
  return isRdb(path) ? checkRdb(path) : checkAofFile(path, fix, true);
}

function isRdb(path: string): boolean {
  return readFileSync(path).subarray(0, 5).toString("latin1") === "REDIS";
}

/** One AOF-format file: commands up to where it stops being valid, and a MULTI left open. */
function checkAofFile(path: string, fix: boolean, last: boolean): CheckResult {
  const bytes = readFileSync(path);
  const reader = new AofReader(bytes);
  let valid = 0;
  let inMulti = false;
  let multiStart = 0;
  let problem: string | undefined;
  for (;;) {
    const item = reader.next();
    if (item === undefined) break;
    if ("error" in item) {
      problem = `${item.error} at offset ${item.offset}`;
      break;
    }
    if ("truncated" in item) {
      problem = `the last command is cut off at offset ${item.truncated}`;
      break;
    }
    const name = item.args[0]!.toLowerCase();
    if (name === "multi") {
      if (inMulti) {
        problem = `Unexpected MULTI at offset ${valid}`;
        break;
      }
      inMulti = true;
      multiStart = valid;
    } else if (name === "exec") {
      if (!inMulti) {
        problem = `Unexpected EXEC at offset ${valid}`;
        break;
      }
      inMulti = false;
    }
    valid = item.end;
  }
  if (problem === undefined && inMulti) problem = "the file ends inside MULTI";
  const end = inMulti ? multiStart : valid;
  const lines = [`AOF analyzed: filename=${path}, size=${bytes.length}, ok_up_to=${end}, diff=${bytes.length - end}`];
  if (problem === undefined) return { lines: [...lines, `AOF ${path} is valid`], code: 0 };
  lines.push(`AOF ${path}: ${problem}`);
  if (!last) return { lines: [...lines, `AOF ${path} is not valid: only the last file can be fixed`], code: 1 };
  if (!fix) return { lines: [...lines, `AOF ${path} is not valid. Use the --fix option to try fixing it.`], code: 1 };
  truncateSync(path, end);
  return { lines: [...lines, `Successfully truncated AOF ${path} to ${statSync(path).size} bytes`], code: 0 };
}
