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

/** Receives what commands hand on, one top-level command at a time (in order). */
export type PropagationSink = (commands: readonly Propagated[]) => void;

/** The state of one running command (commands nest: EXEC and scripts run others). */
interface Frame {
  rewritten: readonly string[] | undefined;
  prevented: boolean;
  /** What `also` gave, and what nested commands handed on, in order. */
  also: Propagated[];
}

/** Collects the effects of the commands being run and hands them to the sink. */
export class Propagation {
  /** Where effects go; undefined while nothing persists them (then collecting costs next to nothing). */
  sink: PropagationSink | undefined = undefined;
  private readonly frames: Frame[] = [];

  /** Whether anything listens: commands may skip building what they would hand on. */
  get active(): boolean {
    return this.sink !== undefined;
  }

  /** A command starts (the dispatcher's `run`). */
  begin(): void {
    if (this.sink === undefined) return;
    this.frames.push({ rewritten: undefined, prevented: false, also: [] });
  }

  /**
   * The command that `begin` announced ended; `changed` says whether it changed data. Its effects
   * go to the enclosing command (EXEC, a script) or, at the top, to the sink.
   */
  end(db: number, args: readonly string[], changed: boolean): void {
    if (this.sink === undefined) return;
    const frame = this.frames.pop();
    if (frame === undefined) return;
    const effects: Propagated[] = [];
    if (changed && !frame.prevented) effects.push({ db, args: frame.rewritten ?? args });
    for (const effect of frame.also) effects.push(effect);
    if (effects.length === 0) return;
    const outer = this.frames[this.frames.length - 1];
    if (outer !== undefined) {
      for (const effect of effects) outer.also.push(effect);
      return;
    }
    this.sink(effects.length === 1 ? effects : wrapInTransaction(effects));
  }

  /** The running command hands on `args` instead of what the client sent. */
  rewrite(args: readonly string[]): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame !== undefined) frame.rewritten = args;
  }

  /** The running command hands on `args`, applied to database `db`, as well. */
  also(db: number, args: readonly string[]): void {
    this.frames[this.frames.length - 1]?.also.push({ db, args });
  }

  /**
   * The server removed `key` of `db` by itself (expiry, eviction): handed on as a DEL, with the
   * command during which it happened, or alone.
   */
  deleted(db: number, key: string): void {
    if (this.sink === undefined) return;
    const effect = { db, args: ["DEL", key] };
    const frame = this.frames[this.frames.length - 1];
    if (frame !== undefined) frame.also.push(effect);
    else this.sink([effect]);
  }

  /** The running command is not handed on itself (what `also` gave still is). */
  prevent(): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame !== undefined) frame.prevented = true;
  }
}

/** Several effects of one command, as one MULTI/EXEC (in the database of the first). */
function wrapInTransaction(effects: readonly Propagated[]): Propagated[] {
  const db = effects[0]!.db;
  return [{ db, args: ["MULTI"] }, ...effects, { db: effects[effects.length - 1]!.db, args: ["EXEC"] }];
}
