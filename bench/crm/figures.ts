// Figures of the benchmark: latency percentiles and per-round rates.

export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  n: number;
  /** Average items on the page. */
  items: number;
}

/** Samples of one figure over all rounds: durations of the timed operations, and the rate of each round. */
export class Figure {
  readonly times: number[] = [];
  readonly rates: number[] = [];
  private ops = 0;
  private ms = 0;
  private items = 0;
  addRound(ops: number, ms: number): number {
    this.ops += ops;
    this.ms += ms;
    const rate = ops / (ms / 1000);
    this.rates.push(rate);
    return rate;
  }
  addItems(n: number): void {
    this.items += n;
  }
  /** Operations per second over all rounds. */
  get rate(): number {
    return this.ops / (this.ms / 1000);
  }
  latency(): Latency {
    const t = this.times;
    return { p50: pct(t, 50), p95: pct(t, 95), p99: pct(t, 99), n: t.length, items: this.items / Math.max(1, t.length) };
  }
}

export function ms(x: number): string {
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`;
}
