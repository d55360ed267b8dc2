// `npm start`: validates the configuration, starts the whole hotline (adopting an embedded Asterisk left running by
// an earlier run), stops it cleanly on SIGINT (everything) or SIGTERM (the server only).
import { AlreadyRunningError } from '../platform/state-dir.js';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import { startHotline } from './hotline.js';
import { createLogger } from '../platform/logger.js';
import { keepServingOnUnhandledRejection } from '../platform/rejection-policy.js';

/** Shown once, on the start that created the accounts; afterwards they are only in the credentials file. */
function firstStartAccounts(created: { username: string; password: string; role: string; displayName: string }[]): string[] {
  if (created.length === 0) return [];
  const width = Math.max(...created.map((c) => c.username.length));
  return [
    '  accounts created on this first start (shown once; also in the credentials file):',
    ...created.map((c) => `    ${c.username.padEnd(width)}  ${c.password}  ${c.role.padEnd(10)} ${c.displayName}`),
    '',
  ];
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`hotline: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const log = createLogger(config.log.level);
keepServingOnUnhandledRejection(process, log);
try {
  const hotline = await startHotline(config, log);
  process.stdout.write(
    [
      '',
      `  12345 hotline is up`,
      `  agent desktop:  ${hotline.url}/`,
      `  health:         ${hotline.url}/healthz`,
      `  credentials:    ${hotline.credentialsFile} (generated on first start; keep it safe)`,
      `  carrier trunk:  udp ${config.asterisk.trunk.host}:${config.asterisk.trunk.port}, service number ${config.serviceNumber}`,
      ...(config.citizenPhone ? [`  citizen phone:  ${hotline.url}/citizen (call 12345 from a browser)`] : []),
      '',
      ...firstStartAccounts(hotline.issuedCredentials),
    ].join('\n') + '\n',
  );
  let stopping = false;
  // Ctrl-C (SIGINT) or `npm stop` ends the whole hotline, Asterisk included. SIGTERM (systemd restart, an upgrade,
  // a supervisor) stops this server only: the embedded Asterisk keeps every call up and the next start adopts it.
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const keepAsterisk = signal === 'SIGTERM';
    log.info({ signal, keepAsterisk }, 'stopping');
    hotline.stop({ keepAsterisk }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof AlreadyRunningError) {
    process.stderr.write(`hotline: ${err.message}\n`);
    process.exit(3);
  }
  log.fatal({ err }, 'hotline failed to start');
  process.exit(1);
}
