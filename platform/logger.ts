// Structured logs: one JSON line per event. Per-call child loggers carry callId on every line.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'hotline'): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Citizens' numbers are personal data: never log passwords or secrets, even by accident.
    redact: { paths: ['password', '*.password', 'secret', '*.secret', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
