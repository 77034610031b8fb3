/**
 * @module
 * The append-only file, as Redis 7 keeps it: in `dir/appenddirname`, a base file (RDB format by
 * default), incremental files of commands, and a manifest naming them.
 *
 * - Every effect a command hands on (`Propagation`) is encoded into a buffer, and the buffer is
 *   written to the current incremental file before any reply leaves the server (the handler calls
 *   `flush` before each socket write), so a client never hears of a write the file lacks. With
 *   `appendfsync always` the write is fsynced before the replies go; with `everysec` a timer
 *   fsyncs once a second off the event loop; with `no` the OS decides.
 * - A rewrite (BGREWRITEAOF, or automatic growth past `auto-aof-rewrite-percentage`) opens a new
 *   incremental file at once, so that from then on the old files are no longer needed, and writes
 *   the dataset as of that moment as the new base with a forkless snapshot. When the base is
 *   complete, a new manifest (base + new incremental files) replaces the old one atomically and
 *   the old files are deleted.
 */
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { AofEncoder, baseName, formatManifest, incrName, manifestName, parseManifest, type AofFile } from "../persist/aof.ts";
import type { Server } from "./server.ts";
import { saveSnapshot, type SnapshotFile } from "./snapshot-file.ts";

/** The AOF folder and its manifest's files, as configured. */
export function aofLayout(server: Server): { dir: string; manifest: string } {
  const dir = resolve(server.config.dir, server.config.appenddirname);
  return { dir, manifest: join(dir, manifestName(server.config.appendfilename)) };
}

/** The files the manifest lists, or undefined when there is no manifest. */
export function readAofManifest(server: Server): AofFile[] | undefined {
  const { manifest } = aofLayout(server);
  if (!existsSync(manifest)) return undefined;
  return parseManifest(readFileSync(manifest, "latin1"));
}

/** The append-only file of a running server. */
export class AppendOnlyFile {
  private readonly encoder = new AofEncoder();
  private files: AofFile[] = [];
  /** The incremental file being appended to. */
  private fd = -1;
  /** Written but not yet fsynced (everysec). */
  private unsynced = false;
  private syncing = false;
  private fsyncTimer: Timer | undefined;
  /** The rewrite in progress. */
  private rewriting: SnapshotFile | undefined;
  /** Bytes of the base plus incremental files now, and of the base after the last rewrite. */
  size = 0;
  baseSize = 0;
  lastRewriteOk = true;
  lastRewriteSeconds = -1;
  /** Unix time of the last fsync error, 0 when the last fsync went well (INFO's aof_last_write_status). */
  lastWriteOk = true;

  constructor(private readonly server: Server) {}

  get rewriteInProgress(): boolean {
    return this.rewriting !== undefined;
  }

  /**
   * Starts appending. `files` is the manifest that was loaded, if any; with none (or `fresh`: the
   * AOF turned on while running, so older files may be stale), a new increment is opened and a
   * base of the dataset as it is now is written (in the background when `fresh`), as Redis does.
   * Resolves when that base is in place.
   */
  open(files: AofFile[] | undefined, fresh: boolean): Promise<void> {
    const { dir } = aofLayout(this.server);
    mkdirSync(dir, { recursive: true });
    let base = Promise.resolve();
    if (fresh || files === undefined || !files.some((file) => file.type === "b")) {
      this.files = files ?? [];
      this.startIncrement();
      base = this.writeBase(fresh);
      base.catch(() => {});
    } else {
      this.files = files;
      const last = files.filter((file) => file.type === "i").at(-1);
      if (last === undefined) this.startIncrement();
      else this.fd = openSync(join(dir, last.name), "a");
    }
    this.size = this.files.filter((file) => file.type !== "h").reduce((sum, file) => sum + fileSize(join(dir, file.name)), 0);
    if (this.baseSize === 0) this.baseSize = this.size;
    this.server.propagation.sink = this.append;
    this.fsyncTimer = setInterval(() => this.backgroundFsync(), 1000);
    this.fsyncTimer.unref();
    return base;
  }

  /** Encodes what a command handed on; written by `flush` before the replies leave. */
  private readonly append = (db: number, args: readonly string[]): void => {
    this.encoder.command(db, args);
  };

  /** Whether there is something to write (the handler checks this on every reply). */
  get pending(): boolean {
    return this.encoder.length !== 0;
  }

  /** Writes what was handed on since the last flush; fsyncs it too with `appendfsync always`. */
  flush(): void {
    if (this.encoder.length === 0) return;
    const bytes = this.encoder.bytes();
    for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.size += bytes.length;
    this.encoder.reset();
    if (this.server.config.appendfsync === "always") fsyncSync(this.fd);
    else this.unsynced = true;
  }

  /** everysec: fsync off the event loop, once a second, if anything was written. */
  private backgroundFsync(): void {
    if (this.server.config.appendfsync !== "everysec" || !this.unsynced || this.syncing) return;
    this.unsynced = false;
    this.syncing = true;
    fsync(this.fd, (error) => {
      this.syncing = false;
      this.lastWriteOk = error === null;
      if (error) this.server.log.warn(`fsync of the append only file failed: ${error.message}`);
    });
  }

  /** Whether growth since the last rewrite calls for an automatic one. */
  shouldRewrite(): boolean {
    const { "auto-aof-rewrite-percentage": percentage, "auto-aof-rewrite-min-size": minSize } = this.server.config;
    if (percentage === 0 || this.rewriting !== undefined || this.size < minSize) return false;
    return ((this.size - this.baseSize) * 100) / Math.max(1, this.baseSize) >= percentage;
  }

  /** BGREWRITEAOF: a new incremental file now, a new base from a snapshot in the background. */
  rewrite(): Promise<void> {
    this.startIncrement();
    return this.writeBase(true);
  }

  /** Appends from now on to a new incremental file (listed in the manifest at once). */
  private startIncrement(): void {
    this.flush();
    const { dir } = aofLayout(this.server);
    const seq = Math.max(0, ...this.files.filter((file) => file.type === "i").map((file) => file.seq)) + 1;
    const name = incrName(this.server.config.appendfilename, seq);
    const previous = this.fd;
    this.fd = openSync(join(dir, name), "a");
    this.encoder.db = -1;
    this.files = [...this.files, { name, seq, type: "i" }];
    this.writeManifest();
    if (previous >= 0) {
      fsyncSync(previous);
      closeSync(previous);
    }
  }

  /**
   * Writes a new base holding the dataset as it is now; once complete, the manifest lists it and
   * the incremental files opened since, and the older files are deleted.
   */
  private writeBase(background: boolean): Promise<void> {
    const { dir } = aofLayout(this.server);
    const config = this.server.config;
    const seq = Math.max(0, ...this.files.filter((file) => file.type === "b" || file.type === "h").map((file) => file.seq)) + 1;
    const rdb = config["aof-use-rdb-preamble"];
    const name = baseName(config.appendfilename, seq, rdb);
    const keep = new Set(this.files.filter((file) => file.type === "i").slice(-1).map((file) => file.name));
    const started = performance.now();
    this.rewriting = saveSnapshot(this.server, join(dir, name), { background, aofBase: true, format: rdb ? "rdb" : "aof" });
    return this.rewriting.done.then(
      () => {
        this.rewriting = undefined;
        const old = this.files.filter((file) => !keep.has(file.name));
        this.files = [{ name, seq, type: "b" }, ...this.files.filter((file) => keep.has(file.name))];
        this.writeManifest();
        for (const file of old) rmSync(join(dir, file.name), { force: true });
        this.baseSize = fileSize(join(dir, name));
        this.size = this.baseSize + [...keep].reduce((sum, file) => sum + fileSize(join(dir, file)), 0);
        this.lastRewriteOk = true;
        this.lastRewriteSeconds = Math.round((performance.now() - started) / 1000);
        this.server.log.info("Background AOF rewrite finished successfully");
      },
      (error: Error) => {
        this.rewriting = undefined;
        this.lastRewriteOk = false;
        if (error.message !== "aborted") this.server.log.warn(`Background AOF rewrite failed: ${error.message}`);
        throw error;
      },
    );
  }

  /** Replaces the manifest atomically (temporary file, fsync, rename). */
  private writeManifest(): void {
    const { dir, manifest } = aofLayout(this.server);
    const temp = join(dir, `temp-${manifestName(this.server.config.appendfilename)}`);
    writeFileSync(temp, formatManifest(this.files), "latin1");
    const fd = openSync(temp, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, manifest);
  }

  /** Stops appending: the buffer is written and fsynced, a rewrite in progress abandoned. */
  close(): void {
    clearInterval(this.fsyncTimer);
    this.rewriting?.abort();
    this.rewriting = undefined;
    if (this.fd < 0) return;
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    if (this.server.propagation.sink === this.append) this.server.propagation.sink = undefined;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
