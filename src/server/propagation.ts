/**
 * @module
 * What a write command hands on to persistence (the AOF; replicas would read the same stream):
 * its *effect*, as Redis's propagation does. By default a command that changed something (it
 * raised `server.dirty`) is handed on as the client sent it. A command whose effect differs from
 * its text says so while it runs:
 * - `rewrite(args)`: hand this on instead (Redis's rewriteClientCommandVector): EXPIRE becomes
 *   PEXPIREAT with an absolute time, XADD `*` names the id it chose, INCRBYFLOAT becomes SET...
 * - `also(db, args)`: hand this on as well (alsoPropagate): SPOP with a count as SREMs,
 *   XREADGROUP as XCLAIMs...
 * - `prevent()`: do not hand on the command itself (preventCommandPropagation); what `also` gave
 *   still goes.
 * Commands that run others (EXEC, EVAL, FCALL) hand on the effects of what they ran, wrapped in
 * MULTI/EXEC when there is more than one, so that loading them is all or nothing, as in Redis 7.0.
 */

/** One command to hand on: the database it applies to, and its arguments. */
export interface Propagated {
  readonly db: number;
  readonly args: readonly string[];
}

/**
 * Receives what commands hand on, in order, one command at a time: several effects of one
 * top-level command arrive between a MULTI and an EXEC.
 */
export type PropagationSink = (db: number, args: readonly string[]) => void;

/** The state of one running command (commands nest: EXEC and scripts run others). */
interface Frame {
  rewritten: readonly string[] | undefined;
  prevented: boolean;
  /** What `also` gave, and what nested commands handed on, in order. */
  readonly also: Propagated[];
}

/** Collects the effects of the commands being run and hands them to the sink. */
export class Propagation {
  private target: PropagationSink | undefined = undefined;
  /** Frames of the commands running now (the first `depth`), kept for reuse: no allocation per command. */
  private readonly frames: Frame[] = [];
  private depth = 0;

  /** Where effects go; undefined while nothing persists them (then collecting costs next to nothing). */
  get sink(): PropagationSink | undefined {
    return this.target;
  }

  /** Attaching or detaching a sink (mid-command, by CONFIG SET appendonly) starts the frames afresh. */
  set sink(sink: PropagationSink | undefined) {
    this.target = sink;
    this.depth = 0;
  }

  /** Whether anything listens: commands may skip building what they would hand on. */
  get active(): boolean {
    return this.target !== undefined;
  }

  /** A command starts (the dispatcher's `run`). */
  begin(): void {
    if (this.target === undefined) return;
    let frame = this.frames[this.depth];
    if (frame === undefined) this.frames.push((frame = { rewritten: undefined, prevented: false, also: [] }));
    else {
      frame.rewritten = undefined;
      frame.prevented = false;
      frame.also.length = 0;
    }
    this.depth++;
  }

  /**
   * The command that `begin` announced ended; `changed` says whether it changed data. Its effects
   * go to the enclosing command (EXEC, a script) or, at the top, to the sink.
   */
  end(db: number, args: readonly string[], changed: boolean): void {
    const sink = this.target;
    if (sink === undefined || this.depth === 0) return;
    const frame = this.frames[--this.depth]!;
    const own = changed && !frame.prevented ? (frame.rewritten ?? args) : undefined;
    const also = frame.also;
    if (this.depth > 0) {
      const outer = this.frames[this.depth - 1]!.also;
      if (own !== undefined) outer.push({ db, args: own });
      for (const effect of also) outer.push(effect);
      return;
    }
    if (also.length === 0) {
      // The common case: one command, handed on as it ran.
      if (own !== undefined) sink(db, own);
      return;
    }
    if (own === undefined && also.length === 1) return sink(also[0]!.db, also[0]!.args);
    // Several effects of one command: all or nothing when replayed, as Redis 7.0 wraps them.
    const first = own !== undefined ? db : also[0]!.db;
    sink(first, ["MULTI"]);
    if (own !== undefined) sink(db, own);
    for (const effect of also) sink(effect.db, effect.args);
    sink(also[also.length - 1]!.db, ["EXEC"]);
  }

  /** The running command hands on `args` instead of what the client sent. */
  rewrite(args: readonly string[]): void {
    if (this.depth !== 0) this.frames[this.depth - 1]!.rewritten = args;
  }

  /** The running command hands on `args`, applied to database `db`, as well. */
  also(db: number, args: readonly string[]): void {
    if (this.depth !== 0) this.frames[this.depth - 1]!.also.push({ db, args });
  }

  /**
   * The server removed `key` of `db` by itself (expiry, eviction): handed on as a DEL, with the
   * command during which it happened, or alone.
   */
  deleted(db: number, key: string): void {
    const sink = this.target;
    if (sink === undefined) return;
    if (this.depth !== 0) this.frames[this.depth - 1]!.also.push({ db, args: ["DEL", key] });
    else sink(db, ["DEL", key]);
  }

  /** The running command is not handed on itself (what `also` gave still is). */
  prevent(): void {
    if (this.depth !== 0) this.frames[this.depth - 1]!.prevented = true;
  }
}
