/**
 * @module
 * Logging: a consola instance per server that writes to the console and, when a folder is set, to
 * `<dir>/<name>-<YYYY-MM-DD>.log` (a new file when the date changes). File lines go through a
 * buffered writer, so logging never makes a synchronous write per line; `close()` flushes it.
 */
import { createConsola, type ConsolaInstance, type ConsolaReporter, type LogObject } from "consola";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { formatWithOptions } from "node:util";
import type { FileSink } from "bun";

/** Redis's log levels, mapped to consola's numeric ones. */
const LEVELS = { debug: 5, verbose: 4, notice: 3, warning: 1, nothing: -999 } as const;

/** A Redis log level name. */
export type LogLevelName = keyof typeof LEVELS;

/** Where and what to log. */
export interface LogOptions {
  level: LogLevelName;
  /** Folder of the log files; empty for console only. */
  dir: string;
  name: string;
  /** Console output; false in embedded servers that should stay quiet. */
  console?: boolean;
}

/** A logger and the means to flush it. */
export interface Logger {
  readonly log: ConsolaInstance;
  /** A child logger whose lines carry `[tag]`; it follows `setLevel` like the root. */
  tagged(tag: string): ConsolaInstance;
  /** Changes the level at run time (CONFIG SET loglevel), of the root and every tagged child. */
  setLevel(level: LogLevelName): void;
  /** Writes out what the file writer still holds. */
  flush(): Promise<void>;
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

const TYPE_LABEL: Record<string, string> = { fatal: "FATAL", error: "ERROR", warn: "WARN", log: "LOG", info: "INFO", success: "INFO", start: "INFO", ready: "INFO", box: "INFO", debug: "DEBUG", trace: "TRACE", verbose: "VERBOSE", fail: "ERROR" };

/** One log line: `2026-11-25T07:22:57.123Z INFO  [tcp] listening on 0.0.0.0:6379`. */
function formatLine(entry: LogObject): string {
  const tag = entry.tag ? `[${entry.tag}] ` : "";
  const text = formatWithOptions({ breakLength: Infinity, colors: false }, ...entry.args);
  return `${entry.date.toISOString()} ${(TYPE_LABEL[entry.type] ?? entry.type.toUpperCase()).padEnd(5)} ${tag}${text}\n`;
}

/** Console reporter: errors and warnings to stderr, the rest to stdout. */
const consoleReporter: ConsolaReporter = {
  log(entry) {
    const line = formatLine(entry);
    if (entry.level <= 1) process.stderr.write(line);
    else process.stdout.write(line);
  },
};

/** File reporter: one file per day, written through a buffered sink. */
class FileReporter implements ConsolaReporter {
  private sink: FileSink | undefined;
  private fd = -1;
  private day = "";

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  log(entry: LogObject): void {
    const day = entry.date.toISOString().slice(0, 10);
    if (day !== this.day) {
      void this.close();
      this.day = day;
      // Opened for appending: a restart on the same day adds to that day's file.
      this.fd = openSync(join(this.dir, `${this.name}-${day}.log`), "a");
      this.sink = Bun.file(this.fd).writer({ highWaterMark: 64 * 1024 });
    }
    this.sink!.write(formatLine(entry));
  }

  async flush(): Promise<void> {
    await this.sink?.flush();
  }

  async close(): Promise<void> {
    const { sink, fd } = this;
    this.sink = undefined;
    this.fd = -1;
    this.day = "";
    await sink?.end();
    if (fd >= 0) closeSync(fd);
  }
}

/** Creates a logger; throws when the log folder cannot be created. */
export function createLogger(options: LogOptions): Logger {
  const file = options.dir ? new FileReporter(options.dir, options.name) : undefined;
  const reporters: ConsolaReporter[] = [];
  if (options.console !== false) reporters.push(consoleReporter);
  if (file) reporters.push(file);
  const log = createConsola({ level: LEVELS[options.level], reporters, throttle: 0 });
  // consola's children copy the level when created, so the logger keeps them to pass changes on.
  const children: ConsolaInstance[] = [];
  return {
    log,
    tagged(tag) {
      const child = log.withTag(tag);
      children.push(child);
      return child;
    },
    setLevel(level) {
      log.level = LEVELS[level];
      for (const child of children) child.level = log.level;
    },
    flush: async () => file?.flush(),
    close: async () => file?.close(),
  };
}
