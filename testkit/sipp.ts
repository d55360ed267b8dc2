// Real SIP endpoints for end-to-end tests: sipp (Debian sip-tester 3.6) driven from TypeScript.
//
// Every sipp run gets its own artifacts folder (its cwd, so `*_errors.log` land there, recipe G13) holding the
// rendered scenario, the SIP message trace and the error log. sipp is never started with -bg (it would outlive the
// test and keep its port, G13); it runs with -nostdin, binds 127.0.0.1 only, and is killed by its own pid.
//
//   const caller = startCaller({ sipTarget: '127.0.0.1:5060', dialed: '12345', callerNumber: '13800138000',
//     localPort: 5070, mediaPort: 6000, pcap: media.callerPcap, maxCallMs: 60_000, hangupAfterMs: 8_000 });
//   const r = await caller.done;   // r.exitCode === 0, r.answered, r.hangupBy === 'local'
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDtmfPcap } from './media.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SCENARIO_DIR = path.join(HERE, 'sipp');
/** Default parent of the per-run artifacts folders (git-ignored). */
export const DEFAULT_ARTIFACTS_ROOT = path.resolve(HERE, '..', 'tests', '.artifacts', 'sipp');

export interface SippResult {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97 internal command, 99 no call processed,
   *  255/254 fatal (e.g. 254: could not bind the port). null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Human reading of the exit code. */
  exitMeaning: string;
  /** kill() was called (sipp exits 0 on SIGTERM, so the exit code alone does not tell). */
  killed: boolean;
  stdout: string;
  stderr: string;
  artifactsDir: string;
  /** The rendered scenario sipp ran. */
  scenarioFile: string;
  /** SIP messages sent and received (-trace_msg). */
  messagesLog: string;
  /** sipp's error log (-trace_err) verbatim; it also lists the scenario's expected receive timeouts. */
  errors: string;
  /** Events of the error log other than expected "receive timeout … jumping to label" ones (unexpected
   *  messages, retransmission timeouts, aborted calls). Empty for a clean run. */
  problems: string[];
  /** Status of the final response to the INVITE (sent by a UAS, received by a UAC); null if none. */
  inviteStatus: number | null;
  /** A 200 OK to an INVITE was exchanged. */
  answered: boolean;
  /** Who sent the first BYE: 'remote' (Asterisk) or 'local' (this sipp); null if nobody did. */
  hangupBy: 'remote' | 'local' | null;
  /** Wall-clock run time of the sipp process (ms). */
  durationMs: number;
}

export interface SippProcess {
  readonly pid: number;
  readonly artifactsDir: string;
  /** Resolves when sipp exits (never rejects; a failed start resolves with exitCode null and the error in stderr). */
  readonly done: Promise<SippResult>;
  /** Sends `signal` (default SIGTERM) to this sipp, then SIGKILL after 2 s if it is still running. */
  kill(signal?: NodeJS.Signals): void;
}

export interface DtmfGroup {
  digits: string;
  afterMs: number;
  /** Between two digits of the group. Default 300 ms. */
  gapMs?: number;
}

export interface CallerOptions {
  /** Asterisk's SIP address, HOST:PORT. */
  sipTarget: string;
  /** The number dialled (Request-URI user), e.g. '12345'. */
  dialed: string;
  /** The citizen's number: From user, display name and P-Asserted-Identity, e.g. '13800138000'. */
  callerNumber: string;
  /** Local SIP UDP port. */
  localPort: number;
  /** Local RTP port announced in the SDP (sipp binds this port and port+2). */
  mediaPort: number;
  /** Speech the caller sends once answered (TestMedia.callerPcap); null for a silent caller. */
  pcap: string | null;
  /** Hang up after this long (ms from the answer) unless Asterisk hangs up first. */
  hangupAfterMs?: number;
  /** Upper bound of the whole call (ms from the answer): without hangupAfterMs, the caller waits this long for
   *  Asterisk's BYE, then hangs up itself (result.hangupBy === 'local'). sipp is killed 15 s after it. */
  maxCallMs: number;
  /** How long to wait for the 200 OK before giving up (CANCEL, exit code 1). Default 30 000 ms. */
  answerTimeoutMs?: number;
  /**
   * Digits to press (RFC 4733) once answered: 0-9, * and #. Several groups are pressed one after the other,
   * each `afterMs` after the previous one ended (e.g. 1, then an order code once it has been asked for).
   */
  dtmf?: DtmfGroup | DtmfGroup[];
  /** Local address (sipp -i, bound with -bind_local). Default 127.0.0.1. */
  localIp?: string;
  artifactsRoot?: string;
  /** Name of the artifacts folder prefix. Default 'caller'. */
  name?: string;
}

export interface UasOptions {
  /** Local SIP UDP port Asterisk sends its INVITE to (the endpoint's aor contact). */
  localPort: number;
  /** Local RTP port announced in the SDP (sipp binds this port and port+2). */
  mediaPort: number;
  /** Audio the endpoint sends once answered (e.g. TestMedia.tonePcap); null for a silent endpoint. */
  pcap: string | null;
  /** Per call: wait this long for the BYE before hanging up itself. */
  maxCallMs: number;
  /** Ring time between 180 Ringing and 200 OK. Default 0. */
  answerDelayMs?: number;
  /** Exit after this many calls; default: keep answering until killed. */
  calls?: number;
  /** Digits to press (RFC 4733) once answered, e.g. a citizen rating a 回访 survey. Sent before `pcap`. */
  dtmf?: { digits: string; afterMs: number; gapMs?: number };
  localIp?: string;
  artifactsRoot?: string;
  /** Name of the artifacts folder prefix. Default 'uas'. */
  name?: string;
}

const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;

/** Starts one citizen call (scenario sipp/caller.xml). */
export function startCaller(o: CallerOptions): SippProcess {
  checkPort('localPort', o.localPort);
  checkPort('mediaPort', o.mediaPort);
  if (!/^[0-9A-Za-z+*#._-]{1,32}$/.test(o.callerNumber)) throw new Error(`invalid callerNumber ${JSON.stringify(o.callerNumber)}`);
  if (!/^[0-9A-Za-z+*#._-]{1,32}$/.test(o.dialed)) throw new Error(`invalid dialed number ${JSON.stringify(o.dialed)}`);
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(o.sipTarget)) throw new Error(`sipTarget must be HOST:PORT, got ${o.sipTarget}`);
  checkMs('maxCallMs', o.maxCallMs);
  if (o.hangupAfterMs !== undefined) checkMs('hangupAfterMs', o.hangupAfterMs);
  const answerTimeoutMs = o.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  checkMs('answerTimeoutMs', answerTimeoutMs);

  // DTMF: for each group, wait afterMs (or take Asterisk's BYE), then press its digits (one generated RFC 4733
  // pcap per group: a new timestamp per digit, see buildDtmfPcap); then talk. Time spent on DTMF counts towards
  // hangupAfterMs / maxCallMs (both are measured from the answer).
  const dir = newArtifactsDir(o.artifactsRoot, o.name ?? 'caller');
  const groups = (o.dtmf === undefined ? [] : Array.isArray(o.dtmf) ? o.dtmf : [o.dtmf]).filter((g) => g.digits.length > 0);
  const lines: string[] = [];
  let dtmfMs = 0;
  groups.forEach((g, i) => {
    const gap = g.gapMs ?? 300;
    checkMs('dtmf.afterMs', g.afterMs);
    const file = path.join(dir, `dtmf-${i}.pcap`);
    // every group continues the RTP stream: a repeated timestamp would make Asterisk take a digit for a repeat
    writeFileSync(file, buildDtmfPcap(g.digits, { gapMs: gap, firstSeq: 2000 + i * 1000, firstTimestamp: i * 8_000_000 }));
    // each digit: 160 ms of tone, 15 ms of end packets, then the gap
    const pressMs = g.digits.length * (175 + gap);
    const after = i + 1 < groups.length ? `dtmf${i + 1}wait` : 'talk';
    lines.push(
      `  <recv request="BYE" timeout="${Math.max(1, g.afterMs)}" ontimeout="dtmf${i}" next="gotbye"/>`,
      `  <label id="dtmf${i}"/>`,
      `  <nop><action><exec play_pcap_audio="${xmlAttr(file)}"/></action></nop>`,
      // let the digits go out before anything else is played (sipp plays one pcap at a time)
      `  <recv request="BYE" timeout="${pressMs}" ontimeout="${after}" next="gotbye"/>`,
      ...(i + 1 < groups.length ? [`  <label id="dtmf${i + 1}wait"/>`] : []),
    );
    dtmfMs += g.afterMs + pressMs;
  });
  const dtmfSteps = lines.join('\n');
  const callMs = o.hangupAfterMs ?? o.maxCallMs;
  const hangupAfterMs = Math.max(1, callMs - dtmfMs);

  const scenarioFile = renderScenario('caller.xml', path.join(dir, 'caller.xml'), {
    DTMF_STEPS: dtmfSteps,
    TALK: talkFragment(o.pcap),
    HANGUP_AFTER_MS: String(hangupAfterMs),
  });
  const ip = o.localIp ?? '127.0.0.1';
  const globalTimeoutS = Math.ceil((answerTimeoutMs + Math.max(callMs, o.maxCallMs) + 10_000) / 1000);
  const args = [
    o.sipTarget,
    '-sf',
    scenarioFile,
    '-s',
    o.dialed,
    '-key',
    'callerNumber',
    o.callerNumber,
    '-i',
    ip,
    '-bind_local',
    '-ci',
    ip,
    '-p',
    String(o.localPort),
    '-mp',
    String(o.mediaPort),
    '-m',
    '1',
    '-l',
    '1',
    // every <recv> without its own timeout (the answer, the reply to our BYE) gives up after this long
    '-recv_timeout',
    String(answerTimeoutMs),
    '-timeout',
    `${globalTimeoutS}s`,
    '-timeout_error',
  ];
  return runSipp(args, { cwd: dir, scenarioFile, watchdogMs: globalTimeoutS * 1000 + 5_000, role: 'uac' });
}

/** Starts an answering endpoint (scenario sipp/uas.xml). */
export function startUas(o: UasOptions): SippProcess {
  checkPort('localPort', o.localPort);
  checkPort('mediaPort', o.mediaPort);
  checkMs('maxCallMs', o.maxCallMs);
  const delay = o.answerDelayMs ?? 0;
  if (delay !== 0) checkMs('answerDelayMs', delay);
  const dir = newArtifactsDir(o.artifactsRoot, o.name ?? 'uas');
  const scenarioFile = renderScenario('uas.xml', path.join(dir, 'uas.xml'), {
    RING: delay > 0 ? `  <pause milliseconds="${delay}"/>` : '',
    TALK: uasDtmfFragment(o.dtmf, dir) + talkFragment(o.pcap),
    MAX_CALL_MS: String(o.maxCallMs),
  });
  const ip = o.localIp ?? '127.0.0.1';
  const args = [
    '-sf',
    scenarioFile,
    '-i',
    ip,
    '-bind_local',
    '-ci',
    ip,
    '-p',
    String(o.localPort),
    '-mp',
    String(o.mediaPort),
    ...(o.calls !== undefined ? ['-m', String(o.calls)] : []),
  ];
  return runSipp(args, { cwd: dir, scenarioFile, watchdogMs: null, role: 'uas' });
}

// ---------------------------------------------------------------------------------------------------------------
// scenario templates

/**
 * Renders `testkit/sipp/<template>` to `outFile`, replacing every `{{NAME}}` with `vars[NAME]`.
 * Values are inserted verbatim (callers escape attribute values with {@link xmlAttr}); a placeholder without a
 * value, or a value without a placeholder, is an error.
 */
export function renderScenario(template: string, outFile: string, vars: Record<string, string>): string {
  const text = readFileSync(path.join(SCENARIO_DIR, template), 'utf8');
  const used = new Set<string>();
  const out = text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`scenario ${template}: no value for {{${name}}}`);
    used.add(name);
    return v;
  });
  const unused = Object.keys(vars).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`scenario ${template} has no placeholder for ${unused.join(', ')}`);
  writeFileSync(outFile, out);
  return outFile;
}

export function xmlAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Pauses, then presses the digits: one generated RFC 4733 pcap holding them all (see buildDtmfPcap). */
function uasDtmfFragment(dtmf: UasOptions['dtmf'], dir: string): string {
  if (!dtmf || dtmf.digits.length === 0) return '';
  checkMs('dtmf.afterMs', dtmf.afterMs);
  const file = path.join(dir, 'dtmf.pcap');
  writeFileSync(file, buildDtmfPcap(dtmf.digits, { gapMs: dtmf.gapMs ?? 400 }));
  return [`  <pause milliseconds="${Math.max(1, dtmf.afterMs)}"/>`, `  <nop><action><exec play_pcap_audio="${xmlAttr(file)}"/></action></nop>`, ''].join('\n');
}

function talkFragment(pcap: string | null): string {
  if (pcap === null) return '  <!-- silent endpoint: no RTP sent -->';
  const abs = path.resolve(pcap);
  if (!existsSync(abs)) throw new Error(`pcap ${abs} does not exist (see ensureTestMedia)`);
  return `  <nop><action><exec play_pcap_audio="${xmlAttr(abs)}"/></action></nop>`;
}

// ---------------------------------------------------------------------------------------------------------------
// process

interface RunOptions {
  cwd: string;
  scenarioFile: string;
  /** Kill sipp (SIGKILL) if still running after this long; null = no watchdog. */
  watchdogMs: number | null;
  role: 'uac' | 'uas';
}

const MAX_CAPTURE = 256 * 1024;

/** Spawns sipp with the common options (-nostdin, traces into cwd, -deadcall_wait 1000). */
export function runSipp(args: string[], opts: RunOptions): SippProcess {
  const messagesFile = path.join(opts.cwd, 'messages.log');
  const errorsFile = path.join(opts.cwd, 'errors.log');
  const fullArgs = [...args, '-nostdin', '-trace_msg', '-message_file', messagesFile, '-trace_err', '-error_file', errorsFile, '-deadcall_wait', '1000'];
  writeFileSync(path.join(opts.cwd, 'command.txt'), ['sipp', ...fullArgs].map(shellQuote).join(' ') + '\n');
  const started = Date.now();
  let killed = false;
  const child = spawn('sipp', fullArgs, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout = tail(stdout + d.toString('latin1'))));
  child.stderr.on('data', (d: Buffer) => (stderr = tail(stderr + d.toString('latin1'))));

  let watchdog: NodeJS.Timeout | undefined;
  if (opts.watchdogMs !== null) {
    watchdog = setTimeout(() => {
      stderr += `\n[sipp.ts] watchdog: sipp still running after ${opts.watchdogMs} ms, killed`;
      child.kill('SIGKILL');
    }, opts.watchdogMs);
    watchdog.unref();
  }

  const done = new Promise<SippResult>((resolve) => {
    let spawnError: Error | null = null;
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code === 'ENOENT' ? new Error('sipp is not installed — install it with: apt-get install sip-tester') : e;
    });
    child.once('close', (code, signal) => {
      if (watchdog) clearTimeout(watchdog);
      if (spawnError) stderr += `\n${spawnError.message}`;
      writeFileSync(path.join(opts.cwd, 'stdout.txt'), stdout);
      writeFileSync(path.join(opts.cwd, 'stderr.txt'), stderr);
      const messagesLog = readIfExists(messagesFile);
      const errors = readIfExists(errorsFile);
      resolve({
        exitCode: code,
        signal,
        exitMeaning: killed ? `killed by the test (${describeExit(code, signal)})` : describeExit(code, signal),
        killed,
        stdout,
        stderr,
        artifactsDir: opts.cwd,
        scenarioFile: opts.scenarioFile,
        messagesLog,
        errors,
        problems: errorProblems(errors),
        ...summariseMessages(messagesLog, opts.role),
        durationMs: Date.now() - started,
      });
    });
  });

  let killTimer: NodeJS.Timeout | undefined;
  void done.then(() => killTimer && clearTimeout(killTimer));
  return {
    pid: child.pid ?? -1,
    artifactsDir: opts.cwd,
    done,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      killed = true;
      child.kill(signal);
      killTimer ??= setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, 2000);
      killTimer.unref();
    },
  };
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (code === null) return `killed by ${signal ?? 'a signal'}`;
  switch (code) {
    case 0:
      return 'all calls succeeded';
    case 1:
      return 'at least one call failed';
    case 97:
      return 'exit on internal command (calls may have been processed)';
    case 99:
      return 'normal exit without calls processed';
    case 254:
      return 'fatal error binding a socket (port in use?)';
    case 255:
      return 'fatal error (see stderr and errors.log)';
    default:
      return `exit code ${code}`;
  }
}

/** Splits sipp's error log into events ("<date>\t<time>\t<epoch>: …") and drops the expected ontimeout jumps. */
export function errorProblems(log: string): string[] {
  return (
    log
      .replace(/^The following events occurred:\s*/, '')
      .split(/(?=\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\.\d+\t)/)
      .map((e) => e.trim())
      // not problems of the call: expected scenario timeouts, CPU overload notices, and the remote-control socket
      // (UDP 8888-8947) being taken by other sipp processes on the machine
      .filter((e) => e.length > 0 && !/receive timeout on message .*, jumping to label|Overload warning|Unable to bind remote control socket/.test(e))
  );
}

/**
 * Reads sipp's -trace_msg log. Entries look like
 *   "----------------------------------------------- <date>\nUDP message sent (N bytes):\n\nINVITE sip:… SIP/2.0\n…"
 * or "UDP message received [N] bytes :\n\nSIP/2.0 200 OK\n…".
 */
export function summariseMessages(log: string, role: 'uac' | 'uas'): Pick<SippResult, 'inviteStatus' | 'answered' | 'hangupBy'> {
  let inviteStatus: number | null = null;
  let hangupBy: 'remote' | 'local' | null = null;
  const blocks = log.split(/^-{20,}.*$/m);
  for (const block of blocks) {
    const dir = /message sent/i.test(block) ? 'sent' : /message received/i.test(block) ? 'received' : null;
    if (!dir) continue;
    const body = block.replace(/^[\s\S]*?(?:message sent|message received)[^\n]*\n\s*/i, '');
    const first = body.split(/\r?\n/, 1)[0]?.trim() ?? '';
    const cseq = /^CSeq:\s*\d+\s+(\w+)/im.exec(body)?.[1]?.toUpperCase();
    const status = /^SIP\/2\.0\s+(\d{3})/.exec(first);
    if (status && cseq === 'INVITE') {
      const code = Number(status[1]);
      const fromPeer = role === 'uac' ? dir === 'received' : dir === 'sent';
      if (fromPeer && code >= 200) inviteStatus ??= code;
    }
    if (/^BYE\s/.test(first) && hangupBy === null) hangupBy = dir === 'received' ? 'remote' : 'local';
  }
  return { inviteStatus, answered: inviteStatus !== null && inviteStatus >= 200 && inviteStatus < 300, hangupBy };
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

// If the test process dies (uncaught error, vitest teardown), no sipp must survive it holding its ports (G13).
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

function newArtifactsDir(root: string | undefined, name: string): string {
  const parent = path.resolve(root ?? DEFAULT_ARTIFACTS_ROOT);
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
}

function checkPort(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1024 || v > 65533) throw new Error(`${name} must be an integer port in 1024..65533, got ${v}`);
}

function checkMs(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer of milliseconds, got ${v}`);
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

function tail(s: string): string {
  return s.length > MAX_CAPTURE ? s.slice(s.length - MAX_CAPTURE) : s;
}

function shellQuote(a: string): string {
  return /^[A-Za-z0-9_/.:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
