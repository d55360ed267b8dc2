// How many calls a limited entrance (the public citizen phone page) may start per minute. Asterisk bounds the
// calls up at once (GROUP_COUNT in the dialplan); this bounds the rate, so a script cannot keep the IVR and
// the queue busy with short calls. Pure: the caller passes the clock.

export class IntakeLimit {
  private readonly starts: number[] = [];

  constructor(private readonly perMinute: number) {}

  /** True when a call starting at `now` (ms) is within the limit; it is then counted. */
  admit(now: number): boolean {
    while (this.starts.length > 0 && this.starts[0]! <= now - 60_000) this.starts.shift();
    if (this.starts.length >= this.perMinute) return false;
    this.starts.push(now);
    return true;
  }
}
