// ARI's events turned into the typed TelephonyEvents CallControl's listeners hear, with the per-channel
// bookkeeping that takes: legs we originated (ringing is reported only for those), DTMF de-duplication, the audio
// taps that die with their snoop channel, and channels awaited in the application. ARI types stay in telephony/.
import type { Client, Endpoint } from 'ari-client';
import type { TelephonyEvent } from './call-control.js';

export class AriEventTranslator {
  /** Originated legs: channel id → tag, so ringing/answer events can be matched to the offer. */
  readonly originated = new Map<string, string>();
  /** Audio taps by their snoop channel: the snoop dies with the tapped channel, and the tap goes with it. */
  readonly taps = new Map<string, () => Promise<void>>();
  /** Tap channels we are waiting to see enter the application (bridging them before that answers "not in Stasis"). */
  private readonly stasisWaiters = new Map<string, () => void>();
  private readonly lastDtmf = new Map<string, string>();

  constructor(private readonly emit: (event: TelephonyEvent) => void) {}

  attach(client: Client): void {
    client.on('StasisStart', (event, channel) => {
      this.stasisWaiters.get(channel.id)?.();
      const at = new Date(event.timestamp ?? Date.now());
      const kind = event.args[0];
      if (kind === 'inbound') {
        this.emit({
          type: 'call_arrived',
          channelId: channel.id,
          callerNumber: channel.caller?.number || 'anonymous',
          dialed: channel.dialplan?.exten ?? '',
          at,
          ...(event.args[1] === 'web' ? { via: 'web' as const } : {}),
        });
      } else if (kind === 'leg') {
        this.emit({ type: 'leg_answered', channelId: channel.id, tag: event.args[1] ?? '', at });
      }
    });
    client.on('ChannelStateChange', (event, channel) => {
      const tag = this.originated.get(channel.id);
      if (tag !== undefined && channel.state === 'Ringing') {
        this.emit({ type: 'leg_ringing', channelId: channel.id, tag, at: new Date(event.timestamp ?? Date.now()) });
      }
    });
    client.on('ChannelDestroyed', (event, channel) => {
      this.originated.delete(channel.id);
      this.lastDtmf.delete(channel.id);
      // a tap's stop never rejects: it swallows the failures of hanging up and destroying what is already gone
      void this.taps.get(channel.id)?.();
      this.emit({
        type: 'channel_gone',
        channelId: channel.id,
        cause: event.cause ?? 0,
        causeText: event.cause_txt ?? '',
        at: new Date(event.timestamp ?? Date.now()),
      });
    });
    client.on('ChannelDtmfReceived', (event, channel) => {
      // Asterisk 22 sends the same ChannelDtmfReceived twice (identical timestamp) for channels originated into
      // the application, which would count each key press twice; two real presses never share a timestamp.
      const key = `${event.timestamp}|${event.digit}`;
      if (this.lastDtmf.get(channel.id) === key) return;
      this.lastDtmf.set(channel.id, key);
      this.emit({ type: 'dtmf', channelId: channel.id, digit: event.digit, at: new Date(event.timestamp ?? Date.now()) });
    });
    // A Stasis bridge does not pass a phone's hold on to its peers as music: the application decides (ACD).
    client.on('ChannelHold', (event, channel) => {
      this.emit({ type: 'hold', channelId: channel.id, held: true, at: new Date(event.timestamp ?? Date.now()) });
    });
    client.on('ChannelUnhold', (event, channel) => {
      this.emit({ type: 'hold', channelId: channel.id, held: false, at: new Date(event.timestamp ?? Date.now()) });
    });
    client.on('PlaybackFinished', (event, playback) => {
      const target = playback.target_uri ?? '';
      this.emit({
        type: 'playback_finished',
        playbackId: playback.id,
        channelId: target.startsWith('channel:') ? target.slice('channel:'.length) : '',
        at: new Date(event.timestamp ?? Date.now()),
      });
    });
    client.on('EndpointStateChange', (event, endpoint: Endpoint) => {
      if (endpoint.technology !== 'PJSIP') return;
      this.emit({ type: 'device_state', device: endpoint.resource, online: endpoint.state === 'online', at: new Date(event.timestamp ?? Date.now()) });
    });
  }

  /** Resolves once every one of `channelIds` has entered the application (callers bound the wait themselves). */
  enterStasis(channelIds: readonly string[]): Promise<void> {
    return Promise.all(channelIds.map((cid) => new Promise<void>((resolve) => this.stasisWaiters.set(cid, resolve)))).then(() => undefined);
  }

  stopWaiting(channelIds: readonly string[]): void {
    for (const cid of channelIds) this.stasisWaiters.delete(cid);
  }
}
