// Once per end-to-end run: the Asterisk root (cached after the first build) and the test audio.
import path from 'node:path';
import pino from 'pino';
import { provisionAsteriskRoot } from '../telephony/asterisk-root.js';
import { loadConfig } from '../platform/config.js';
import { ensureTestMedia } from './media.js';

export const ARTIFACTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'tests', '.artifacts');

export default async function setup(): Promise<void> {
  const config = loadConfig({});
  const log = pino({ level: 'info' });
  const r = await provisionAsteriskRoot(config.asterisk.root, config.asterisk.debianMirror, log);
  if (!r.cached) log.info({ seconds: r.seconds }, 'Asterisk root built for the test run');
  await ensureTestMedia(path.join(ARTIFACTS, 'media'));
}
