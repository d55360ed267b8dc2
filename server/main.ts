// `npm start`: validates the configuration, starts the whole hotline, stops it cleanly on SIGINT/SIGTERM.
import { AlreadyRunningError } from './state-dir.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startHotline } from './hotline.js';
import { createLogger } from './logger.js';

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
      '',
    ].join('\n') + '\n',
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    hotline.stop().then(() => process.exit(0), () => process.exit(1));
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
