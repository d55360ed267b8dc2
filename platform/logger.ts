// Structured logs: one JSON line per event. Per-call child loggers carry callId on every line.
import pino, { type DestinationStream, type Logger } from 'pino';
import { maskLogLine } from './log-masking.js';

export type { Logger };

export interface LoggerOptions {
  name?: string;
  /** Where the lines go; stdout when absent. */
  destination?: DestinationStream;
  /** ISO times for people reading the server's output; epoch milliseconds for tests that compare times. */
  time?: 'iso' | 'epoch';
}

export function createLogger(level: string, o: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = {
    name: o.name ?? 'hotline',
    level,
    base: { pid: process.pid },
    timestamp: o.time === 'epoch' ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
    // Citizens' numbers are personal data: never log passwords or secrets, even by accident.
    redact: { paths: ['password', '*.password', 'secret', '*.secret', 'req.headers.authorization'], censor: '[redacted]' },
    // …and their phone numbers only masked (PIPL). On the finished line rather than per call site, so that a field,
    // a message, a child logger's bindings or an error's stack added tomorrow is masked too.
    hooks: { streamWrite: maskLogLine },
  };
  return o.destination ? pino(options, o.destination) : pino(options);
}
