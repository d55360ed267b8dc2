// The check behind "phone numbers masked in logs everywhere": after an end-to-end run, every hotline log line it
// wrote (pino JSON under tests/.artifacts: the harness's hotline.log, server-N.log of a server run as a process,
// npm start's output) must show no phone number unmasked. Asterisk's, sipp's and baresip's own logs are not ours
// and are skipped: they are not pino lines.
import fs from 'node:fs';
import path from 'node:path';
import { unmaskedPhoneNumbers } from '../platform/log-masking.js';

export interface UnmaskedNumber {
  file: string;
  line: number;
  numbers: string[];
  msg: string;
}

const PINO_LINE = '{"level":';
const TIME = /"time":(?:(\d+)|"([^"]+)")/;

/** Unmasked numbers in the hotline logs under `root` written at or after `sinceMs` (earlier runs' lines are skipped). */
export function findUnmaskedNumbers(root: string, sinceMs: number): UnmaskedNumber[] {
  const out: UnmaskedNumber[] = [];
  for (const file of logFiles(root)) {
    // a file untouched since the run began holds only earlier runs' lines (the harness appends across runs)
    if (fs.statSync(file).mtimeMs < sinceMs) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.startsWith(PINO_LINE)) return;
      const t = TIME.exec(line);
      const at = t?.[1] !== undefined ? Number(t[1]) : t?.[2] !== undefined ? Date.parse(t[2]) : NaN;
      if (at < sinceMs) return;
      const numbers = unmaskedPhoneNumbers(line);
      if (numbers.length === 0) return;
      let msg = '';
      try {
        const m = (JSON.parse(line) as { msg?: unknown }).msg;
        if (typeof m === 'string') msg = m;
      } catch {
        // a torn last line of a killed server: the numbers found are what matters
      }
      out.push({ file, line: i + 1, numbers, msg });
    });
  }
  return out;
}

/** One line per finding, `file:line: numbers (message)`, paths relative to `root`'s parent. */
export function describeUnmasked(found: readonly UnmaskedNumber[], root: string): string {
  const base = path.dirname(root);
  return found.map((f) => `${path.relative(base, f.file)}:${f.line}: ${f.numbers.join(', ')}${f.msg ? ` (${f.msg})` : ''}`).join('\n');
}

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .flatMap((e) => (e.isFile() && e.name.endsWith('.log') ? [path.join(e.parentPath, e.name)] : []));
}
