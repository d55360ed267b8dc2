// `npm start` starts a server that died by itself again, backing off when it keeps dying, and leaves one that
// exited on purpose (stopped, bad configuration, already running) stopped.
import { describe, expect, it } from 'vitest';
import { restartDelay } from './restart-policy.js';

describe("the supervisor's restart policy", () => {
  it('given a crash (killed, or exit 1), then the server starts again; quick crashes in a row wait 1, 2, 4 … s up to 30 s', () => {
    expect(restartDelay({ code: null, signal: 'SIGKILL' }, 5_000, 1)).toBe(1_000);
    expect(restartDelay({ code: 1, signal: null }, 5_000, 2)).toBe(2_000);
    expect(restartDelay({ code: 1, signal: null }, 5_000, 3)).toBe(4_000);
    expect(restartDelay({ code: null, signal: 'SIGSEGV' }, 5_000, 9)).toBe(30_000);
  });

  it('given a crash after a healthy run, then it starts again at once whatever came before', () => {
    expect(restartDelay({ code: null, signal: 'SIGKILL' }, 3_600_000, 7)).toBe(1_000);
  });

  it('given an exit on purpose (stopped, bad configuration, another hotline running), then it is not started again', () => {
    for (const code of [0, 2, 3]) expect(restartDelay({ code, signal: null }, 5_000, 1)).toBeNull();
  });
});
