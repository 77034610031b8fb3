/**
 * BullMQ (issue 5's real-world workload) against bunredis: a queue of 10,000 jobs run to
 * completion by a worker, retries with backoff, delayed jobs and the QueueEvents stream. BullMQ
 * drives Redis almost entirely through Lua scripts (EVALSHA with EVAL fallback), waits for work
 * with BZPOPMIN on a marker key and reads its events with XREAD BLOCK, so this is an end-to-end
 * check of scripting, blocking commands, streams, sorted sets, hashes and lists together.
 *
 * Every scenario runs against bunredis (in-process) and, where it is installed, against a real
 * redis-server as well, so the expectations below are Redis's behaviour and not bunredis's.
 * Waiting for jobs is on BullMQ's own events; nothing sleeps (only the closing check, that no
 * connection is left open on bunredis, polls its count: a socket's close has no event to await).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Job, Queue, QueueEvents, Worker, type ConnectionOptions, type QueueOptions } from "bullmq";
import { startServer, type RunningServer } from "../../src/lib.ts";
import { until } from "../helpers/net.ts";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "../helpers/oracle.ts";

/** The objects a scenario opens, closed in reverse order whatever the outcome. */
class Resources {
  private readonly closers: (() => Promise<unknown>)[] = [];
  /** Errors BullMQ emitted (a worker emits its connection and script errors rather than throwing). */
  readonly errors: Error[] = [];

  constructor(private readonly connection: ConnectionOptions) {}

  queue(name: string, options: Omit<QueueOptions, "connection"> = {}): Queue {
    const queue = new Queue(name, { connection: this.connection, ...options });
    queue.on("error", (error) => this.errors.push(error));
    this.closers.push(() => queue.close());
    return queue;
  }

  /** A QueueEvents reading `name`'s event stream from its start, so no event can be missed. */
  async events(name: string): Promise<QueueEvents> {
    const events = new QueueEvents(name, { connection: this.connection, lastEventId: "0-0" });
    events.on("error", (error) => this.errors.push(error));
    this.closers.push(() => events.close());
    await events.waitUntilReady();
    return events;
  }

  worker<R>(name: string, processor: (job: Job) => Promise<R>, options: { concurrency?: number } = {}): Worker {
    const worker = new Worker(name, processor, { connection: this.connection, ...options });
    worker.on("error", (error) => this.errors.push(error));
    this.closers.push(() => worker.close());
    return worker;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
  }
}

/** A promise that resolves on the `count`th tick, and how many ticks there were. */
function counter(count: number): { promise: Promise<void>; tick(): void; readonly calls: number } {
  let calls = 0;
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return {
    promise,
    tick() {
      if (++calls === count) resolve();
    },
    get calls() {
      return calls;
    },
  };
}

const JOBS = 10_000;
const BATCH = 500;

/** What the 10,000-job processor returns for job number `i`: computed from its data. */
function expectedResult(i: number): { i: number; square: number; tag: string } {
  return { i, square: i * i, tag: `job-${i}-\u00e9` };
}

/** The scenarios, run against the server listening on `port()`. */
function scenarios(target: string, port: () => number, afterEach?: () => Promise<void>): void {
  describe(`BullMQ against ${target}`, () => {
    const connection = (): ConnectionOptions => ({ host: "127.0.0.1", port: port(), maxRetriesPerRequest: null });

    async function scenario(body: (resources: Resources) => Promise<void>): Promise<void> {
      const resources = new Resources(connection());
      try {
        await body(resources);
        expect(resources.errors.map(String)).toEqual([]);
      } finally {
        await resources.close();
        await afterEach?.();
      }
    }

    test(`${JOBS} jobs, a worker with concurrency 50: each completes exactly once with its value`, () =>
      scenario(async (resources) => {
        const name = "bulk";
        // The events stream is trimmed near maxLen; keep every completion in it so that a slow
        // reader still sees all 10,000 (trimming itself is XADD's business, tested with streams).
        const queue = resources.queue(name, { streams: { events: { maxLen: 100_000 } } });
        const events = await resources.events(name);
        const runs = new Map<string, number>();
        const workerCompleted = counter(JOBS);
        const eventsCompleted = counter(JOBS);
        const eventResults = new Map<string, unknown>();
        events.on("completed", ({ jobId, returnvalue }) => {
          eventResults.set(jobId, returnvalue);
          eventsCompleted.tick();
        });
        const failures: string[] = [];
        events.on("failed", ({ jobId, failedReason }) => failures.push(`${jobId}: ${failedReason}`));

        const worker = resources.worker(
          name,
          async (job) => {
            runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
            const { i } = job.data as { i: number };
            return expectedResult(i);
          },
          { concurrency: 50 },
        );
        worker.on("completed", () => workerCompleted.tick());

        // Jobs arrive while the worker is already taking them, as in production.
        for (let start = 0; start < JOBS; start += BATCH) {
          const added = await queue.addBulk(Array.from({ length: BATCH }, (_, k) => ({ name: "square", data: { i: start + k } })));
          expect(added.length).toBe(BATCH);
        }
        await Promise.all([workerCompleted.promise, eventsCompleted.promise]);

        expect(failures).toEqual([]);
        expect(runs.size).toBe(JOBS);
        expect([...runs.values()].every((count) => count === 1)).toBe(true);
        expect(workerCompleted.calls).toBe(JOBS);
        expect(eventsCompleted.calls).toBe(JOBS);
        expect(eventResults.size).toBe(JOBS);

        const counts = await queue.getJobCounts("completed", "waiting", "active", "failed", "delayed", "prioritized");
        expect(counts).toEqual({ completed: JOBS, waiting: 0, active: 0, failed: 0, delayed: 0, prioritized: 0 });

        const completed = await queue.getCompleted(0, -1);
        expect(completed.length).toBe(JOBS);
        const seen = new Set<number>();
        for (const job of completed) {
          const { i } = job.data as { i: number };
          seen.add(i);
          expect(job.returnvalue).toEqual(expectedResult(i));
          expect(eventResults.get(job.id!)).toEqual(expectedResult(i));
          expect(job.attemptsMade).toBe(1);
          expect(job.finishedOn).toBeGreaterThanOrEqual(job.processedOn!);
        }
        expect(seen.size).toBe(JOBS);
      }), 60_000);

    test("a job that throws is retried per attempts with backoff, then fails with its error", () =>
      scenario(async (resources) => {
        const name = "retry";
        const queue = resources.queue(name);
        const events = await resources.events(name);
        const failed = counter(1);
        const recovered = counter(1);
        const history: string[] = [];
        events.on("failed", ({ jobId, failedReason }) => {
          history.push(`failed ${jobId} ${failedReason}`);
          failed.tick();
        });
        events.on("retries-exhausted", ({ jobId, attemptsMade }) => history.push(`retries-exhausted ${jobId} ${attemptsMade}`));
        events.on("completed", ({ jobId, returnvalue }) => {
          history.push(`completed ${jobId} ${JSON.stringify(returnvalue)}`);
          recovered.tick();
        });

        const started = new Map<string, number[]>();
        const attempts: string[] = [];
        resources.worker(name, async (job) => {
          const times = started.get(job.id!) ?? [];
          times.push(Date.now());
          started.set(job.id!, times);
          attempts.push(`${job.name} ${job.attemptsMade}`);
          if (job.name === "always" || job.attemptsMade === 0) throw new Error(`boom on attempt ${job.attemptsMade + 1}`);
          return "second time lucky";
        });

        const always = await queue.add("always", { x: 1 }, { attempts: 3, backoff: { type: "fixed", delay: 60 } });
        await failed.promise;
        const flaky = await queue.add("flaky", { x: 2 }, { attempts: 4, backoff: { type: "exponential", delay: 40 } });
        await recovered.promise;

        expect(attempts).toEqual(["always 0", "always 1", "always 2", "flaky 0", "flaky 1"]);
        expect(history).toEqual([`failed ${always.id} boom on attempt 3`, `retries-exhausted ${always.id} 3`, `completed ${flaky.id} "second time lucky"`]);
        // Each retry waited out its backoff in the delayed set (60 ms fixed; 40 ms exponential's first step).
        const gaps = (times: number[]) => times.slice(1).map((time, k) => time - times[k]!);
        for (const gap of gaps(started.get(always.id!)!)) expect(gap).toBeGreaterThanOrEqual(55);
        for (const gap of gaps(started.get(flaky.id!)!)) expect(gap).toBeGreaterThanOrEqual(35);

        const failedJob = (await Job.fromId(queue, always.id!))!;
        expect(await failedJob.getState()).toBe("failed");
        expect(failedJob.failedReason).toBe("boom on attempt 3");
        expect(failedJob.attemptsMade).toBe(3);
        expect(failedJob.stacktrace?.length).toBe(3);
        expect((failedJob.stacktrace ?? []).every((trace) => trace.startsWith("Error: boom on attempt"))).toBe(true);
        const recoveredJob = (await Job.fromId(queue, flaky.id!))!;
        expect(await recoveredJob.getState()).toBe("completed");
        expect(recoveredJob.returnvalue).toBe("second time lucky");
        expect(recoveredJob.attemptsMade).toBe(2);
        expect(await queue.getJobCounts("completed", "failed", "delayed", "waiting", "active")).toEqual({ completed: 1, failed: 1, delayed: 0, waiting: 0, active: 0 });
      }));

    test("a delayed job waits in the delayed set and runs once its delay is over", () =>
      scenario(async (resources) => {
        const name = "delayed";
        const queue = resources.queue(name);
        const events = await resources.events(name);
        const completed = counter(1);
        const delayedEvents: string[] = [];
        events.on("delayed", ({ jobId }) => delayedEvents.push(jobId));
        events.on("completed", () => completed.tick());
        let ranAt = 0;
        resources.worker(name, async (job) => {
          ranAt = Date.now();
          return (job.data as { text: string }).text.toUpperCase();
        });

        const DELAY = 250;
        const addedAt = Date.now();
        const job = await queue.add("later", { text: "on time" }, { delay: DELAY });
        expect(await job.getState()).toBe("delayed");
        await completed.promise;

        expect(delayedEvents).toEqual([job.id!]);
        expect(ranAt - addedAt).toBeGreaterThanOrEqual(DELAY - 5);
        const done = (await Job.fromId(queue, job.id!))!;
        expect(done.returnvalue).toBe("ON TIME");
        expect(done.processedOn! - done.timestamp).toBeGreaterThanOrEqual(DELAY - 5);
        expect(await queue.getJobCounts("delayed", "completed")).toEqual({ delayed: 0, completed: 1 });
      }));

    test("a delayed job far in the future is promoted and runs at once", () =>
      scenario(async (resources) => {
        const name = "promote";
        const queue = resources.queue(name);
        const events = await resources.events(name);
        const completed = counter(1);
        events.on("completed", () => completed.tick());
        resources.worker(name, async (job) => (job.data as { n: number }).n + 1);

        const job = await queue.add("promoted", { n: 41 }, { delay: 3_600_000 });
        expect(await job.getState()).toBe("delayed");
        await job.promote();
        await completed.promise;
        expect((await Job.fromId(queue, job.id!))!.returnvalue).toBe(42);
      }));

    test("QueueEvents reads a job's whole life from the events stream (XREAD BLOCK)", () =>
      scenario(async (resources) => {
        const name = "events";
        const queue = resources.queue(name);
        const events = await resources.events(name);
        const log: string[] = [];
        const finished = counter(2);
        for (const kind of ["added", "waiting", "active", "progress", "completed", "failed"] as const) {
          events.on(kind, (args: { jobId: string; data?: unknown; returnvalue?: unknown; failedReason?: string }) => {
            const detail = kind === "progress" ? JSON.stringify(args.data) : kind === "completed" ? JSON.stringify(args.returnvalue) : kind === "failed" ? args.failedReason : "";
            log.push(`${args.jobId} ${kind}${detail ? ` ${detail}` : ""}`);
            if (kind === "completed" || kind === "failed") finished.tick();
          });
        }
        // The reader is parked in XREAD BLOCK before anything is written: the first XADD wakes it.
        resources.worker(name, async (job) => {
          await job.updateProgress({ percent: 50 });
          await job.log("half way");
          if (job.name === "bad") throw new Error("no \u00ff\r\n way");
          return { ok: true };
        });
        const good = await queue.add("good", {});
        const bad = await queue.add("bad", {});
        await finished.promise;

        const lifeOf = (id: string) => log.filter((line) => line.startsWith(`${id} `));
        expect(lifeOf(good.id!)).toEqual([`${good.id} added`, `${good.id} waiting`, `${good.id} active`, `${good.id} progress {"percent":50}`, `${good.id} completed {"ok":true}`]);
        expect(lifeOf(bad.id!)).toEqual([`${bad.id} added`, `${bad.id} waiting`, `${bad.id} active`, `${bad.id} progress {"percent":50}`, `${bad.id} failed no \u00ff\r\n way`]);
        expect(await queue.getJobLogs(good.id!)).toEqual({ logs: ["half way"], count: 1 });
        expect((await Job.fromId(queue, bad.id!))!.failedReason).toBe("no \u00ff\r\n way");
      }));
  });
}

let server: RunningServer | undefined;
let oracle: RedisServerProcess | undefined;

beforeAll(async () => {
  server = await startServer();
  if (HAVE_REDIS) oracle = await startRedisServer();
});

afterAll(async () => {
  await server?.close();
  await oracle?.stop();
});

// After each scenario every BullMQ connection is closed: nothing is left for server.close().
scenarios("bunredis", () => server!.port, () => until(() => server!.connections === 0, "BullMQ's connections to close"));
if (HAVE_REDIS) scenarios("redis-server (the oracle)", () => oracle!.port);
