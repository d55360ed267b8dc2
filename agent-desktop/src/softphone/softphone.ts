// The agent's WebRTC softphone: one sip.js UserAgent + Registerer against Asterisk's SIP-over-WebSocket,
// at most one call at a time. Independent of React: the UI subscribes to 'change' and calls methods.
//
// Registration:  unregistered -> registering -> registered
//                      ^              |  \-> error (auth rejected: waits for a new password via start())
//                      +--- WS drop / refresh failure: retry with backoff ---+
// Call:          idle -> ringing -> connecting -> established -> ended -> idle (after ENDED_LINGER_MS)
//                          \-> ended (rejected by us / cancelled by the caller)
import {
  Registerer,
  RequestPendingError,
  RegistererState,
  SessionState,
  UserAgent,
  type Invitation,
  type Web,
} from 'sip.js';
import { sendDtmfDigit } from './dtmf';
import { Emitter } from './emitter';

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'error';
export type CallState = 'idle' | 'ringing' | 'connecting' | 'established' | 'ended';

export interface SoftphoneConfig {
  /** SIP-over-WebSocket URL, e.g. ws://127.0.0.1:8088/ws */
  wsUrl: string;
  domain: string;
  extension: string;
  /** The agent's login password, which is also their SIP password. */
  password: string;
}

export interface RegistrationError {
  /** auth_failed: Asterisk refused the credentials; we stop retrying until start() is called again. */
  reason: 'auth_failed' | 'rejected';
  statusCode: number | null;
}

export interface CallInfo {
  state: CallState;
  callerNumber: string | null;
  callerName: string | null;
  ringingAt: number | null;
  establishedAt: number | null;
  endedAt: number | null;
  /** Who ended it: we did, the far end did, or media/signalling failed before it was up. */
  endReason: 'local' | 'remote' | 'failed' | null;
  muted: boolean;
  /** On hold (re-INVITE sendonly accepted): the agent's mic and the caller's audio are both off here. */
  held: boolean;
  /** A hold or resume re-INVITE is in flight. */
  holdPending: boolean;
}

/** The audio devices the agent picked; null = the browser's default. */
export interface AudioDevices {
  inputId: string | null;
  outputId: string | null;
}

export interface ReconnectInfo {
  attempt: number;
  /** Epoch ms of the next attempt. */
  retryAt: number;
}

export interface SoftphoneSnapshot {
  registration: RegistrationState;
  registrationError: RegistrationError | null;
  transportConnected: boolean;
  /** Set while a retry is scheduled or running after a drop; null once registered again. */
  reconnect: ReconnectInfo | null;
  call: CallInfo;
  autoAnswer: boolean;
  devices: AudioDevices;
}

export interface MediaHandles {
  peerConnection: RTCPeerConnection;
  remoteStream: MediaStream;
}

export interface SoftphoneEvents {
  change: SoftphoneSnapshot;
  reconnecting: ReconnectInfo;
  reconnected: { attempts: number };
  /** The live call's media, or null when it is gone. */
  media: MediaHandles | null;
}

const ENDED_LINGER_MS = 3000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const REGISTER_EXPIRES_S = 300;
const AUTH_FAILURE_CODES = new Set([401, 403, 407]);

const IDLE_CALL: CallInfo = {
  state: 'idle',
  callerNumber: null,
  callerName: null,
  ringingAt: null,
  establishedAt: null,
  endedAt: null,
  endReason: null,
  muted: false,
  held: false,
  holdPending: false,
};

/** Asterisk and we may re-INVITE at the same time (491 Request Pending, RFC 3261 14.1): retry a few times. */
const HOLD_ATTEMPTS = 3;
/** RFC 4733 digits as the pad sends them: 160 ms tone, 70 ms gap (what desk phones send). */

function backoffMs(attempt: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  // Jitter so a room full of desktops does not hammer a restarted Asterisk in lockstep.
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

const ignore = (): void => {};

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `ideal` when answering (a device unplugged since it was chosen must not stop the answer), `exact` when switching. */
function audioConstraintsFor(deviceId: string | null, exact = false): MediaTrackConstraints | boolean {
  if (!deviceId) return true;
  return { deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

export class Softphone extends Emitter<SoftphoneEvents> {
  private snapshot: SoftphoneSnapshot = {
    registration: 'unregistered',
    registrationError: null,
    transportConnected: false,
    reconnect: null,
    call: IDLE_CALL,
    autoAnswer: false,
    devices: { inputId: null, outputId: null },
  };
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
    const uri = UserAgent.makeURI(`sip:${config.extension}@${config.domain}`);
    if (!uri) {
      this.update({ registration: 'error', registrationError: { reason: 'rejected', statusCode: null } });
      return;
    }
    const current = () => generation === this.generation;
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: config.wsUrl, traceSip: false, connectionTimeout: 5 },
      authorizationUsername: config.extension,
      authorizationPassword: config.password,
      userAgentString: 'hotline-12345-desktop',
      logLevel: 'warn',
      sessionDescriptionHandlerFactoryOptions: {
        iceGatheringTimeout: 500,
        peerConnectionConfiguration: { iceServers: [] },
      },
      delegate: {
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
      },
    });
    this.update({ registration: 'registering', registrationError: null, reconnect: null });
    this.ua.start().catch(() => {
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
    if (this.session) this.finishCall(this.session, 'local');
    // UserAgent.stop() unregisters and disposes remaining sessions itself.
    ua?.stop().catch(ignore);
    this.update({ registration: 'unregistered', registrationError: null, transportConnected: false, reconnect: null });
  }

  async answer(): Promise<void> {
    const invitation = this.session;
    if (!invitation || this.snapshot.call.state !== 'ringing') return;
    this.updateCall({ state: 'connecting' });
    try {
      await invitation.accept({
        sessionDescriptionHandlerOptions: { constraints: { audio: this.audioConstraints(), video: false } },
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
    const sdh = this.session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (!sdh || this.snapshot.call.state !== 'established') return;
    sdh.enableSenderTracks(!on && !this.snapshot.call.held);
    this.updateCall({ muted: on });
  }

  /**
   * Hold (on) or resume (off) with a re-INVITE: sendonly towards Asterisk while held, so the caller gets music on
   * hold from Asterisk; the agent's microphone and the caller's audio are switched off here meanwhile.
   * Resolves true once Asterisk accepted it.
   */
  async hold(on: boolean): Promise<boolean> {
    const invitation = this.session;
    const call = this.snapshot.call;
    if (!invitation || call.state !== 'established' || call.holdPending || call.held === on) return false;
    this.updateCall({ holdPending: true });
    let accepted = false;
    for (let attempt = 1; attempt <= HOLD_ATTEMPTS && !accepted && invitation === this.session; attempt++) {
      const outcome = await this.reinvite(invitation, on);
      if (outcome === 'accepted') accepted = true;
      else if (outcome !== 'glare') break;
      else await delay(200 + Math.random() * 400 * attempt);
    }
    if (invitation !== this.session) return false;
    // Asterisk answers re-INVITEs of its own with what we last asked for (sip.js reuses these options).
    invitation.sessionDescriptionHandlerOptionsReInvite = {
      ...invitation.sessionDescriptionHandlerOptionsReInvite,
      hold: accepted ? on : call.held,
    } as Web.SessionDescriptionHandlerOptions;
    const held = accepted ? on : call.held;
    this.applyTracks(invitation, held, this.snapshot.call.muted);
    this.updateCall({ held, holdPending: false });
    return accepted;
  }

  /**
   * Sends one RFC 4733 digit on the live call (IVR menus of other agencies, extensions). Digits pressed while
   * earlier ones still play are queued behind them (insertDTMF alone would replace the pending ones).
   */
  sendDtmf(digit: string): boolean {
    const sdh = this.session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const call = this.snapshot.call;
    if (!sdh || call.state !== 'established' || call.held) return false;
    return sendDtmfDigit(sdh, digit);
  }


  /**
   * Microphone for the next calls and, during a call, at once (the sender's track is replaced; no re-INVITE).
   * Throws when the device cannot be opened; the previous one is kept then.
   */
  async setInputDevice(deviceId: string | null): Promise<void> {
    const sdh = this.session?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const pc = sdh?.peerConnection;
    const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null);
    if (sdh && pc && sender && this.snapshot.call.state === 'established') {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: audioConstraintsFor(deviceId, true), video: false });
      const track = stream.getAudioTracks()[0];
      if (!track) throw new Error('no audio track');
      const old = sender.track;
      const call = this.snapshot.call;
      track.enabled = !call.muted && !call.held;
      await sender.replaceTrack(track);
      old?.stop();
      // Keep sip.js's local stream in step so its own enable/disable calls reach the new track.
      const local = sdh.localMediaStream;
      local.getAudioTracks().forEach((t) => local.removeTrack(t));
      local.addTrack(track);
    }
    this.update({ devices: { ...this.snapshot.devices, inputId: deviceId } });
  }

  /** Loudspeaker / headset for the call audio, where the browser supports choosing (HTMLMediaElement.setSinkId). */
  async setOutputDevice(deviceId: string | null): Promise<void> {
    const audio = this.remoteAudio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof audio.setSinkId !== 'function') throw new Error('setSinkId not supported');
    await audio.setSinkId(deviceId ?? '');
    this.update({ devices: { ...this.snapshot.devices, outputId: deviceId } });
  }

  /** True when this browser can route call audio to a chosen output device. */
  readonly canChooseOutput = (): boolean =>
    typeof (this.remoteAudio as HTMLAudioElement & { setSinkId?: unknown }).setSinkId === 'function';

  setAutoAnswer(on: boolean): void {
    this.update({ autoAnswer: on });
    if (on && this.snapshot.call.state === 'ringing') void this.answer();
  }

  private reinvite(invitation: Invitation, hold: boolean): Promise<'accepted' | 'glare' | 'rejected'> {
    invitation.sessionDescriptionHandlerOptionsReInvite = {
      ...invitation.sessionDescriptionHandlerOptionsReInvite,
      hold,
    } as Web.SessionDescriptionHandlerOptions;
    return new Promise((resolve) => {
      invitation
        .invite({
          requestDelegate: {
            onAccept: () => resolve('accepted'),
            onReject: (response) => resolve(response.message.statusCode === 491 ? 'glare' : 'rejected'),
          },
        })
        .catch((err: unknown) => {
          // RequestPendingError: Asterisk's own re-INVITE is being answered right now.
          console.warn('[softphone] re-INVITE failed', err);
          resolve(err instanceof RequestPendingError ? 'glare' : 'rejected');
        });
    });
  }

  private applyTracks(invitation: Invitation, held: boolean, muted: boolean): void {
    const sdh = invitation.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (!sdh) return;
    sdh.enableReceiverTracks(!held);
    sdh.enableSenderTracks(!held && !muted);
  }

  private audioConstraints(): MediaTrackConstraints | boolean {
    return audioConstraintsFor(this.snapshot.devices.inputId);
  }

  // --- transport and registration -------------------------------------------------------------

  private onTransportConnect(): void {
    this.update({ transportConnected: true });
    this.register();
  }

  private onTransportDisconnect(error?: Error): void {
    // Asterisk dropped our contact with the socket. The Registerer is kept (disposing it would try to
    // unregister over a dead socket) and simply registers again once the socket is back.
    const authFailed = this.snapshot.registrationError?.reason === 'auth_failed';
    this.update({ transportConnected: false, registration: authFailed ? 'error' : 'unregistered' });
    // No error means we closed it ourselves.
    if (error && !authFailed) this.scheduleRetry();
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
    this.update({ registration: 'registering', registrationError: null });
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
      // A refresh failed or the binding expired while the socket stayed up.
      this.update({ registration: 'unregistered' });
      this.scheduleRetry();
    }
  }

  private onRegistered(registerer: Registerer): void {
    if (registerer !== this.registerer || this.snapshot.registration === 'registered') return;
    const attempts = this.retryAttempt;
    this.retryAttempt = 0;
    this.clearRetry();
    this.update({ registration: 'registered', registrationError: null, reconnect: null });
    if (attempts > 0) this.emit('reconnected', { attempts });
  }

  private onRegisterRejected(registerer: Registerer, statusCode: number): void {
    if (registerer !== this.registerer) return;
    if (AUTH_FAILURE_CODES.has(statusCode)) {
      // Retrying a wrong password only risks tripping Asterisk's/fail2ban's brute-force limits.
      this.clearRetry();
      this.update({ registration: 'error', registrationError: { reason: 'auth_failed', statusCode }, reconnect: null });
      return;
    }
    this.update({ registration: 'error', registrationError: { reason: 'rejected', statusCode } });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.ua || this.retryTimer) return;
    this.retryAttempt += 1;
    const delay = backoffMs(this.retryAttempt);
    const info: ReconnectInfo = { attempt: this.retryAttempt, retryAt: Date.now() + delay };
    this.update({ reconnect: info });
    this.emit('reconnecting', info);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retry();
    }, delay);
  }

  private retry(): void {
    const ua = this.ua;
    if (!ua) return;
    const generation = this.generation;
    this.update({ registration: 'registering' });
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
    if (this.session) {
      // One call per agent; the ACD should never offer a second one, but a stray INVITE must not ring over a call.
      invitation.reject({ statusCode: 486 }).catch(ignore);
      return;
    }
    if (this.endedTimer) clearTimeout(this.endedTimer);
    this.endedTimer = null;
    this.session = invitation;
    this.hangupWhenEstablished = false;
    this.hungUpLocally = false;
    const identity = invitation.remoteIdentity;
    this.updateCall({
      ...IDLE_CALL,
      state: 'ringing',
      callerNumber: identity.uri.user ?? null,
      callerName: identity.displayName || null,
      ringingAt: Date.now(),
    });
    invitation.stateChange.addListener((state) => this.onSessionState(invitation, state));
    if (this.snapshot.autoAnswer) void this.answer();
  }

  private onSessionState(invitation: Invitation, state: SessionState): void {
    if (invitation !== this.session) return;
    if (state === SessionState.Established) {
      this.updateCall({ state: 'established', establishedAt: Date.now() });
      this.attachMedia(invitation);
      if (this.hangupWhenEstablished) void this.hangup();
    } else if (state === SessionState.Terminated) {
      const call = this.snapshot.call;
      const reason = this.hungUpLocally ? 'local' : call.state === 'connecting' ? 'failed' : 'remote';
      this.finishCall(invitation, reason);
    }
  }

  private finishCall(invitation: Invitation, reason: NonNullable<CallInfo['endReason']>): void {
    if (invitation !== this.session) return;
    this.session = null;
    this.detachMedia();
    this.updateCall({ state: 'ended', endedAt: Date.now(), endReason: reason, muted: false, held: false, holdPending: false });
    // Keep "call ended" on screen briefly so the agent sees what happened.
    this.endedTimer = setTimeout(() => {
      this.endedTimer = null;
      if (this.snapshot.call.state === 'ended') this.updateCall(IDLE_CALL);
    }, ENDED_LINGER_MS);
  }

  private attachMedia(invitation: Invitation): void {
    const sdh = invitation.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
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

  private updateCall(patch: Partial<CallInfo>): void {
    this.update({ call: { ...this.snapshot.call, ...patch } });
  }

  private update(patch: Partial<SoftphoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit('change', this.snapshot);
  }
}
