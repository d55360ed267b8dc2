// The citizen phone page's phone: one sip.js UserAgent on the restricted `citizen-web` endpoint, one outgoing
// call at a time. Independent of React: the page subscribes to 'change' and calls methods.
//
// Registration: unregistered -> registering -> registered | error
// Call:         idle -> calling -> ringing -> established -> ended -> idle (on the next dial)
//                          \-> ended (refused: busy / not allowed / failed)
import { Inviter, Registerer, RegistererState, SessionState, UserAgent, type Web } from 'sip.js';
import type { CitizenPhoneResponse } from '../../../contracts/api.js';
import { sendDtmfDigit } from '../softphone/dtmf';
import { Emitter } from '../softphone/emitter';
import type { MediaHandles } from '../softphone/softphone';

export type CitizenRegistration = 'unregistered' | 'registering' | 'registered' | 'error';
export type CitizenCallState = 'idle' | 'calling' | 'ringing' | 'established' | 'ended';
/**
 * Why a call ended. busy: the hotline refused it for load (503/486/480: too many calls from citizen pages);
 * not_allowed: the number cannot be called from this page (403/404: only the service number can).
 */
export type CitizenEndReason = 'local' | 'remote' | 'busy' | 'not_allowed' | 'failed';

export interface CitizenPhoneSnapshot {
  registration: CitizenRegistration;
  call: CitizenCallState;
  dialed: string | null;
  endReason: CitizenEndReason | null;
  statusCode: number | null;
  establishedAt: number | null;
  /** Digits sent during the call, for the page to show. */
  digitsSent: string;
}

interface Events {
  change: CitizenPhoneSnapshot;
  media: MediaHandles | null;
}

type Settings = Extract<CitizenPhoneResponse, { enabled: true }>;

const IDLE: CitizenPhoneSnapshot = {
  registration: 'unregistered',
  call: 'idle',
  dialed: null,
  endReason: null,
  statusCode: null,
  establishedAt: null,
  digitsSent: '',
};

export function endReasonOf(statusCode: number | null): CitizenEndReason {
  if (statusCode === 486 || statusCode === 480 || statusCode === 503 || statusCode === 600 || statusCode === 603) return 'busy';
  if (statusCode === 403 || statusCode === 404 || statusCode === 484 || statusCode === 488) return 'not_allowed';
  return 'failed';
}

export class CitizenPhone extends Emitter<Events> {
  private snapshot: CitizenPhoneSnapshot = IDLE;
  private ua: UserAgent | null = null;
  private registerer: Registerer | null = null;
  private inviter: Inviter | null = null;

  constructor(private readonly remoteAudio: HTMLAudioElement) {
    super();
  }

  get state(): CitizenPhoneSnapshot {
    return this.snapshot;
  }

  async start(settings: Settings): Promise<void> {
    const uri = UserAgent.makeURI(`sip:${settings.username}@${settings.domain}`);
    if (!uri) throw new Error(`bad SIP domain ${settings.domain}`);
    this.ua = new UserAgent({
      uri,
      transportOptions: { server: settings.wsUrl, traceSip: false, connectionTimeout: 5 },
      authorizationUsername: settings.username,
      authorizationPassword: settings.password,
      userAgentString: 'hotline-12345-citizen-page',
      logLevel: 'warn',
      sessionDescriptionHandlerFactoryOptions: { iceGatheringTimeout: 500, peerConnectionConfiguration: { iceServers: [] } },
      delegate: {
        // nobody calls the page: the endpoint only places calls
        onInvite: (invitation) => void invitation.reject({ statusCode: 488 }).catch(() => {}),
        onDisconnect: () => this.update({ registration: 'unregistered' }),
      },
    });
    this.update({ registration: 'registering' });
    try {
      await this.ua.start();
      this.registerer = new Registerer(this.ua, { expires: 300 });
      this.registerer.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) this.update({ registration: 'registered' });
        else if (s === RegistererState.Unregistered || s === RegistererState.Terminated) this.update({ registration: 'unregistered' });
      });
      await this.registerer.register({
        requestDelegate: { onReject: () => this.update({ registration: 'error' }) },
      });
    } catch {
      this.update({ registration: 'error' });
    }
  }

  /** Calls `number` (the page offers the service number; the endpoint refuses anything else). */
  async dial(number: string, settings: Settings, citizenPhone: string): Promise<void> {
    if (!this.ua || this.snapshot.call === 'calling' || this.snapshot.call === 'ringing' || this.snapshot.call === 'established') return;
    const target = UserAgent.makeURI(`sip:${number}@${settings.domain}`);
    if (!target) return;
    const extraHeaders = /^\d{7,12}$/.test(citizenPhone) ? [`X-Citizen-Phone: ${citizenPhone}`] : [];
    const inviter = new Inviter(this.ua, target, {
      extraHeaders,
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    this.inviter = inviter;
    this.update({ call: 'calling', dialed: number, endReason: null, statusCode: null, establishedAt: null, digitsSent: '' });
    inviter.stateChange.addListener((s) => {
      if (this.inviter !== inviter) return;
      if (s === SessionState.Established) {
        this.attachMedia(inviter);
        this.update({ call: 'established', establishedAt: Date.now() });
      } else if (s === SessionState.Terminated) {
        this.detachMedia();
        this.inviter = null;
        if (this.snapshot.call !== 'ended')
          this.update({ call: 'ended', endReason: this.snapshot.establishedAt ? 'remote' : (this.snapshot.endReason ?? 'failed') });
      }
    });
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: () => this.update({ call: this.snapshot.call === 'calling' ? 'ringing' : this.snapshot.call }),
          onReject: (response) => {
            const code = response.message.statusCode ?? null;
            this.update({ call: 'ended', endReason: endReasonOf(code), statusCode: code });
          },
        },
      });
    } catch {
      this.update({ call: 'ended', endReason: 'failed' });
    }
  }

  hangUp(): void {
    const inviter = this.inviter;
    if (!inviter) return;
    this.update({ call: 'ended', endReason: 'local' });
    if (inviter.state === SessionState.Established) void inviter.bye().catch(() => {});
    else void inviter.cancel().catch(() => {});
  }

  sendDtmf(digit: string): boolean {
    const sdh = this.inviter?.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    if (!sdh || this.snapshot.call !== 'established') return false;
    const sent = sendDtmfDigit(sdh, digit);
    if (sent) this.update({ digitsSent: this.snapshot.digitsSent + digit });
    return sent;
  }

  private attachMedia(inviter: Inviter): void {
    const sdh = inviter.sessionDescriptionHandler as Web.SessionDescriptionHandler | undefined;
    const peerConnection = sdh?.peerConnection;
    if (!sdh || !peerConnection) return;
    this.remoteAudio.srcObject = sdh.remoteMediaStream;
    this.remoteAudio.play().catch(() => {});
    this.emit('media', { peerConnection, remoteStream: sdh.remoteMediaStream });
  }

  private detachMedia(): void {
    this.remoteAudio.srcObject = null;
    this.emit('media', null);
  }

  private update(patch: Partial<CitizenPhoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit('change', this.snapshot);
  }
}
