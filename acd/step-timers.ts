// Named one-shot timers of one call's step machine (callback offer, callback dial): started and cancelled by the
// machine's commands, all dropped at once when the call's part is over. Never keeps the process alive.
export class StepTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  start(id: string, ms: number, fire: () => void): void {
    this.cancel(id);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      fire();
    }, ms);
    timer.unref();
    this.timers.set(id, timer);
  }

  cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  clear(): void {
    this.timers.forEach((t) => clearTimeout(t));
    this.timers.clear();
  }
}
