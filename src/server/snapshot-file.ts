/**
 * @module
 * Writes the whole dataset to a file in RDB format without stopping the server: BGSAVE, and the
 * base file of an AOF rewrite. A forkless `Snapshot` walks the keyspace a few milliseconds per
 * event-loop turn (so clients are served between slices) and an `RdbWriter` serialises each key
 * as it is handed over; the bytes go to a temporary file that is renamed into place once complete
 * and fsynced, so a crash never leaves a half-written file under the real name. SAVE (and the save
 * on shutdown) runs the same walk to the end at once.
 */
import { closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { AofSnapshotWriter } from "../persist/aof.ts";
import { dumpValue, RdbWriter } from "../persist/rdb.ts";
import { dumpPayload } from "./scripting/dump.ts";
import { Snapshot } from "../persist/snapshot.ts";
import type { Server } from "./server.ts";

/** How long one slice of a background save may hold the event loop. */
const SLICE_MS = 4;
/** Bytes gathered before they are written to the file. */
const WRITE_CHUNK = 1024 * 1024;

/** A save in progress; `done` settles when the file is in place (or the save failed or was aborted). */
export interface SnapshotFile {
  readonly done: Promise<void>;
  /** Stops the save and removes the temporary file (FLUSHALL, shutdown). */
  abort(): void;
}

/** The AUX fields Redis writes at the start of an RDB file. */
function auxFields(server: Server, aofBase: boolean): Array<[string, string | number]> {
  return [
    ["redis-ver", "7.0.15"],
    ["redis-bits", 64],
    ["ctime", Math.floor(server.clock.now() / 1000)],
    ["used-mem", Math.round(process.memoryUsage().heapUsed)],
    ["aof-base", aofBase ? 1 : 0],
  ];
}

/**
 * Saves the dataset as it is now to `path` (through `path` + ".tmp-<pid>"). In the background
 * (`background`: slices between event-loop turns) or at once. `aofBase` marks an AOF base file;
 * `format: "aof"` writes it as RESTORE commands instead of RDB (aof-use-rdb-preamble no).
 */
export function saveSnapshot(server: Server, path: string, options: { background: boolean; aofBase: boolean; format?: "rdb" | "aof" }): SnapshotFile {
  const temp = `${path}.tmp-${process.pid}`;
  const rdbOptions = { compression: server.config.rdbcompression, checksum: server.config.rdbchecksum };
  const writer = options.format === "aof" ? new AofSnapshotWriter((value) => dumpValue(value, rdbOptions)) : new RdbWriter(rdbOptions);
  let fd: number | undefined = openSync(temp, "w");
  let currentDb = -1;
  const snapshot = new Snapshot(server.keyspace, {
    key(db, key, value, expireAt) {
      if (db !== currentDb) {
        currentDb = db;
        const size = snapshot.sizeOf(db);
        writer.selectDb(db, size.keys, size.expiring);
      }
      writer.key(key, value, expireAt);
    },
  });
  const codes = server.scripting.libraries.all().map((library) => library.code);
  if (writer instanceof RdbWriter) {
    writer.header(auxFields(server, options.aofBase));
    writer.functions(codes);
  } else if (codes.length > 0) writer.command(["FUNCTION", "RESTORE", dumpPayload(codes).toString("latin1"), "REPLACE"]);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const write = (force: boolean) => {
    const chunk = writer.take();
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
    if (pendingBytes === 0 || (!force && pendingBytes < WRITE_CHUNK)) return;
    const bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    for (let written = 0; written < bytes.length; ) written += writeSync(fd!, bytes, written, bytes.length - written);
    pending = [];
    pendingBytes = 0;
  };
  const cleanUp = () => {
    snapshot.close();
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  /** A failed or abandoned save leaves no temporary file behind. */
  const discard = () => {
    cleanUp();
    rmSync(temp, { force: true });
  };
  /** The last bytes; then, once fsynced, `putInPlace`. */
  const finishWriting = () => {
    writer.finish();
    write(true);
  };
  const putInPlace = () => {
    cleanUp();
    renameSync(temp, path);
  };

  let aborted = false;
  if (!options.background) {
    try {
      snapshot.step(Number.POSITIVE_INFINITY);
      finishWriting();
      fsyncSync(fd!);
      putInPlace();
    } catch (error) {
      discard();
      throw error;
    }
    return { done: Promise.resolve(), abort() {} };
  }
  let timer: ReturnType<typeof setImmediate> | undefined;
  let fail: (error: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    fail = reject;
    const failed = (error: unknown) => {
      discard();
      reject(error);
    };
    const slice = () => {
      timer = undefined;
      if (aborted) return;
      try {
        const finished = snapshot.step(SLICE_MS);
        write(finished);
        if (!finished) {
          timer = setImmediate(slice);
          return;
        }
        finishWriting();
        // The file's fsync (tens of ms for a large file) runs off the event loop.
        fsync(fd!, (error) => {
          if (aborted) return;
          if (error) return failed(error);
          try {
            putInPlace();
            resolve();
          } catch (failure) {
            failed(failure);
          }
        });
      } catch (error) {
        failed(error);
      }
    };
    timer = setImmediate(slice);
  });
  return {
    done,
    abort() {
      if (aborted) return;
      aborted = true;
      if (timer !== undefined) clearImmediate(timer);
      discard();
      fail(new Error("aborted"));
    },
  };
}
