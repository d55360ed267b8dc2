// `npm stop`: ends the whole hotline, the embedded Asterisk included (every call on it ends). The server, if one
// runs, is asked to stop with SIGINT (as Ctrl-C would); an embedded Asterisk left running without a server
// (the server was killed) is stopped through its control socket.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { isAlive } from '../platform/state-dir.js';
import { AsteriskProcess } from '../telephony/asterisk-process.js';

const config = loadConfig();
const log = createLogger(config.log.level);
const lockFile = path.join(config.stateDir, 'hotline.lock');
const pid = fs.existsSync(lockFile) ? Number(fs.readFileSync(lockFile, 'utf8').trim()) : NaN;
if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  log.info({ pid, stopped: !isAlive(pid) }, 'hotline server stopped');
}
if (config.asterisk.mode === 'embedded') await new AsteriskProcess(config.asterisk.root, config.asterisk.instance, log).stop();
