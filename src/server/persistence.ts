/**
 * @module
 * Persistence, wired to the server: loading at start-up (the AOF when `appendonly` is on, else
 * the RDB file), SAVE / BGSAVE / save points, the AOF and its rewrites, and what shutdown must
 * finish. The formats live in src/persist/; this file decides when things happen.
 *
 * Loading runs in slices between event-loop turns, as Redis serves clients while it loads:
 * commands other than those flagged `loading` (INFO, PING...) get Redis's `-LOADING` error, and
 * progress (percent, keys, rate) is logged every few seconds and shown by INFO persistence.
 */
import { existsSync, readFileSync, statSync, truncateSync } from "node:fs";
import { join, resolve } from "node:path";
import { savePoints } from "../config.ts";
import { AofReader, type AofFile } from "../persist/aof.ts";
import { RdbReader } from "../persist/rdb.ts";
import { ReplyWriter } from "../resp/writer.ts";
import { aofLayout, AppendOnlyFile, readAofManifest } from "./aof.ts";
import { Client } from "./client.ts";
import type { Server, ShutdownRequest } from "./server.ts";
import { saveSnapshot, type SnapshotFile } from "./snapshot-file.ts";

/** How long one slice of loading may hold the event loop. */
const LOAD_SLICE_MS = 20;
/** How often loading logs its progress. */
const PROGRESS_LOG_MS = 2000;

/** A load in progress (INFO persistence's loading_* fields). */
export interface LoadProgress {
  readonly startedAt: number;
  totalBytes: number;
  loadedBytes: number;
  keys: number;
}

/** A data file that cannot be loaded: the message names the file, the offset and the reason. */
export class LoadError extends Error {}

/** The server's persistence state. */
export class Persistence {
  aof: AppendOnlyFile | undefined;
  /** The load in progress, if any. */
  loading: LoadProgress | undefined;
  private bgsave: SnapshotFile | undefined;
  private bgsaveStarted = 0;
  /** A BGREWRITEAOF asked for while a BGSAVE ran, or a BGSAVE SCHEDULE during a rewrite: the cron starts them. */
  rewriteScheduled = false;
  bgsaveScheduled = false;
  lastBgsaveOk = true;
  lastBgsaveSeconds = -1;
  rdbSaves = 0;
  aofRewrites = 0;
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** Shutdown's work is done (SHUTDOWN did it before the transport closed), or loading failed. */
  private finished = false;
  private lastProgressLog = 0;

  constructor(private readonly server: Server) {}

  /** The RDB file's path. */
  get rdbPath(): string {
    return resolve(this.server.config.dir, this.server.config.dbfilename);
  }

  get bgsaveInProgress(): boolean {
    return this.bgsave !== undefined;
  }

  /** Seconds the current BGSAVE has run, or -1. */
  get bgsaveSeconds(): number {
    return this.bgsave === undefined ? -1 : Math.floor((performance.now() - this.bgsaveStarted) / 1000);
  }

  /**
   * Loads the data at start-up and then opens the AOF when it is on. Rejects with a `LoadError`
   * (the server must not run on a partial dataset).
   */
  async start(): Promise<void> {
    try {
      await this.loadAndOpen();
      this.server.log.info("Ready to accept connections");
    } catch (error) {
      // Nothing may be saved over the files that failed to load: no final save, no AOF.
      this.finished = true;
      throw error;
    }
  }

  private async loadAndOpen(): Promise<void> {
    const server = this.server;
    const started = performance.now();
    const loaded = (from: string) => {
      const keys = server.keyspace.dbs.reduce((sum, db) => sum + db.size, 0);
      server.log.info(`DB loaded from ${from}: ${((performance.now() - started) / 1000).toFixed(3)} seconds (${keys} keys)`);
    };
    if (server.config.appendonly) {
      const files = readAofManifest(server);
      if (files !== undefined) {
        await this.loadAof(files);
        loaded("append only file");
      }
      this.openAof(files);
    } else if (existsSync(this.rdbPath)) {
      await this.loadRdbFile(this.rdbPath);
      loaded("disk");
    }
  }

  /** Starts the AOF (at start-up after loading, or when CONFIG SET turns appendonly on). */
  openAof(files: AofFile[] | undefined): void {
    this.aof = new AppendOnlyFile(this.server);
    this.aof.open(files, false);
  }

  /**
   * CONFIG SET appendonly yes: starts an AOF holding the dataset as it is now (a new base written
   * in the background, writes from now on in a new increment), whatever older files the folder has.
   */
  enableAof(): void {
    if (this.aof !== undefined) return;
    this.aof = new AppendOnlyFile(this.server);
    this.aof.open(readAofManifest(this.server), true);
  }

  /** Stops the AOF (CONFIG SET appendonly no). */
  closeAof(): void {
    this.aof?.close();
    this.aof = undefined;
  }

  /** Loads every file of the manifest: the base, then the incremental files in order. */
  private async loadAof(files: AofFile[]): Promise<void> {
    const { dir } = aofLayout(this.server);
    const live = files.filter((file) => file.type !== "h");
    const total = live.reduce((sum, file) => sum + (existsSync(join(dir, file.name)) ? statSync(join(dir, file.name)).size : 0), 0);
    this.beginLoading(total);
    try {
      for (let i = 0; i < live.length; i++) {
        const path = join(dir, live[i]!.name);
        if (!existsSync(path)) throw new LoadError(`Append only file ${path} does not exist`);
        const bytes = readFileSync(path);
        const step = bytes.subarray(0, 5).toString("latin1") === "REDIS" ? this.rdbLoader(bytes, path) : this.aofLoader(bytes, path, i === live.length - 1);
        await runInSlices(step, () => this.logProgress());
      }
    } finally {
      this.endLoading();
    }
  }

  /** Loads an RDB file at start-up, in slices. */
  private async loadRdbFile(path: string): Promise<void> {
    const bytes = readFileSync(path);
    this.beginLoading(bytes.length);
    try {
      await runInSlices(this.rdbLoader(bytes, path), () => this.logProgress());
    } finally {
      this.endLoading();
    }
  }

  /**
   * DEBUG RELOAD: saves the RDB file, empties the keyspace and loads the file back, all at once
   * (nothing else runs meanwhile, as in Redis).
   */
  reload(): void {
    this.save();
    for (const db of this.server.keyspace.dbs) db.flush();
    this.server.scripting.libraries.flush();
    const bytes = readFileSync(this.rdbPath);
    this.beginLoading(bytes.length);
    try {
      this.rdbLoader(bytes, this.rdbPath)(Number.POSITIVE_INFINITY);
    } finally {
      this.endLoading();
    }
  }

  /**
   * A loader of the commands of an AOF-format file, run through a client of its own (as Redis's
   * fake client): each call runs commands for about `budgetMs` and says whether it is done.
   */
  private aofLoader(bytes: Buffer, path: string, last: boolean): (budgetMs: number) => boolean {
    const server = this.server;
    const client = new Client(-1, "aof:0", "aof:0", -1, server.clock.now(), false);
    client.loader = true;
    client.denyBlocking = true;
    const reply = new ReplyWriter();
    const reader = new AofReader(bytes);
    const progress = this.loading!;
    const base = progress.loadedBytes;
    /** Where the last command outside a transaction ended: a cut-off MULTI is dropped whole. */
    let safeEnd = 0;
    return (budgetMs) => {
      const deadline = performance.now() + budgetMs;
      while (performance.now() < deadline) {
        const item = reader.next();
        if (item === undefined) {
          if (client.multi !== undefined) this.truncated(path, safeEnd, last, "the file ends inside MULTI");
          return true;
        }
        if ("error" in item) throw new LoadError(`Bad file format reading the append only file ${path} at offset ${item.offset}`);
        if ("truncated" in item) {
          this.truncated(path, client.multi !== undefined ? safeEnd : item.truncated, last, "the last command is cut off");
          return true;
        }
        reply.reset();
        server.execute(client, item.args, reply);
        if (client.multi === undefined) safeEnd = item.end;
        progress.loadedBytes = base + item.end;
        progress.keys++;
      }
      return false;
    };
  }

  /** A file cut off at `offset`: loaded up to there with aof-load-truncated, else refused. */
  private truncated(path: string, offset: number, last: boolean, reason: string): void {
    if (!last || !this.server.config["aof-load-truncated"]) {
      throw new LoadError(`Unexpected end of file reading the append only file ${path} at offset ${offset}: ${reason}. Set aof-load-truncated yes (or run check-aof --fix) to load up to the last whole command`);
    }
    this.server.log.warn(`!!! Warning: short read while loading the AOF file ${path}!!! (${reason}); loaded up to offset ${offset} and truncating the file there`);
    truncateSync(path, offset);
  }

  /** A loader of RDB bytes (an RDB file or an AOF base) into the keyspace; see `aofLoader`. */
  private rdbLoader(bytes: Uint8Array, path: string): (budgetMs: number) => boolean {
    const server = this.server;
    const config = server.config;
    const reader = new RdbReader(bytes, { checksum: config.rdbchecksum, config });
    const progress = this.loading!;
    const base = progress.loadedBytes;
    const now = server.clock.now();
    let db = server.db(0);
    return (budgetMs) => {
      const deadline = performance.now() + budgetMs;
      try {
        for (let count = 0; ; count++) {
          if ((count & 255) === 255 && performance.now() >= deadline) return false;
          const item = reader.next();
          if (item === undefined || item.kind === "end") return true;
          if (item.kind === "selectDb") {
            if (item.index >= server.keyspace.dbs.length) throw new LoadError(`FATAL: Data file was created with a Redis server configured to handle more than ${server.keyspace.dbs.length} databases. Exiting`);
            db = server.db(item.index);
          } else if (item.kind === "function") {
            server.scripting.libraries.load(item.code, true);
          } else if (item.kind === "key") {
            // Expired keys are dropped, as a Redis master does when loading.
            if (item.expireAt !== undefined && item.expireAt < now) {
              this.lastLoadKeysExpired++;
              continue;
            }
            db.set(item.key, item.value);
            if (item.expireAt !== undefined) db.setExpire(item.key, item.expireAt);
            progress.keys++;
            this.lastLoadKeysLoaded++;
          }
          progress.loadedBytes = base + reader.offset;
        }
      } catch (error) {
        if (error instanceof LoadError) throw error;
        const offset = (error as { offset?: number }).offset ?? reader.offset;
        throw new LoadError(`Bad RDB file ${path} at offset ${offset}: ${(error as Error).message}`);
      }
    };
  }

  private beginLoading(totalBytes: number): void {
    this.loading = { startedAt: performance.now(), totalBytes, loadedBytes: 0, keys: 0 };
    this.lastProgressLog = performance.now();
    this.lastLoadKeysLoaded = this.lastLoadKeysExpired = 0;
  }

  private endLoading(): void {
    this.loading = undefined;
  }

  private logProgress(): void {
    const progress = this.loading!;
    const now = performance.now();
    if (now - this.lastProgressLog < PROGRESS_LOG_MS) return;
    this.lastProgressLog = now;
    const seconds = (now - progress.startedAt) / 1000;
    this.server.log.info(`Loading: ${this.loadedPercent().toFixed(2)}% (${progress.keys} keys, ${Math.round(progress.keys / seconds)} keys/s)`);
  }

  /** INFO's loading_loaded_perc. */
  loadedPercent(): number {
    const progress = this.loading;
    if (progress === undefined || progress.totalBytes === 0) return 0;
    return (progress.loadedBytes * 100) / progress.totalBytes;
  }

  /** SAVE: the dataset to the RDB file, now, blocking. */
  save(): void {
    saveSnapshot(this.server, this.rdbPath, { background: false, aofBase: false });
    this.saved();
  }

  /** BGSAVE: the dataset to the RDB file in the background; false when one already runs. */
  backgroundSave(): boolean {
    if (this.bgsave !== undefined) return false;
    const server = this.server;
    const dirty = server.dirty;
    this.bgsaveStarted = performance.now();
    server.log.info("Background saving started");
    this.bgsave = saveSnapshot(server, this.rdbPath, { background: true, aofBase: false });
    this.bgsave.done.then(
      () => {
        this.bgsave = undefined;
        this.lastBgsaveSeconds = Math.round((performance.now() - this.bgsaveStarted) / 1000);
        // Changes made while saving are not in the file: they still count for the next save.
        server.dirty -= dirty;
        this.saved(false);
        server.log.info("Background saving terminated with success");
      },
      (error: Error) => {
        this.bgsave = undefined;
        this.lastBgsaveOk = false;
        if (error.message !== "aborted") server.log.warn(`Background saving error: ${error.message}`);
      },
    );
    return true;
  }

  /** Stops a BGSAVE in progress (FLUSHALL, as Redis kills its child). */
  abortBackgroundSave(): void {
    this.bgsave?.abort();
    this.bgsave = undefined;
  }

  /** Bookkeeping after a successful save. */
  private saved(resetDirty = true): void {
    if (resetDirty) this.server.dirty = 0;
    this.server.lastSave = Math.floor(this.server.clock.now() / 1000);
    this.lastBgsaveOk = true;
    this.rdbSaves++;
  }

  /** BGREWRITEAOF: "started", "scheduled" (after the BGSAVE in progress), or "running". */
  rewriteAof(): "started" | "scheduled" | "running" {
    if (this.aof?.rewriteInProgress) return "running";
    if (this.bgsave !== undefined) {
      this.rewriteScheduled = true;
      return "scheduled";
    }
    this.startRewrite();
    return "started";
  }

  private startRewrite(): void {
    const server = this.server;
    server.log.info("Background append only file rewriting started");
    this.aofRewrites++;
    if (this.aof === undefined) {
      // AOF off: BGREWRITEAOF still writes a complete AOF folder, as Redis does, in the background.
      const aof = new AppendOnlyFile(server);
      aof.open(readAofManifest(server), true).then(
        () => aof.close(),
        () => aof.close(),
      );
      return;
    }
    this.aof.rewrite().catch(() => {});
  }

  /** The cron's share: save points, and automatic AOF rewrites. */
  cron(): void {
    if (this.loading !== undefined) return;
    const server = this.server;
    const rewriting = this.aof?.rewriteInProgress ?? false;
    if (this.rewriteScheduled && this.bgsave === undefined && !rewriting) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    if (this.bgsaveScheduled && this.bgsave === undefined && !rewriting) {
      this.bgsaveScheduled = false;
      this.backgroundSave();
      return;
    }
    if (this.bgsave === undefined && !rewriting) {
      const elapsed = Math.floor(server.clock.now() / 1000) - server.lastSave;
      for (const [seconds, changes] of savePoints(server.config.save)) {
        if (server.dirty >= changes && elapsed > seconds) {
          server.log.info(`${changes} changes in ${seconds} seconds. Saving...`);
          this.backgroundSave();
          break;
        }
      }
    }
    if (this.aof?.shouldRewrite() && this.bgsave === undefined) {
      server.log.info(`Starting automatic rewriting of AOF on ${Math.round(((this.aof.size - this.aof.baseSize) * 100) / Math.max(1, this.aof.baseSize))}% growth`);
      this.startRewrite();
    }
  }

  /**
   * What shutdown must finish before the process exits: the AOF written and fsynced, and a save
   * when save points are set (or SHUTDOWN SAVE), unless SHUTDOWN NOSAVE. Throws if saving fails.
   */
  shutdown(request: ShutdownRequest): void {
    if (this.finished) return;
    this.abortBackgroundSave();
    this.aof?.close();
    this.aof = undefined;
    const wantSave = request.save ?? savePoints(this.server.config.save).length > 0;
    if (wantSave && this.loading === undefined) {
      this.server.log.info("Saving the final RDB snapshot before exiting.");
      this.save();
      this.server.log.info("DB saved on disk");
    }
    this.finished = true;
  }

  /** Stops everything without saving (the server is dropped). */
  close(): void {
    this.abortBackgroundSave();
    this.aof?.close();
    this.aof = undefined;
  }
}


/** Runs a loader slice by slice, yielding to the event loop between slices so clients are answered. */
async function runInSlices(step: (budgetMs: number) => boolean, between: () => void): Promise<void> {
  while (!step(LOAD_SLICE_MS)) {
    between();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
