import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './typed-emitter.js';

interface Events {
  ping: { n: number };
  pong: { text: string };
}

function logged() {
  const errors: { obj: Record<string, unknown>; msg: string }[] = [];
  return { errors, log: { error: (obj: object, msg: string) => void errors.push({ obj: obj as Record<string, unknown>, msg }) } };
}

describe('TypedEmitter', () => {
  it('given listeners, then each gets the payload in the order they subscribed; an unsubscribed one does not', async () => {
    const { log } = logged();
    const bus = new TypedEmitter<Events>(log);
    const got: string[] = [];
    bus.on('ping', (e) => void got.push(`a${e.n}`));
    const off = bus.on('ping', (e) => void got.push(`b${e.n}`));
    bus.on('pong', (e) => void got.push(e.text));
    await bus.emit('ping', { n: 1 });
    off();
    await bus.emit('ping', { n: 2 });
    await bus.emit('pong', { text: 'x' });
    expect(got).toEqual(['a1', 'b1', 'a2', 'x']);
  });

  it('given a listener that throws, then the failure is logged with the event and the later listeners still run', async () => {
    const { errors, log } = logged();
    const bus = new TypedEmitter<Events>(log);
    const got: number[] = [];
    bus.on('ping', () => {
      throw new Error('boom');
    });
    bus.on('ping', (e) => void got.push(e.n));
    await expect(bus.emit('ping', { n: 7 })).resolves.toBeUndefined();
    expect(got).toEqual([7]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.obj).toMatchObject({ event: 'ping', payload: { n: 7 } });
    expect(String(errors[0]!.obj.err)).toContain('boom');
  });

  it('given an async listener that rejects, then emit waits for it, never rejects, and the failure is logged', async () => {
    const { errors, log } = logged();
    const bus = new TypedEmitter<Events>(log);
    let slowDone = false;
    bus.on('ping', async () => {
      await new Promise((r) => setTimeout(r, 5));
      slowDone = true;
    });
    bus.on('ping', async () => Promise.reject(new Error('db down')));
    await expect(bus.emit('ping', { n: 1 })).resolves.toBeUndefined();
    expect(slowDone).toBe(true);
    expect(errors.map((e) => e.obj.event)).toEqual(['ping']);
  });
});
