// The small call-control interface the rest of the hotline speaks. No ARI type crosses this line:
// ivr/, acd/ and the server see typed events and commands only.

export type ConnectionState = 'connecting' | 'connected' | 'down';

export type TelephonyEvent =
  /** A citizen's call reached the application (dialplan: service number → Stasis). */
  | {
      type: 'call_arrived';
      channelId: string;
      callerNumber: string;
      dialed: string;
      at: Date;
      /** 'web': from the public citizen phone page (limited); otherwise the carrier trunk. */
      via?: 'web';
      /**
       * A caller an earlier server process took in and left in the IVR (found at start-up): the same call goes
       * on; `recorded` says whether its call record exists already (else it is written now).
       */
      resume?: { callId: string; recorded: boolean };
    }
  /** A leg we originated to an agent's device answered. `tag` is what originate() was given. */
  | { type: 'leg_answered'; channelId: string; tag: string; at: Date }
  /** A leg we originated is ringing at the device. */
  | { type: 'leg_ringing'; channelId: string; tag: string; at: Date }
  /** A channel we know ended (hang-up, failed originate, rejected). */
  | { type: 'channel_gone'; channelId: string; cause: number; causeText: string; at: Date }
  | { type: 'dtmf'; channelId: string; digit: string; at: Date }
  /** The phone on this channel put the call on hold (re-INVITE sendonly/inactive) or took it off hold. */
  | { type: 'hold'; channelId: string; held: boolean; at: Date }
  | { type: 'playback_finished'; playbackId: string; channelId: string; at: Date }
  /** A SIP device (browser softphone or desk phone) registered or went away. */
  | { type: 'device_state'; device: string; online: boolean; at: Date }
  | { type: 'connection'; state: ConnectionState; at: Date };

export type SnoopDirection = 'none' | 'in' | 'out' | 'both';

export type TelephonyListener = (event: TelephonyEvent) => void;

export interface OriginateRequest {
  /** Our id for the new channel (picked client-side: StasisStart may arrive before the HTTP reply). */
  channelId: string;
  /** Whom to call: an agent's SIP device ("1001", "1001-desk") or a citizen's number through the carrier trunk. */
  target: { device: string } | { trunkNumber: string };
  callerNumber: string;
  callerName: string;
  timeoutSeconds: number;
  /** Returned in leg_answered / leg_ringing so the caller of originate() can match them. */
  tag: string;
}

export interface CallControl {
  readonly connectionState: ConnectionState;
  onEvent(listener: TelephonyListener): () => void;
  answer(channelId: string): Promise<void>;
  hangup(channelId: string, reason?: 'normal' | 'busy' | 'congestion'): Promise<void>;
  /** Plays a sound; `media` is an Asterisk media URI, e.g. sound:/abs/path/without-extension. */
  play(channelId: string, media: string, playbackId: string): Promise<void>;
  stopPlayback(playbackId: string): Promise<void>;
  /** Whether Asterisk still plays (or has queued) this playback: false once it finished or never started. */
  playbackExists(playbackId: string): Promise<boolean>;
  startMusicOnHold(channelId: string): Promise<void>;
  stopMusicOnHold(channelId: string): Promise<void>;
  /** Music on hold for everyone in the bridge who is listening (a held phone is not). */
  startBridgeMusicOnHold(bridgeId: string): Promise<void>;
  stopBridgeMusicOnHold(bridgeId: string): Promise<void>;
  setVariable(channelId: string, name: string, value: string): Promise<void>;
  /** A channel variable's value; null when the channel or the variable does not exist. */
  getVariable(channelId: string, name: string): Promise<string | null>;
  originate(req: OriginateRequest): Promise<void>;
  createBridge(bridgeId: string, name: string): Promise<void>;
  addToBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  /** Takes channels out of a bridge (they stay up, in the application); a channel already gone is ignored. */
  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  /**
   * A snoop channel on `channelId` (supervision): `spy` is what the snoop hears of the channel ('both' = what it
   * says and hears), `whisper` where what the snoop says goes ('out' = only to the party on `channelId`).
   * The snoop enters the application and can be bridged like any channel; it ends with the snooped channel.
   */
  snoop(req: { channelId: string; snoopId: string; spy: SnoopDirection; whisper: SnoopDirection }): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  /** Records everything said in the bridge into the spool's recording folder as `<name>.wav`. */
  recordBridge(bridgeId: string, name: string): Promise<void>;
  /** `inApp` false: the channel is still in the dialplan (e.g. waiting for the application during a restart). */
  listChannels(): Promise<{ id: string; name: string; state: string; callerNumber: string; inApp?: boolean; variables?: Record<string, string> }[]>;
  listBridges(): Promise<{ id: string; name: string; channelIds: string[] }[]>;
  /** Devices currently registered. */
  listOnlineDevices(): Promise<string[]>;
  /**
   * Streams one direction of a channel's audio to `onFrame` as 16 kHz signed 16-bit little-endian PCM
   * (20 ms frames): 'in' is what the party says, 'out' what they hear.
   */
  startAudioTap(channelId: string, direction: 'in' | 'out', onFrame: (pcm: Buffer) => void): Promise<AudioTap>;
}

export interface AudioTap {
  readonly id: string;
  /** Idempotent; also happens by itself when the tapped channel hangs up. */
  stop(): Promise<void>;
}

/** The channel vanished in Asterisk (hung up) before or while an operation ran. */
export class ChannelGoneError extends Error {
  constructor(
    readonly resourceId: string,
    operation: string,
  ) {
    super(`${operation}: ${resourceId} no longer exists`);
    this.name = 'ChannelGoneError';
  }
}

export class TelephonyUnavailableError extends Error {
  constructor(operation: string, cause?: unknown) {
    super(`${operation}: Asterisk is not reachable`, { cause });
    this.name = 'TelephonyUnavailableError';
  }
}
