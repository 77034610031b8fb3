/**
 * @module
 * The latency monitor (LATENCY LATEST / HISTORY / RESET): per event class (`command`,
 * `fast-command`, `expire-cycle`, ...) the worst latency seen in each second, for the last 160
 * seconds with samples, and the worst ever. Events are recorded only when they reach
 * `latency-monitor-threshold` milliseconds; the caller checks that, so an idle monitor costs
 * nothing.
 */

/** Samples kept per event class (Redis's LATENCY_TS_LEN). */
export const LATENCY_SAMPLES = 160;

/** One second's worst latency of an event class. */
export interface LatencySample {
  /** Unix time in seconds. */
  readonly time: number;
  /** Milliseconds. */
  latency: number;
}

/** The samples of one event class and its all-time maximum. */
interface EventSeries {
  readonly samples: LatencySample[];
  max: number;
}

/** Every event class's samples. */
export class LatencyMonitor {
  private readonly events = new Map<string, EventSeries>();

  /** Records `latencyMs` for `event` at `nowSeconds`; one sample per second keeps the worst. */
  add(event: string, latencyMs: number, nowSeconds: number): void {
    let series = this.events.get(event);
    if (!series) {
      series = { samples: [], max: 0 };
      this.events.set(event, series);
    }
    if (latencyMs > series.max) series.max = latencyMs;
    const last = series.samples[series.samples.length - 1];
    if (last && last.time === nowSeconds) {
      if (latencyMs > last.latency) last.latency = latencyMs;
      return;
    }
    series.samples.push({ time: nowSeconds, latency: latencyMs });
    if (series.samples.length > LATENCY_SAMPLES) series.samples.shift();
  }

  /** LATENCY LATEST: per event class, [name, time of the latest sample, its latency, the maximum]. */
  latest(): [string, number, number, number][] {
    const rows: [string, number, number, number][] = [];
    for (const [event, series] of this.events) {
      const last = series.samples[series.samples.length - 1]!;
      rows.push([event, last.time, last.latency, series.max]);
    }
    return rows;
  }

  /** LATENCY HISTORY: the samples of one event class, oldest first (none for an unknown class). */
  history(event: string): readonly LatencySample[] {
    return this.events.get(event)?.samples ?? [];
  }

  /** LATENCY RESET: forgets the named classes (every class when none is named); returns how many were forgotten. */
  reset(events?: readonly string[]): number {
    if (!events || events.length === 0) {
      const count = this.events.size;
      this.events.clear();
      return count;
    }
    let count = 0;
    for (const event of events) if (this.events.delete(event)) count++;
    return count;
  }
}
