// Callers who hang up anywhere leave nothing behind (issue 14, ghost calls). Many sipp citizens, a few at a time,
// each hang up at a seeded random instant aimed at one part of the call: right after the IVR answers, during the
// greeting, right at the IVR → queue hand-over, waiting in the queue, while an agent's desk phone rings, right at
// the answer, or while connected. A sipp desk phone (agent 1001; HANGUP_AGENTS=1001,1002 for more) answers after
// RING_MS and hangs up after TALK_MS; with one agent for five callers in flight, some callers wait in the queue.
// Afterwards: the figures show nobody waiting or ringing, Asterisk has no channel or bridge left, every call record
// is closed with a plausible outcome, and no agent was offered a call whose caller the hotline knew to be gone.
// HANGUP_SEED=<n> replays another spread; HANGUP_CALLERS=<n> changes how many callers.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logInSocket, setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { mulberry32 } from '../../testkit/random.js';
import { startCaller, type SippResult } from '../../testkit/sipp.js';
import { startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { waitUntil } from '../../testkit/wait.js';

const NAME = 'hangup-anywhere';
const SEED = Number(process.env.HANGUP_SEED ?? 14_014);
const CALLERS = Number(process.env.HANGUP_CALLERS ?? 35);
/** Callers in flight at once: more than the agents, so some wait in the queue; few enough for two cores. */
const IN_FLIGHT = 5;
const AGENTS = (process.env.HANGUP_AGENTS ?? '1001').split(',');
const RING_MS = 1_500;
const TALK_MS = 4_000;
/** SIP and RTP ports no other test file uses (callers 15600+, agents 15690+; media 19000+ and 19600+). */
const CALLER_SIP = 15_600;
const CALLER_MEDIA = 19_000;
const AGENT_SIP = 15_690;
const AGENT_MEDIA = 19_600;

const PHASES = ['arrival', 'greeting', 'hand-over', 'queue', 'ringing', 'answer', 'connected'] as const;
type Phase = (typeof PHASES)[number];

interface Planned {
  i: number;
  number: string;
  aim: Phase;
  /** When the caller hangs up, in ms after the IVR answered. */
  hangupAfterMs: number;
}

interface CallRow {
  id: string;
  caller_number: string;
  channel_id: string;
  arrived_at: Date;
  queued_at: Date | null;
  offered_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: string | null;
}

describe('callers hang up anywhere', () => {
  let t: TestHotline;
  let media: TestMedia;
  const phones: SippAgent[] = [];
  const sockets: AgentSocket[] = [];
  /** The log file is appended to across runs: this run's lines come after this. */
  let since = 0;

  beforeAll(async () => {
    since = Date.now();
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline(NAME, { ACD_WRAP_UP_SECONDS: '0', ACD_RING_TIMEOUT_SECONDS: '5', ACD_ANNOUNCE_AFTER_SECONDS: '0' });
    for (const [k, ext] of AGENTS.entries()) {
      const cred = t.agent(ext);
      const phone = startSippAgent({
        extension: ext,
        password: cred.password,
        sipTarget: t.trunk,
        localPort: AGENT_SIP + k,
        mediaPort: AGENT_MEDIA + 4 * k,
        pcap: media.tonePcap,
        answerDelayMs: RING_MS,
        talkMs: TALK_MS,
        name: `${NAME}-${ext}`,
      });
      phones.push(phone);
      await phone.registered(15_000);
      const socket = await logInSocket(t.url, cred);
      sockets.push(socket);
      await setAgentState(socket, 'available', ext);
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const p of phones) await p.stop();
    await t?.stop();
  });

  it('given callers hanging up at random instants over the whole call, then no call is left anywhere and no agent rings for a caller already gone', async () => {
    const t0 = Date.now();
    const greetingMs = ivrMs(t.hotline.asterisk!.hostInstanceDir);
    const random = mulberry32(SEED);
    const plan = planCalls(CALLERS, greetingMs, random);
    console.log(
      `[${NAME}] seed ${SEED}, ${CALLERS} callers, greeting ${greetingMs} ms; hang-up instants (ms after answer): ` +
        PHASES.map(
          (p) =>
            `${p} [${plan
              .filter((c) => c.aim === p)
              .map((c) => c.hangupAfterMs)
              .join(',')}]`,
        ).join('; '),
    );

    // when the hotline heard of each channel's end: an offer after it would ring an agent for nobody
    const goneAt = new Map<string, number>();
    const off = t.hotline.telephony.onEvent((ev) => {
      if (ev.type === 'channel_gone') goneAt.set(ev.channelId, Date.now());
    });

    const results = new Map<string, SippResult>();
    let next = 0;
    const lane = async () => {
      while (next < plan.length) {
        const c = plan[next++]!;
        // a little spread between starts, so the lanes do not stay in step
        await new Promise((r) => setTimeout(r, Math.floor(random() * 1_500)));
        const caller = startCaller({
          sipTarget: t.trunk,
          dialed: '12345',
          callerNumber: c.number,
          localPort: CALLER_SIP + c.i,
          mediaPort: CALLER_MEDIA + 4 * c.i,
          pcap: media.callerPcap,
          hangupAfterMs: c.hangupAfterMs,
          maxCallMs: c.hangupAfterMs + 10_000,
          name: `${NAME}-${c.aim}`,
        });
        results.set(c.number, await caller.done);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const callsMs = Date.now() - t0;

    // nobody waits or rings, the server holds no call, Asterisk holds no channel or bridge
    await waitUntil(
      () => {
        const f = t.hotline.queue.figures().total;
        return f.waiting === 0 && f.ringing === 0 && t.hotline.calls.all().length === 0 ? true : null;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'no call waiting, ringing or live in the hotline' },
    ).catch((err: unknown) => {
      const v = t.hotline.queue.queueView();
      throw new Error(
        `${String(err)}; engine waiting ${v.waiting.join(',')} offered ${v.offered.join(',')}; live ${t.hotline.calls
          .all()
          .map((c) => `${c.callId}:${c.stage}`)
          .join(',')}`,
      );
    });
    await t.assertNothingLeftInAsterisk();
    off();

    // every call reached the hotline and its record is closed with an outcome that fits what happened
    const rows = await waitUntil(
      async () => {
        const { rows } = await t.hotline.db.query<CallRow>(
          `SELECT id, caller_number, channel_id, arrived_at, queued_at, offered_at, answered_at, ended_at, outcome FROM calls ORDER BY arrived_at`,
        );
        return rows.length === CALLERS && rows.every((r) => r.ended_at) ? rows : null;
      },
      { timeoutMs: 10_000, what: `${CALLERS} closed call records` },
    );
    for (const r of rows) expect(r.outcome, `outcome of ${r.caller_number} (${r.id})`).toBe(r.answered_at ? 'answered' : 'abandoned');
    // every ring attempt is closed too: answered, or withdrawn because the caller left
    const { rows: openOffers } = await t.hotline.db.query<{ call_id: string }>(`SELECT call_id FROM call_offers WHERE result IS NULL OR ended_at IS NULL`);
    expect(openOffers).toEqual([]);

    const log = readLog(t.logFile, since);
    // no offer after the hotline knew the caller had gone, and none for a call the engine still held after its end
    const late = log
      .filter((l) => l.msg === 'offering call to agent')
      .filter((l) => {
        const gone = goneAt.get(String(l.channelId));
        return gone !== undefined && l.time > gone;
      });
    expect(late.map((l) => `${String(l.callId)} offered ${l.time - goneAt.get(String(l.channelId))!} ms after its caller left`)).toEqual([]);
    expect(log.filter((l) => l.msg === 'the engine offered a call that has already ended').map((l) => l.callId)).toEqual([]);
    // an agent goes to 未接 only for a ring nobody answered: these phones always answer, so only a ghost offer would
    const { rows: missed } = await t.hotline.db.query<{ user_id: string; at: Date }>(`SELECT user_id, at FROM agent_state_log WHERE to_state = 'missed'`);
    expect(missed).toEqual([]);

    const actual = rows.map((r) => ({ row: r, phase: phaseOf(r, greetingMs) }));
    const spread = PHASES.map((p) => `${p} ${actual.filter((a) => a.phase === p).length}`).join(', ');
    const repairs = log.filter((l) => l.msg === 'drift repaired');
    const byLocal = [...results.values()].filter((r) => r.hangupBy === 'local').length;
    console.log(
      `[${NAME}] ${rows.length} calls in ${Math.round(callsMs / 1000)} s (callers hung up ${byLocal}, the hotline or an agent ${rows.length - byLocal}); ` +
        `where they ended: ${spread}; outcomes: answered ${rows.filter((r) => r.outcome === 'answered').length}, abandoned ${rows.filter((r) => r.outcome === 'abandoned').length}; ` +
        `drift repairs ${repairs.length}${repairs.length ? ` (${repairs.map((r) => String(r.repair)).join(', ')})` : ''}`,
    );
    // the spread reached the IVR, the queue's hand-over and the agents' side of the call
    expect(actual.filter((a) => a.phase === 'greeting' || a.phase === 'arrival').length).toBeGreaterThan(0);
    expect(actual.filter((a) => a.row.queued_at !== null).length).toBeGreaterThan(0);
    expect(actual.filter((a) => a.row.offered_at !== null && a.row.answered_at === null).length, 'callers gone while an agent rang').toBeGreaterThan(0);
    expect(actual.filter((a) => a.row.answered_at !== null).length).toBeGreaterThan(0);
  });
});

/** How long the IVR plays before the hand-over: the greeting and the progress-query hint. */
function ivrMs(instanceDir: string): number {
  const sounds = path.join(instanceDir, 'sounds');
  return Math.round(['greeting', 'query-hint'].reduce((ms, name) => ms + wavMs(path.join(sounds, `${name}.wav`)), 0));
}

function wavMs(file: string): number {
  const buf = fs.readFileSync(file);
  let off = 12;
  let byteRate = 16_000;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') byteRate = buf.readUInt32LE(off + 16);
    if (id === 'data') return (size / byteRate) * 1000;
    off += 8 + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Aims every caller at one part of the call, round robin over the phases, with a seeded instant inside it. */
function planCalls(n: number, greetingMs: number, random: () => number): Planned[] {
  const between = (lo: number, hi: number) => Math.max(1, Math.round(lo + random() * (hi - lo)));
  const aims = Array.from({ length: n }, (_, i) => PHASES[i % PHASES.length]!);
  // a seeded shuffle, so the lanes do not always take the same phases in the same order
  for (let i = aims.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [aims[i], aims[j]] = [aims[j]!, aims[i]!];
  }
  const g = greetingMs;
  return aims.map((aim, i) => {
    const at: Record<Phase, () => number> = {
      arrival: () => between(1, 300),
      greeting: () => between(500, g - 800),
      'hand-over': () => between(g - 300, g + 300),
      queue: () => between(g + 400, g + 4_000),
      ringing: () => between(g + 200, g + RING_MS - 200),
      answer: () => between(g + RING_MS - 200, g + RING_MS + 300),
      connected: () => between(g + RING_MS + 800, g + RING_MS + TALK_MS - 500),
    };
    return { i, number: `1390014${String(i).padStart(4, '0')}`, aim, hangupAfterMs: at[aim]() };
  });
}

/** Where the call was when it ended, from its record. */
function phaseOf(r: CallRow, greetingMs: number): Phase {
  const ended = r.ended_at!.getTime();
  const sinceArrival = ended - r.arrived_at.getTime();
  if (r.queued_at === null) {
    if (sinceArrival < 400) return 'arrival';
    return sinceArrival > greetingMs - 400 ? 'hand-over' : 'greeting';
  }
  if (ended - r.queued_at.getTime() < 400 && r.answered_at === null) return 'hand-over';
  if (r.answered_at === null) return r.offered_at === null ? 'queue' : 'ringing';
  return ended - r.answered_at.getTime() < 500 ? 'answer' : 'connected';
}

interface LogLine {
  time: number;
  msg: string;
  [k: string]: unknown;
}

function readLog(file: string, since: number): LogLine[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.time >= since);
}
