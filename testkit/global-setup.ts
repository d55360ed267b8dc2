// Once per end-to-end run: the Asterisk root (cached after the first build) and the test audio; at its end, the check
// that the hotline logged no citizen's phone number unmasked.
import path from 'node:path';
import pino from 'pino';
import { provisionAsteriskRoot } from '../telephony/asterisk-root.js';
import { loadConfig } from '../platform/config.js';
import { ensureTestMedia } from './media.js';
import { describeUnmasked, findUnmaskedNumbers } from './unmasked-numbers.js';

export const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'tests', '.artifacts');

export default async function setup(): Promise<() => void> {
  // tests/.artifacts outlives runs: only what this run wrote is judged
  const startedAt = Date.now();
  const config = loadConfig({});
  const log = pino({ level: 'info' });
  const r = await provisionAsteriskRoot(config.asterisk.root, config.asterisk.debianMirror, log);
  if (!r.cached) log.info({ seconds: r.seconds }, 'Asterisk root built for the test run');
  await ensureTestMedia(path.join(ARTIFACTS, 'media'));
  return () => {
    const found = findUnmaskedNumbers(ARTIFACTS, startedAt);
    if (found.length === 0) return;
    // vitest only prints an error thrown by a teardown: the exit code is what fails `npm test`
    process.exitCode = 1;
    const numbers = found.reduce((n, f) => n + f.numbers.length, 0);
    throw new Error(`${numbers} phone number(s) logged unmasked by the hotline in this run (platform/log-masking.ts):\n${describeUnmasked(found, ARTIFACTS)}`);
  };
}
