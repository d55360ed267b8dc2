// An agent's SIP desk phone played by sipp: registers as `<ext>-desk` (digest user `<ext>`, the agent's password)
// and answers the calls Asterisk sends to it, with real RTP.
//
// One sipp process does both (testkit/sipp/agent-register.xml + agent-answer.xml):
//   - the main scenario (UAC mode, -m 1) is the registration: REGISTER → 401 → REGISTER with
//     [authentication username=<ext> password=…] (realm and nonce from the challenge) → 200, then it re-registers
//     every `refreshMs` (same Call-ID, CSeq + 1, challenged again) for as long as the process lives;
//   - every INVITE of an unknown Call-ID starts the out-of-call scenario (-oocsf): 180, ring `answerDelayMs`
//     (a CANCEL meanwhile is answered 200 + 487), 200 OK with PCMA + telephone-event, the pcap, then it waits for
//     Asterisk's BYE or hangs up itself after `talkMs`.
// The registered Contact is therefore the port that answers. stop() kills sipp, then un-REGISTERs the Contact
// (Expires: 0) from the same port with a one-shot run of the registration scenario, so Asterisk forgets the phone.
// Like testkit/sipp.ts: artifacts folder per phone, -nostdin, never -bg, 127.0.0.1 by default (recipe G13).
//
//   const phone = startSippAgent({ extension: '1002', password, sipTarget: t.trunk, localPort: 15090,
//     mediaPort: 16900, pcap: media.tonePcap, answerDelayMs: 300, talkMs: 5_000 });
//   await phone.registered(10_000);
//   …                                        // calls to PJSIP/1002-desk are answered
//   const r = await phone.stop();            // r.answeredCalls, r.invites, r.unregister?.exitCode === 0
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_ARTIFACTS_ROOT, renderScenario, runSipp, xmlAttr, type SippResult } from './sipp.js';

export interface SippAgentOptions {
  /** The agent's extension, e.g. '1002': AOR `<extension>-desk`, digest user `<extension>`. */
  extension: string;
  /** The agent's password (the same as the desktop login). */
  password: string;
  /** Asterisk's desk-phone address (the trunk transport), HOST:PORT. */
  sipTarget: string;
  /** Local SIP UDP port: the registered Contact, where Asterisk sends its INVITEs. */
  localPort: number;
  /** Local RTP port announced in the SDP (sipp binds this port and port+2). */
  mediaPort: number;
  /** Audio the phone sends once answered (e.g. TestMedia.tonePcap); null for a silent phone. */
  pcap: string | null;
  /** Ring time between 180 Ringing and 200 OK. Default 0 (answer at once). */
  answerDelayMs?: number;
  /** The agent hangs up this long after answering unless Asterisk hangs up first. Default: wait for Asterisk's
   *  BYE (for at most `maxCallMs`). */
  talkMs?: number;
  /** Without talkMs: hang up after this long if Asterisk never does. Default 600 000 ms. */
  maxCallMs?: number;
  /** Stop (and un-REGISTER) after this many answered calls have ended; default: keep answering until stop(). */
  calls?: number;
  /** Expires asked for in each REGISTER (s). Default 300. */
  expiresSeconds?: number;
  /** Re-REGISTER this often (ms). Default: half of expiresSeconds. */
  refreshMs?: number;
  /** Local address (sipp -i, bound with -bind_local). Default 127.0.0.1. */
  localIp?: string;
  artifactsRoot?: string;
  /** Name of the artifacts folder prefix. Default 'agent-<extension>'. */
  name?: string;
}

/** One INVITE that reached the phone (the initial INVITE of a dialog; re-INVITEs are left out). */
export interface AgentInvite {
  /** Arrival time (epoch ms, from sipp's message trace, microsecond resolution). */
  at: number;
  callId: string;
  /** User part of the From URI: the citizen's number as Asterisk presents it. */
  fromUser: string;
  /** Status of the phone's final response: 200 answered, 487 cancelled while ringing; null if none was sent. */
  finalStatus: number | null;
}

export interface SippAgentResult {
  /** The registering and answering sipp process. */
  phone: SippResult;
  /** The un-REGISTER run after stop() or after `calls` calls; null when it was not attempted. */
  unregister: SippResult | null;
  /** 200 OK sent to an initial INVITE. */
  answeredCalls: number;
  invites: AgentInvite[];
}

export interface SippAgent {
  readonly extension: string;
  /** `<extension>-desk` */
  readonly aor: string;
  readonly pid: number;
  readonly artifactsDir: string;
  /** Resolves once Asterisk accepted the REGISTER (200 OK seen in the phone's trace); throws on timeout or if
   *  sipp exited before. */
  registered(timeoutMs?: number): Promise<void>;
  /** INVITEs received so far (reads the trace; sipp writes it as it goes). */
  invites(): AgentInvite[];
  /** Resolves when the phone ended by itself (after `calls` calls, or a failed registration) or after stop(). */
  readonly done: Promise<SippAgentResult>;
  /** Kills sipp, un-REGISTERs (Expires: 0) from the same port, resolves with the result. Idempotent. */
  stop(): Promise<SippAgentResult>;
}

const DEFAULT_EXPIRES_S = 300;
const DEFAULT_MAX_CALL_MS = 600_000;
const UNREGISTER_TIMEOUT_S = 10;

/** Starts an agent's desk phone (see the file header). */
export function startSippAgent(o: SippAgentOptions): SippAgent {
  if (!/^\d{3,8}$/.test(o.extension)) throw new Error(`extension must be 3-8 digits, got ${JSON.stringify(o.extension)}`);
  // sipp's [authentication …] keyword ends a value at a blank or ']'; the hotline's passwords are letters,
  // digits and '-', so anything else is refused instead of sending a wrong digest
  if (!/^[A-Za-z0-9._~!$%^*()+=@,/:-]{1,128}$/.test(o.password)) throw new Error('password has characters sipp cannot send in [authentication]');
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(o.sipTarget)) throw new Error(`sipTarget must be HOST:PORT, got ${o.sipTarget}`);
  checkPort('localPort', o.localPort);
  checkPort('mediaPort', o.mediaPort);
  const ring = o.answerDelayMs ?? 0;
  if (ring !== 0) checkMs('answerDelayMs', ring);
  if (o.talkMs !== undefined) checkMs('talkMs', o.talkMs);
  const maxCallMs = o.maxCallMs ?? DEFAULT_MAX_CALL_MS;
  checkMs('maxCallMs', maxCallMs);
  if (o.calls !== undefined && (!Number.isInteger(o.calls) || o.calls < 1)) throw new Error(`calls must be a positive integer, got ${o.calls}`);
  const expires = o.expiresSeconds ?? DEFAULT_EXPIRES_S;
  if (!Number.isInteger(expires) || expires < 30) throw new Error(`expiresSeconds must be an integer >= 30, got ${expires}`);
  const refreshMs = o.refreshMs ?? Math.floor((expires * 1000) / 2);
  checkMs('refreshMs', refreshMs);
  if (refreshMs >= expires * 1000) throw new Error('refreshMs must be shorter than expiresSeconds');

  const aor = `${o.extension}-desk`;
  const ip = o.localIp ?? '127.0.0.1';
  const dir = newArtifactsDir(o.artifactsRoot, o.name ?? `agent-${o.extension}`);

  const registerFile = renderSecret('agent-register.xml', path.join(dir, 'agent-register.xml'), {
    AOR: aor,
    AUTH_USER: o.extension,
    PASSWORD: o.password,
    EXPIRES: String(expires),
    AFTER_200: `  <pause milliseconds="${refreshMs}"/>\n  <nop next="register"/>`,
  });
  const answerFile = renderScenario('agent-answer.xml', path.join(dir, 'agent-answer.xml'), {
    AOR: aor,
    RING: ring > 0 ? `  <recv request="CANCEL" timeout="${ring}" ontimeout="answer" next="cancelled"/>` : '',
    TALK: talkFragment(o.pcap),
    TALK_MS: String(o.talkMs ?? maxCallMs),
    COUNT:
      o.calls !== undefined
        ? `  <Global variables="answered"/>\n  <nop><action><add assign_to="answered" value="1"/>` +
          `<test assign_to="enough" variable="answered" compare="greater_than_equal" value="${o.calls}"/></action></nop>`
        : '',
    STOP: o.calls !== undefined ? `  <nop condexec="enough"><action><exec int_cmd="stop_now"/></action></nop>` : '',
  });
  const messagesFile = path.join(dir, 'messages.log');

  const args = [
    o.sipTarget,
    '-sf',
    registerFile,
    '-oocsf',
    answerFile,
    '-i',
    ip,
    '-bind_local',
    '-ci',
    ip,
    '-p',
    String(o.localPort),
    '-mp',
    String(o.mediaPort),
    // one registration "call" that lives as long as the phone; answered calls are out-of-call scenario runs
    '-m',
    '1',
    '-l',
    '1',
    // a REGISTER Asterisk never answers fails the phone instead of hanging forever
    '-recv_timeout',
    '10000',
  ];
  const proc = runSipp(args, { cwd: dir, scenarioFile: registerFile, watchdogMs: null, role: 'uas' });

  let stopping: Promise<SippAgentResult> | null = null;
  let unregisterRun: Promise<SippResult> | null = null;
  const unregister = (): Promise<SippResult> => {
    unregisterRun ??= (async () => {
      const udir = path.join(dir, 'unregister');
      mkdirSync(udir, { recursive: true });
      const file = renderSecret('agent-register.xml', path.join(udir, 'agent-register.xml'), {
        AOR: aor,
        AUTH_USER: o.extension,
        PASSWORD: o.password,
        EXPIRES: '0',
        AFTER_200: '',
      });
      const u = runSipp(
        [
          o.sipTarget,
          '-sf',
          file,
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
          '-recv_timeout',
          '5000',
          '-timeout',
          `${UNREGISTER_TIMEOUT_S}s`,
          '-timeout_error',
        ],
        { cwd: udir, scenarioFile: file, watchdogMs: (UNREGISTER_TIMEOUT_S + 5) * 1000, role: 'uac' },
      );
      return u.done;
    })();
    return unregisterRun;
  };

  const result = (raw: SippResult, unreg: SippResult | null): SippAgentResult => {
    // sipp notes every call it hands to the out-of-call scenario in the error log: that is how this phone works
    const phone = { ...raw, problems: raw.problems.filter((p) => !/Received out-of-call \S+ message, using the out-of-call scenario/.test(p)) };
    const invites = parseAgentInvites(phone.messagesLog);
    return { phone, unregister: unreg, answeredCalls: invites.filter((i) => i.finalStatus === 200).length, invites };
  };

  // ended by itself: after `calls` calls (stop_now, exit 97) it un-REGISTERs; a failed registration does not
  const done = proc.done.then(async (phone) => {
    if (stopping) return stopping;
    const byItself = phone.exitCode === 97 && o.calls !== undefined;
    return result(phone, byItself ? await unregister() : null);
  });

  return {
    extension: o.extension,
    aor,
    pid: proc.pid,
    artifactsDir: dir,
    done,
    invites: () => parseAgentInvites(readIfExists(messagesFile)),
    async registered(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let exited = false;
      void proc.done.then(() => (exited = true));
      for (;;) {
        if (registeredIn(readIfExists(messagesFile))) return;
        if (exited) throw new Error(`sipp agent ${aor} exited before registering; see ${dir}`);
        if (Date.now() > deadline) throw new Error(`sipp agent ${aor} not registered after ${timeoutMs} ms; see ${dir}`);
        await sleep(50);
      }
    },
    stop() {
      stopping ??= (async () => {
        proc.kill('SIGTERM');
        const phone = await proc.done;
        // the port is free again: un-REGISTER the same Contact from it
        const unreg = await unregister();
        return result(phone, unreg);
      })();
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// trace reading

/** sipp -trace_msg entry header: "----------------------------------------------- 2026-11-23 18:37:41.479339". */
const ENTRY = /^-{20,} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})\s*$/m;

interface TraceEntry {
  at: number;
  dir: 'sent' | 'received';
  firstLine: string;
  headers: string;
}

/** Splits a sipp message trace into entries with their local timestamps (epoch ms). */
export function parseTrace(log: string): TraceEntry[] {
  const out: TraceEntry[] = [];
  const parts = log.split(/^(?=-{20,} \d{4}-\d{2}-\d{2} )/m);
  for (const part of parts) {
    const m = ENTRY.exec(part);
    if (!m) continue;
    const [, y, mo, d, h, mi, s, us] = m.map(Number) as [number, number, number, number, number, number, number, number];
    const at = new Date(y, mo - 1, d, h, mi, s).getTime() + us / 1000;
    const dir = /message sent/i.test(part) ? 'sent' : /message received/i.test(part) ? 'received' : null;
    if (!dir) continue;
    const body = part.replace(/^[\s\S]*?(?:message sent|message received)[^\n]*\n\s*/i, '');
    const [head = ''] = body.split(/\r?\n\r?\n/, 1);
    const firstLine = head.split(/\r?\n/, 1)[0]?.trim() ?? '';
    out.push({ at, dir, firstLine, headers: head });
  }
  return out;
}

function header(headers: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim();
}

/** Initial INVITEs a phone received, with the phone's final answer to each. */
export function parseAgentInvites(log: string): AgentInvite[] {
  const byCallId = new Map<string, AgentInvite>();
  for (const e of parseTrace(log)) {
    const callId = header(e.headers, 'Call-ID') ?? '';
    if (e.dir === 'received' && /^INVITE\s/.test(e.firstLine)) {
      const to = header(e.headers, 'To') ?? '';
      if (/;\s*tag=/i.test(to) || byCallId.has(callId)) continue; // re-INVITE or retransmission
      const from = header(e.headers, 'From') ?? '';
      const fromUser = /sips?:([^@;>]+)@/.exec(from)?.[1] ?? '';
      byCallId.set(callId, { at: e.at, callId, fromUser, finalStatus: null });
    } else if (e.dir === 'sent' && /^SIP\/2\.0\s+\d{3}/.test(e.firstLine)) {
      const inv = byCallId.get(callId);
      const status = Number(/^SIP\/2\.0\s+(\d{3})/.exec(e.firstLine)![1]);
      if (inv && inv.finalStatus === null && status >= 200 && /^\d+\s+INVITE/i.test(header(e.headers, 'CSeq') ?? '')) inv.finalStatus = status;
    }
  }
  return [...byCallId.values()];
}

/** Initial INVITEs a caller sent (sipp UAC trace): Call-ID, From user and send time. */
export function parseCallerInvites(log: string): { at: number; callId: string; fromUser: string; answered: boolean }[] {
  const byCallId = new Map<string, { at: number; callId: string; fromUser: string; answered: boolean }>();
  for (const e of parseTrace(log)) {
    const callId = header(e.headers, 'Call-ID') ?? '';
    if (e.dir === 'sent' && /^INVITE\s/.test(e.firstLine) && !byCallId.has(callId)) {
      const fromUser = /sips?:([^@;>]+)@/.exec(header(e.headers, 'From') ?? '')?.[1] ?? '';
      byCallId.set(callId, { at: e.at, callId, fromUser, answered: false });
    } else if (e.dir === 'received' && /^SIP\/2\.0\s+200/.test(e.firstLine) && /^\d+\s+INVITE/i.test(header(e.headers, 'CSeq') ?? '')) {
      const c = byCallId.get(callId);
      if (c) c.answered = true;
    }
  }
  return [...byCallId.values()];
}

function registeredIn(log: string): boolean {
  return parseTrace(log).some((e) => e.dir === 'received' && /^SIP\/2\.0\s+200/.test(e.firstLine) && /^\d+\s+REGISTER/i.test(header(e.headers, 'CSeq') ?? ''));
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

/** renderScenario for a file holding a password: readable by its owner only. */
function renderSecret(template: string, outFile: string, vars: Record<string, string>): string {
  const f = renderScenario(template, outFile, vars);
  chmodSync(f, 0o600);
  return f;
}

function talkFragment(pcap: string | null): string {
  if (pcap === null) return '  <!-- silent phone: no RTP sent -->';
  const abs = path.resolve(pcap);
  if (!existsSync(abs)) throw new Error(`pcap ${abs} does not exist (see ensureTestMedia)`);
  return `  <nop><action><exec play_pcap_audio="${xmlAttr(abs)}"/></action></nop>`;
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
