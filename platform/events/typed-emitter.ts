// A typed event emitter over node:events (typed like mediasoup's EnhancedEventEmitter): the event map fixes each
// event's payload. A publisher must never be broken by a subscriber, so a listener that throws, or returns a
// promise that rejects, is logged with the event and its payload; the other listeners still run.
import { EventEmitter } from 'node:events';

/** A listener may work asynchronously: its promise is awaited by emit()'s result and its rejection logged. */
export type EventListener<P> = (payload: P) => void | Promise<unknown>;

export interface EventFailureLog {
  error(obj: object, msg: string): void;
}

export class TypedEmitter<E extends { [K in keyof E]: object }> {
  // 'error' is never emitted here: a failure is logged, not turned into an 'error' event that would throw
  private readonly ee = new EventEmitter();

  constructor(private readonly log: EventFailureLog) {
    this.ee.setMaxListeners(50);
  }

  /** Returns the function that removes the listener. */
  on<K extends keyof E & string>(event: K, listener: EventListener<E[K]>): () => void {
    const run = (payload: E[K], pending: Promise<void>[]): void => {
      try {
        const result = listener(payload);
        if (result !== undefined)
          pending.push(
            Promise.resolve(result).then(
              () => undefined,
              (err: unknown) => this.failed(err, event, payload),
            ),
          );
      } catch (err) {
        this.failed(err, event, payload);
      }
    };
    this.ee.on(event, run);
    return () => void this.ee.off(event, run);
  }

  /**
   * Runs every listener now, in the order they subscribed. The promise resolves once the asynchronous ones
   * have settled (for whoever must wait for them, e.g. a row that must exist); it never rejects.
   */
  emit<K extends keyof E & string>(event: K, payload: E[K]): Promise<void> {
    const pending: Promise<void>[] = [];
    this.ee.emit(event, payload, pending);
    return pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(() => undefined);
  }

  listenerCount(event: keyof E & string): number {
    return this.ee.listenerCount(event);
  }

  private failed(err: unknown, event: string, payload: unknown): void {
    try {
      this.log.error({ err, event, payload }, 'event subscriber failed');
    } catch {
      // a broken logger must not break the publisher either
    }
  }
}
