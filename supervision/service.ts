// Supervisors beside the agents: listen, whisper, barge (modes.ts) from the supervisor's own phone (browser
// softphone extension, or a desk phone reached through the trunk), switching modes during the call; forcing an
// agent's state. Every action is audited (audit.ts). Sees telephony events before the queue: the supervisor's
// leg is its own, and a supervised call that ends takes the supervisor's leg with it.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RequestableState } from '../contracts/agent-state.js';
import { SUPERVISION_MODES, type SupervisionMode, type SupervisionView } from '../contracts/transfer.js';
import type { LiveCalls } from '../acd/live-calls.js';
import { ChannelGoneError, type CallControl, type OriginateRequest, type TelephonyEvent } from '../telephony/call-control.js';
import { ChannelMemoWriter } from '../telephony/channel-memo-writer.js';
import type { SupervisionAudit } from './audit.js';
import { planFor } from './modes.js';

export class SupervisionNotFoundError extends Error {}
export class SupervisionRefusedError extends Error {}

interface Session extends SupervisionView {
  legId: string;
  bridgeId: string;
  snoopId: string | null;
  inCallBridge: boolean;
  auditId: Promise<string | null> | null;
  chain: Promise<void>;
  snoops: number;
  log: Logger;
}

const TAG_PREFIX = 'supervise:';
/**
 * An active session, kept on the supervisor's leg in Asterisk after every step: a server that restarts adopts it
 * (the same mode, snoop, bridge and open audit row) instead of leaving the supervisor's phone in a bridge nobody owns.
 */
const SESSION_MEMO_VARIABLE = 'HOTLINE_SUPERVISION';

interface SessionMemo {
  v: 1;
  id: string;
  supervisorId: string;
  agentId: string;
  callId: string;
  mode: SupervisionMode;
  snoopId: string | null;
  snoops: number;
  inCallBridge: boolean;
  auditId: string | null;
}

export interface SupervisionDeps {
  telephony: CallControl;
  calls: LiveCalls;
  audit: SupervisionAudit;
  /** QueueService.requestState: throws IllegalTransitionError / DeviceOfflineError. */
  requestState: (agentId: string, state: RequestableState) => unknown;
  log: Logger;
  now?: () => number;
}

export class SupervisionService {
  private readonly sessions = new Map<string, Session>();
  private readonly byLeg = new Map<string, string>();
  private readonly now: () => number;

  private readonly memos: ChannelMemoWriter;

  constructor(private readonly d: SupervisionDeps) {
    this.memos = new ChannelMemoWriter(d.telephony);
    this.now = d.now ?? Date.now;
  }

  /** Throws SupervisionNotFoundError (no call) or SupervisionRefusedError. */
  start(supervisorId: string, req: { agentId: string; mode: SupervisionMode; phone: OriginateRequest['target'] }): SupervisionView {
    const call = this.d.calls.all().find((c) => c.stage === 'connected' && c.agentLeg?.agentId === req.agentId);
    if (!call?.agentLeg || !call.bridgeId) throw new SupervisionNotFoundError('该座席当前没有通话');
    if ([...this.sessions.values()].some((s) => s.supervisorId === supervisorId && s.phase !== 'ended')) {
      throw new SupervisionRefusedError('请先结束当前的监听');
    }
    const id = randomUUID();
    const s: Session = {
      id,
      supervisorId,
      agentId: req.agentId,
      callId: call.callId,
      mode: req.mode,
      phase: 'connecting',
      legId: `sup-${id}`,
      bridgeId: `supervise-${id}`,
      snoopId: null,
      inCallBridge: false,
      auditId: null,
      chain: Promise.resolve(),
      snoops: 0,
      log: call.log.child({ supervisionId: id, supervisorId }),
    };
    this.sessions.set(id, s);
    this.byLeg.set(s.legId, id);
    s.log.info({ agentId: req.agentId, mode: req.mode }, 'supervision requested');
    this.run(
      s,
      async () => {
        await this.d.telephony.createBridge(s.bridgeId, s.bridgeId);
        await this.d.telephony.originate({
          channelId: s.legId,
          target: req.phone,
          callerNumber: call.callerNumber,
          callerName: '12345 班长',
          timeoutSeconds: 30,
          tag: `${TAG_PREFIX}${id}`,
        });
      },
      () => this.end(s, 'could not call the supervisor'),
    );
    return this.view(s);
  }

  switchMode(id: string, supervisorId: string, mode: SupervisionMode): SupervisionView {
    const s = this.mine(id, supervisorId);
    if (s.mode === mode) return this.view(s);
    const from = s.mode;
    s.mode = mode;
    s.log.info({ from, to: mode }, 'supervision mode changed');
    if (s.phase === 'active') {
      this.run(s, async () => {
        await this.leaveMode(s);
        await this.closeAudit(s);
        await this.enterMode(s);
      });
    }
    return this.view(s);
  }

  stop(id: string, supervisorId: string): SupervisionView {
    const s = this.mine(id, supervisorId);
    this.end(s, 'supervisor stopped');
    return this.view(s);
  }

  list(): SupervisionView[] {
    return [...this.sessions.values()].filter((s) => s.phase !== 'ended').map((s) => this.view(s));
  }

  /** Forces an agent's state (示闲 / 小休 / 签出) and audits it. */
  forceState(supervisorId: string, agentId: string, state: RequestableState): Promise<void> {
    // refused transitions throw here, synchronously, before anything is audited
    this.d.requestState(agentId, state);
    const at = this.now();
    this.d.log.info({ supervisorId, agentId, state }, 'agent state forced by a supervisor');
    return this.d.audit
      .open({ supervisorId, agentId, callId: null, mode: state === 'offline' ? 'force_logout' : 'force_state', detail: state, at, endedAt: at })
      .then(() => undefined);
  }

  handleTelephony(ev: TelephonyEvent): boolean {
    if (ev.type === 'leg_answered' && ev.tag.startsWith(TAG_PREFIX)) {
      const s = this.sessions.get(ev.tag.slice(TAG_PREFIX.length));
      if (!s || s.phase !== 'connecting') {
        this.d.telephony
          .hangup(ev.channelId)
          .catch((err: unknown) => this.d.log.warn({ err: String(err), channelId: ev.channelId }, 'could not hang up the answer of an ended supervision'));
        return true;
      }
      s.phase = 'active';
      s.log.info({ mode: s.mode }, 'supervisor on the line');
      this.run(s, async () => {
        await this.d.telephony.addToBridge(s.bridgeId, [s.legId]);
        await this.enterMode(s);
      });
      return true;
    }
    if (ev.type !== 'channel_gone') return false;
    const bySup = this.byLeg.get(ev.channelId);
    if (bySup) {
      const s = this.sessions.get(bySup);
      if (s) this.end(s, 'supervisor hung up');
      return true;
    }
    if (ev.channelId.startsWith('snoop-')) return true;
    // the supervised call (or the agent's part in it) ended: so does the supervision
    for (const s of this.sessions.values()) {
      if (s.phase === 'ended') continue;
      const call = this.d.calls.get(s.callId);
      if (!call || call.channelId === ev.channelId || call.agentLeg?.channelId === ev.channelId) this.end(s, 'supervised call ended');
    }
    return false;
  }

  private async enterMode(s: Session): Promise<void> {
    const call = this.d.calls.get(s.callId);
    if (!call?.agentLeg || !call.bridgeId) throw new ChannelGoneError(s.callId, 'supervise');
    const plan = planFor(s.mode);
    if (plan.kind === 'snoop') {
      s.snoops += 1;
      const snoopId = `snoop-${s.id}-${s.snoops}`;
      await this.d.telephony.snoop({ channelId: call.agentLeg.channelId, snoopId, spy: plan.spy, whisper: plan.whisper });
      s.snoopId = snoopId;
      await addWhenReady(this.d.telephony, s.bridgeId, snoopId);
    } else {
      await this.d.telephony.removeFromBridge(s.bridgeId, [s.legId]);
      await this.d.telephony.addToBridge(call.bridgeId, [s.legId]);
      s.inCallBridge = true;
    }
    s.auditId = this.d.audit.open({ supervisorId: s.supervisorId, agentId: s.agentId, callId: s.callId, mode: s.mode, at: this.now() }).catch((err) => {
      s.log.error({ err }, 'supervision audit write failed');
      return null;
    });
  }

  private async leaveMode(s: Session): Promise<void> {
    if (s.snoopId) {
      const snoop = s.snoopId;
      s.snoopId = null;
      await this.d.telephony.hangup(snoop);
    }
    if (s.inCallBridge) {
      s.inCallBridge = false;
      const bridgeId = this.d.calls.get(s.callId)?.bridgeId;
      if (bridgeId) await this.d.telephony.removeFromBridge(bridgeId, [s.legId]);
      await this.d.telephony.addToBridge(s.bridgeId, [s.legId]);
    }
  }

  private async closeAudit(s: Session): Promise<void> {
    const id = await s.auditId;
    s.auditId = null;
    if (id) await this.d.audit.close(id, this.now()).catch((err) => s.log.error({ err }, 'supervision audit write failed'));
  }

  private end(s: Session, reason: string): void {
    if (s.phase === 'ended') return;
    s.phase = 'ended';
    s.log.info({ reason }, 'supervision ended');
    this.run(s, async () => {
      const snoop = s.snoopId;
      s.snoopId = null;
      await Promise.all([this.d.telephony.hangup(s.legId), snoop ? this.d.telephony.hangup(snoop) : Promise.resolve()]);
      await this.d.telephony.destroyBridge(s.bridgeId);
      await this.closeAudit(s);
      this.byLeg.delete(s.legId);
      this.sessions.delete(s.id);
    });
  }

  /** One session's telephony steps run one after another; an active session's memo is kept after each. */
  private run(s: Session, step: () => Promise<void>, onError?: () => void): void {
    s.chain = s.chain
      .then(step)
      .then(() => this.keepMemo(s))
      .catch((err) => {
        s.log.warn({ err: String(err) }, 'supervision step failed');
        onError?.();
      });
  }

  private async keepMemo(s: Session): Promise<void> {
    if (s.phase !== 'active') return;
    const memo: SessionMemo = {
      v: 1,
      id: s.id,
      supervisorId: s.supervisorId,
      agentId: s.agentId,
      callId: s.callId,
      mode: s.mode,
      snoopId: s.snoopId,
      snoops: s.snoops,
      inCallBridge: s.inCallBridge,
      auditId: (await s.auditId) ?? null,
    };
    void this.memos.write(s.legId, SESSION_MEMO_VARIABLE, JSON.stringify(memo), s.log, 'the supervision could not be kept on its leg');
  }

  /**
   * After a restart, once the calls are adopted: each supervisor's leg left by the earlier process is adopted with
   * its session when the supervised call goes on; otherwise it is hung up, its bridge removed and its audit row
   * closed. Returns how many sessions go on.
   */
  async adoptAfterRestart(): Promise<number> {
    const t = this.d.telephony;
    const [channels, bridges] = await Promise.all([t.listChannels(), t.listBridges()]);
    const alive = new Set(channels.map((c) => c.id));
    let adopted = 0;
    for (const leg of channels.filter((c) => c.id.startsWith('sup-') && !this.byLeg.has(c.id))) {
      const memo = parseMemo(await t.getVariable(leg.id, SESSION_MEMO_VARIABLE).catch(() => null));
      const call = memo ? this.d.calls.get(memo.callId) : undefined;
      if (!memo || leg.id !== `sup-${memo.id}` || !call?.agentLeg || call.agentLeg.agentId !== memo.agentId) {
        this.d.log.info({ channelId: leg.id }, 'supervisor leg of an earlier run without its call: hung up');
        await t.hangup(leg.id).catch(() => {});
        await t.destroyBridge(leg.id.replace(/^sup-/, 'supervise-')).catch(() => {});
        if (memo?.auditId) await this.d.audit.close(memo.auditId, this.now()).catch(() => {});
        continue;
      }
      const s: Session = {
        id: memo.id,
        supervisorId: memo.supervisorId,
        agentId: memo.agentId,
        callId: memo.callId,
        mode: memo.mode,
        phase: 'active',
        legId: leg.id,
        bridgeId: `supervise-${memo.id}`,
        snoopId: memo.snoopId && alive.has(memo.snoopId) ? memo.snoopId : null,
        inCallBridge: memo.inCallBridge,
        auditId: Promise.resolve(memo.auditId),
        chain: Promise.resolve(),
        snoops: memo.snoops,
        log: call.log.child({ supervisionId: memo.id, supervisorId: memo.supervisorId }),
      };
      this.sessions.set(s.id, s);
      this.byLeg.set(s.legId, s.id);
      adopted++;
      s.log.info({ agentId: s.agentId, mode: s.mode }, 'supervision adopted after a restart');
    }
    // a supervision bridge whose supervisor is gone has nothing left to carry
    for (const b of bridges.filter((x) => x.id.startsWith('supervise-') && !alive.has(x.id.replace(/^supervise-/, 'sup-')))) {
      await t.destroyBridge(b.id).catch(() => {});
    }
    return adopted;
  }

  private mine(id: string, supervisorId: string): Session {
    const s = this.sessions.get(id);
    if (!s || s.supervisorId !== supervisorId || s.phase === 'ended') throw new SupervisionNotFoundError('没有找到这次监听');
    return s;
  }

  private view(s: Session): SupervisionView {
    return { id: s.id, supervisorId: s.supervisorId, agentId: s.agentId, callId: s.callId, mode: s.mode, phase: s.phase };
  }
}

/** A snoop channel enters the application just after it is created: retry briefly until it can be bridged. */
async function addWhenReady(t: CallControl, bridgeId: string, channelId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await t.addToBridge(bridgeId, [channelId]);
    } catch (err) {
      if (!(err instanceof ChannelGoneError) || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function parseMemo(value: string | null): SessionMemo | null {
  if (!value) return null;
  try {
    const m = JSON.parse(value) as Partial<SessionMemo>;
    const text = (x: unknown) => typeof x === 'string' && x.length > 0;
    if (m.v !== 1 || !text(m.id) || !text(m.supervisorId) || !text(m.agentId) || !text(m.callId)) return null;
    if (!(SUPERVISION_MODES as readonly unknown[]).includes(m.mode) || typeof m.inCallBridge !== 'boolean' || typeof m.snoops !== 'number') return null;
    return m as SessionMemo;
  } catch {
    return null;
  }
}
