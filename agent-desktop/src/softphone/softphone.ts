// The agent's WebRTC softphone: one sip.js UserAgent + Registerer against Asterisk's SIP-over-WebSocket,
// at most one call at a time. Independent of React: the UI subscribes to 'change' and calls methods.
// This is the sip.js adapter: what sip.js reports becomes an event for the pure machine (softphone-machine.ts),
// which decides the next state or refuses the event; the adapter then does the SIP and media side.
import { Registerer, RegistererState, SessionState, type Invitation, type UserAgent, type Web } from 'sip.js';
import { applyTracks, audioConstraintsFor, canSetSink, replaceInputTrack, setSink } from './call-audio';
import { sendDtmfDigit } from './dtmf';
import { Emitter } from './emitter';
import { requestHold, setHoldOption } from './hold-reinvite';
import { INITIAL_PHONE_STATE, backoffMs, retryAfterDrop, transition, type PhoneEvent, type ReconnectInfo } from './softphone-machine';
import type { MediaHandles, SoftphoneConfig, SoftphoneEvents, SoftphoneSnapshot } from './softphone-types';
import { createUserAgent } from './user-agent';

export type { CallInfo, CallState, ReconnectInfo, RegistrationError, RegistrationState } from './softphone-machine';
export type { AudioDevices, MediaHandles, SoftphoneConfig, SoftphoneEvents, SoftphoneSnapshot } from './softphone-types';

const ENDED_LINGER_MS = 3000;
const REGISTER_EXPIRES_S = 300;

const ignore = (): void => {};

const sdhOf = (invitation: Invitation | null): Web.SessionDescriptionHandler | undefined =>
  invitation?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;

export class Softphone extends Emitter<SoftphoneEvents> {
  private snapshot: SoftphoneSnapshot = { ...INITIAL_PHONE_STATE, autoAnswer: false, devices: { inputId: null, outputId: null } };
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private session: Invitation | null = null;
  private currentMedia: MediaHandles | null = null;
  /** Bumped by start()/stop() so callbacks from a previous UserAgent are ignored. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryAttempt = 0;
  private endedTimer: ReturnType<typeof setTimeout> | null = null;
  private hangupWhenEstablished = false;
  private hungUpLocally = false;

  constructor(private readonly remoteAudio: HTMLAudioElement) {
    super();
    // Back online after a network blip: do not sit out the rest of a long backoff.
    window.addEventListener('online', () => this.retryNow());
  }

  /** Stable between changes, as useSyncExternalStore requires. */
  readonly getSnapshot = (): SoftphoneSnapshot => this.snapshot;

  start(config: SoftphoneConfig): void {
    this.stop();
    const generation = this.generation;
    const current = () => generation === this.generation;
    const ua = createUserAgent(config, {
      onConnect: () => {
        if (current()) this.onTransportConnect();
      },
      onDisconnect: (error) => {
        if (current()) this.onTransportDisconnect(error);
      },
      onInvite: (invitation) => {
        if (current()) this.onInvite(invitation);
        else invitation.reject({ statusCode: 480 }).catch(ignore);
      },
    });
    if (!ua) {
      this.dispatch({ type: 'uri_invalid' });
      return;
    }
    this.ua = ua;
    this.dispatch({ type: 'start' });
    ua.start().catch(() => {
      if (current()) this.scheduleRetry();
    });
  }

  /** Unregisters, ends any call and closes the WebSocket. Safe to call repeatedly. */
  stop(): void {
    this.generation++;
    this.clearRetry();
    this.retryAttempt = 0;
    const ua = this.ua;
    this.ua = null;
    this.registerer = null;
    if (this.session) this.finishCall(this.session, true);
    // UserAgent.stop() unregisters and disposes remaining sessions itself.
    ua?.stop().catch(ignore);
    this.dispatch({ type: 'stop' });
  }

  async answer(): Promise<void> {
    const invitation = this.session;
    if (!invitation || !this.dispatch({ type: 'answer' })) return;
    try {
      await invitation.accept({
        sessionDescriptionHandlerOptions: { constraints: { audio: audioConstraintsFor(this.snapshot.devices.inputId), video: false } },
      });
    } catch (err) {
      // sip.js rejects the INVITE itself when accept fails (e.g. no microphone); Terminated follows.
      console.error('[softphone] answer failed', err);
    }
  }

  /** Rejects a ringing call, or sends BYE on an established one. */
  async hangup(): Promise<void> {
    const invitation = this.session;
    if (!invitation) return;
    this.hungUpLocally = true;
    switch (invitation.state) {
      case SessionState.Initial:
        await invitation.reject({ statusCode: 486 }).catch(ignore);
        return;
      case SessionState.Establishing:
        // 200 OK is out but the ACK is not in: a BYE is only legal once established.
        this.hangupWhenEstablished = true;
        return;
      case SessionState.Established:
        try {
          await invitation.bye();
        } catch {
          // No transport (WS down): free the media locally; Asterisk's rtp_timeout reaps its leg.
          await invitation.dispose().catch(ignore);
        }
        return;
      default:
        return;
    }
  }

  mute(on: boolean): void {
    const sdh = sdhOf(this.session);
    if (!sdh || !this.dispatch({ type: 'mute', on })) return;
    sdh.enableSenderTracks(!on && !this.snapshot.call.held);
  }

  /**
   * Hold (on) or resume (off) with a re-INVITE: sendonly towards Asterisk while held, so the caller gets music on
   * hold from Asterisk; the agent's microphone and the caller's audio are switched off here meanwhile.
   * Resolves true once Asterisk accepted it.
   */
  async hold(on: boolean): Promise<boolean> {
    const invitation = this.session;
    const heldBefore = this.snapshot.call.held;
    if (!invitation || !this.dispatch({ type: 'hold_requested', on })) return false;
    const accepted = await requestHold(invitation, on, () => invitation === this.session);
    if (invitation !== this.session) return false;
    const held = accepted ? on : heldBefore;
    setHoldOption(invitation, held);
    applyTracks(sdhOf(invitation), held, this.snapshot.call.muted);
    this.dispatch({ type: 'hold_settled', held });
    return accepted;
  }

  /**
   * Sends one RFC 4733 digit on the live call (IVR menus of other agencies, extensions). Digits pressed while
   * earlier ones still play are queued behind them (insertDTMF alone would replace the pending ones).
   */
  sendDtmf(digit: string): boolean {
    const sdh = sdhOf(this.session);
    const call = this.snapshot.call;
    if (!sdh || call.state !== 'established' || call.held) return false;
    return sendDtmfDigit(sdh, digit);
  }

  /**
   * Microphone for the next calls and, during a call, at once (the sender's track is replaced; no re-INVITE).
   * Throws when the device cannot be opened; the previous one is kept then.
   */
  async setInputDevice(deviceId: string | null): Promise<void> {
    if (this.snapshot.call.state === 'established') await replaceInputTrack(sdhOf(this.session), deviceId, this.snapshot.call);
    this.updateSettings({ devices: { ...this.snapshot.devices, inputId: deviceId } });
  }

  /** Loudspeaker / headset for the call audio, where the browser supports choosing (HTMLMediaElement.setSinkId). */
  async setOutputDevice(deviceId: string | null): Promise<void> {
    await setSink(this.remoteAudio, deviceId);
    this.updateSettings({ devices: { ...this.snapshot.devices, outputId: deviceId } });
  }

  /** True when this browser can route call audio to a chosen output device. */
  readonly canChooseOutput = (): boolean => canSetSink(this.remoteAudio);

  setAutoAnswer(on: boolean): void {
    this.updateSettings({ autoAnswer: on });
    if (on && this.snapshot.call.state === 'ringing') void this.answer();
  }

  // --- transport and registration -------------------------------------------------------------

  private onTransportConnect(): void {
    this.dispatch({ type: 'transport_up' });
    this.register();
  }

  private onTransportDisconnect(error?: Error): void {
    // The Registerer is kept (disposing it would try to unregister over a dead socket) and simply registers again
    // once the socket is back. No error means we closed it ourselves.
    const retry = retryAfterDrop(this.snapshot, error !== undefined);
    this.dispatch({ type: 'transport_down' });
    if (retry) this.scheduleRetry();
  }

  private register(): void {
    const ua = this.ua;
    if (!ua) return;
    let registerer = this.registerer;
    if (!registerer) {
      const created = new Registerer(ua, { expires: REGISTER_EXPIRES_S });
      created.stateChange.addListener((state) => this.onRegistererState(created, state));
      this.registerer = created;
      registerer = created;
    }
    const target = registerer;
    this.dispatch({ type: 'register_sent' });
    target
      .register({
        requestDelegate: {
          // A Registerer that was already Registered before a drop does not emit stateChange again.
          onAccept: () => this.onRegistered(target),
          onReject: (response) => this.onRegisterRejected(target, response.message.statusCode ?? 0),
        },
      })
      .catch(() => {
        if (target === this.registerer) this.scheduleRetry();
      });
  }

  private onRegistererState(registerer: Registerer, state: RegistererState): void {
    if (registerer !== this.registerer) return;
    if (state === RegistererState.Registered) {
      this.onRegistered(registerer);
    } else if (state === RegistererState.Unregistered && this.snapshot.registration === 'registered') {
      this.dispatch({ type: 'binding_lost' });
      this.scheduleRetry();
    }
  }

  private onRegistered(registerer: Registerer): void {
    // Both the accept and the Registerer's stateChange report a registration: the second is no news.
    if (registerer !== this.registerer || this.snapshot.registration === 'registered') return;
    const attempts = this.retryAttempt;
    this.retryAttempt = 0;
    this.clearRetry();
    this.dispatch({ type: 'registered' });
    if (attempts > 0) this.emit('reconnected', { attempts });
  }

  private onRegisterRejected(registerer: Registerer, statusCode: number): void {
    if (registerer !== this.registerer) return;
    this.dispatch({ type: 'register_rejected', statusCode });
    // Retrying a wrong password only risks tripping Asterisk's/fail2ban's brute-force limits.
    if (this.snapshot.registrationError?.reason === 'auth_failed') this.clearRetry();
    else this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.ua || this.retryTimer) return;
    const attempt = this.retryAttempt + 1;
    const delay = backoffMs(attempt);
    const info: ReconnectInfo = { attempt, retryAt: Date.now() + delay };
    if (!this.dispatch({ type: 'retry_scheduled', ...info })) return;
    this.retryAttempt = attempt;
    this.emit('reconnecting', info);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retry();
    }, delay);
  }

  private retry(): void {
    const ua = this.ua;
    if (!ua || !this.dispatch({ type: 'retry' })) return;
    const generation = this.generation;
    if (ua.isConnected()) {
      this.register();
      return;
    }
    // onConnect registers once the socket is back.
    ua.reconnect().catch(() => {
      if (generation === this.generation) this.scheduleRetry();
    });
  }

  private retryNow(): void {
    if (!this.retryTimer) return;
    this.clearRetry();
    this.retry();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // --- calls ----------------------------------------------------------------------------------

  private onInvite(invitation: Invitation): void {
    const identity = invitation.remoteIdentity;
    const ringing = { type: 'invite', callerNumber: identity.uri.user ?? null, callerName: identity.displayName || null, at: Date.now() } as const;
    // One call per agent; the ACD should never offer a second one, but a stray INVITE must not ring over a call.
    if (this.session || !this.dispatch(ringing)) {
      invitation.reject({ statusCode: 486 }).catch(ignore);
      return;
    }
    if (this.endedTimer) clearTimeout(this.endedTimer);
    this.endedTimer = null;
    this.session = invitation;
    this.hangupWhenEstablished = false;
    this.hungUpLocally = false;
    invitation.stateChange.addListener((state) => this.onSessionState(invitation, state));
    if (this.snapshot.autoAnswer) void this.answer();
  }

  private onSessionState(invitation: Invitation, state: SessionState): void {
    if (invitation !== this.session) return;
    if (state === SessionState.Established) {
      this.dispatch({ type: 'established', at: Date.now() });
      this.attachMedia(invitation);
      if (this.hangupWhenEstablished) void this.hangup();
    } else if (state === SessionState.Terminated) {
      this.finishCall(invitation, this.hungUpLocally);
    }
  }

  private finishCall(invitation: Invitation, byUs: boolean): void {
    if (invitation !== this.session) return;
    this.session = null;
    this.detachMedia();
    this.dispatch({ type: 'terminated', at: Date.now(), byUs });
    // Keep "call ended" on screen briefly so the agent sees what happened.
    this.endedTimer = setTimeout(() => {
      this.endedTimer = null;
      if (this.snapshot.call.state === 'ended') this.dispatch({ type: 'linger_over' });
    }, ENDED_LINGER_MS);
  }

  private attachMedia(invitation: Invitation): void {
    const sdh = sdhOf(invitation);
    const peerConnection = sdh?.peerConnection;
    if (!sdh || !peerConnection) return;
    const remoteStream = sdh.remoteMediaStream;
    this.remoteAudio.srcObject = remoteStream;
    this.remoteAudio.play().catch(() => {
      // Autoplay blocked until the next user gesture; main.tsx retries play() on any click.
    });
    this.currentMedia = { peerConnection, remoteStream };
    this.emit('media', this.currentMedia);
  }

  private detachMedia(): void {
    this.remoteAudio.srcObject = null;
    if (!this.currentMedia) return;
    this.currentMedia = null;
    this.emit('media', null);
  }

  // --- state ----------------------------------------------------------------------------------

  /** Applies the machine's answer; a refused event changes nothing and is logged. True when it was applied. */
  private dispatch(event: PhoneEvent): boolean {
    const next = transition(this.snapshot, event);
    if (!next.ok) {
      console.warn('[softphone] refused', next.refusal);
      return false;
    }
    this.snapshot = { ...this.snapshot, ...next.state };
    this.emit('change', this.snapshot);
    return true;
  }

  private updateSettings(patch: Partial<Pick<SoftphoneSnapshot, 'autoAnswer' | 'devices'>>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit('change', this.snapshot);
  }
}
