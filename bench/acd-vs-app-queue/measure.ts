// Small measuring helpers of the ACD vs app_queue benchmark: percentiles, formatting, CPU seconds, WAV length.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Hotline } from '../../server/hotline.js';

export const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
export const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ms` : '—');
export const fixed = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
export const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process (all its threads), in seconds. */
export function procCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // #14 utime, #15 stime
}
/** Busy and total CPU time of the whole machine (all CPUs), in seconds: how loaded the box was meanwhile. */
export function boxCpu(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}
export const nodeCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Asterisk's own pid: the harness starts it through unshare/sh/chroot, which exec into it. */
export function asteriskPid(h: Hotline): number {
  const pid = h.asterisk?.pid;
  if (pid === undefined) throw new Error('the hotline has no embedded Asterisk running');
  const comm = (p: number) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
  if (comm(pid) === 'asterisk') return pid;
  // not exec'ed (yet): look for an asterisk descendant
  const kids = (p: number) =>
    fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((c) => {
        try {
          const s = fs.readFileSync(`/proc/${c}/stat`, 'utf8');
          return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === p;
        } catch {
          return false;
        }
      });
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of kids(p)) {
      if (comm(c) === 'asterisk') return c;
      queue.push(c);
    }
  }
  throw new Error(`no asterisk process under pid ${pid}`);
}

/** Length of a PCM WAV file in seconds. */
export function wavSeconds(file: string): number {
  const b = fs.readFileSync(file);
  let byteRate = 0;
  for (let off = 12; off + 8 <= b.length;) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') byteRate = b.readUInt32LE(off + 16);
    if (id === 'data') return byteRate ? size / byteRate : NaN;
    off += 8 + size + (size % 2);
  }
  return NaN;
}
