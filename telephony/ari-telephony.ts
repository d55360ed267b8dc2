// CallControl over Asterisk's REST Interface (ari-client): channel, bridge and recording operations. The connection
// and its reconnects live in ari-connection.ts, the event translation in ari-events.ts, the audio taps in
// ari-audio-tap.ts, the PJSIP objects in ari-pjsip.ts. ARI types stay in telephony/.
import type { Client } from 'ari-client';
import type { Logger } from 'pino';
import { startAudioTap } from './ari-audio-tap.js';
import { AriConnection, type AriOptions } from './ari-connection.js';
import { AriEventTranslator } from './ari-events.js';
import { deletePjsipObjects, errorMessage } from './ari-pjsip.js';
import type { PjsipObject } from './pjsip-objects.js';
import {
  type AudioTap,
  ChannelGoneError,
  type CallControl,
  type ConnectionState,
  type OriginateRequest,
  type SnoopDirection,
  type TelephonyListener,
} from './call-control.js';

export type { AriOptions } from './ari-connection.js';

export class AriTelephony implements CallControl {
  private readonly connection: AriConnection;
  private readonly events: AriEventTranslator;

  constructor(
    private readonly opts: AriOptions,
    private readonly log: Logger,
  ) {
    this.events = new AriEventTranslator((event) => this.connection.emit(event));
    this.connection = new AriConnection(opts, log, (client) => this.events.attach(client));
  }

  get connectionState(): ConnectionState {
    return this.connection.connectionState;
  }

  onEvent(listener: TelephonyListener): () => void {
    return this.connection.onEvent(listener);
  }

  /** Starts connecting; resolves once connected or when `waitMs` passes (the loop keeps trying). */
  start(waitMs = 15_000): Promise<boolean> {
    return this.connection.start(waitMs);
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  /** Removes an agent's objects at once (endpoints first); an object already gone is not an error. */
  async deletePjsipObjects(objects: readonly PjsipObject[]): Promise<void> {
    await deletePjsipObjects(this.connection.api('deletePjsipObjects'), objects);
  }

  private call<T>(operation: string, resourceId: string, fn: (c: Client) => Promise<T>): Promise<T> {
    return this.connection.call(operation, resourceId, fn);
  }

  answer(channelId: string): Promise<void> {
    return this.call('answer', channelId, (c) => c.channels.answer({ channelId }));
  }

  async hangup(channelId: string, reason: 'normal' | 'busy' | 'congestion' = 'normal'): Promise<void> {
    try {
      await this.call('hangup', channelId, (c) => c.channels.hangup({ channelId, reason }));
    } catch (err) {
      if (!(err instanceof ChannelGoneError)) throw err; // hanging up a gone channel is done already
    }
  }

  async play(channelId: string, media: string, playbackId: string): Promise<void> {
    await this.call('play', channelId, (c) => c.channels.play({ channelId, media, playbackId }));
  }

  async playbackExists(playbackId: string): Promise<boolean> {
    try {
      await this.call('getPlayback', playbackId, (c) => c.playbacks.get({ playbackId }));
      return true;
    } catch (err) {
      if (err instanceof ChannelGoneError) return false; // 404: finished (or never started)
      throw err;
    }
  }

  async stopPlayback(playbackId: string): Promise<void> {
    try {
      await this.call('stopPlayback', playbackId, (c) => c.playbacks.stop({ playbackId }));
    } catch (err) {
      if (!(err instanceof ChannelGoneError)) throw err;
    }
  }

  startMusicOnHold(channelId: string): Promise<void> {
    return this.call('startMoh', channelId, (c) => c.channels.startMoh({ channelId, mohClass: 'default' }));
  }

  async stopMusicOnHold(channelId: string): Promise<void> {
    await this.call('stopMoh', channelId, (c) => c.channels.stopMoh({ channelId }));
  }

  startBridgeMusicOnHold(bridgeId: string): Promise<void> {
    return this.call('startBridgeMoh', bridgeId, (c) => c.bridges.startMoh({ bridgeId, mohClass: 'default' }));
  }

  async stopBridgeMusicOnHold(bridgeId: string): Promise<void> {
    await this.call('stopBridgeMoh', bridgeId, (c) => c.bridges.stopMoh({ bridgeId }));
  }

  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.call('setVariable', channelId, (c) => c.channels.setChannelVar({ channelId, variable, value }));
  }

  async getVariable(channelId: string, variable: string): Promise<string | null> {
    try {
      const v = await this.call('getVariable', channelId, (c) => c.channels.getChannelVar({ channelId, variable }));
      return v.value ?? null;
    } catch (err) {
      // ARI answers an unset variable with 404 as it does a gone channel: both mean nothing to read
      if (err instanceof ChannelGoneError) return null;
      throw err;
    }
  }

  async originate(req: OriginateRequest): Promise<void> {
    this.events.originated.set(req.channelId, req.tag);
    const endpoint = 'device' in req.target ? `PJSIP/${req.target.device}` : `PJSIP/${req.target.trunkNumber}@trunk`;
    try {
      await this.call('originate', endpoint, (c) =>
        c.channels.originate({
          endpoint,
          channelId: req.channelId,
          app: this.opts.app,
          appArgs: `leg,${req.tag}`,
          callerId: `"${req.callerName.replace(/["\\]/g, '')}" <${req.callerNumber.replace(/[^\d+*#]/g, '')}>`,
          timeout: req.timeoutSeconds,
        }),
      );
    } catch (err) {
      this.events.originated.delete(req.channelId);
      throw err;
    }
  }

  async createBridge(bridgeId: string, name: string): Promise<void> {
    await this.call('createBridge', bridgeId, (c) => c.bridges.create({ bridgeId, name, type: 'mixing' }));
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('addToBridge', channelIds.join(','), (c) => c.bridges.addChannel({ bridgeId, channel: channelIds }));
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    try {
      await this.call('removeFromBridge', channelIds.join(','), (c) => c.bridges.removeChannel({ bridgeId, channel: channelIds }));
    } catch (err) {
      // a channel that hung up is out of the bridge already; "not in bridge" answers 422 (unprocessable)
      if (!(err instanceof ChannelGoneError) && !/not in bridge|unprocessable/i.test(errorMessage(err))) throw err;
    }
  }

  async snoop(req: { channelId: string; snoopId: string; spy: SnoopDirection; whisper: SnoopDirection }): Promise<void> {
    const { channelId, snoopId, spy, whisper } = req;
    await this.call('snoop', channelId, (c) => c.channels.snoopChannelWithId({ channelId, snoopId, spy, whisper, app: this.opts.app, appArgs: 'snoop' }));
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.call('destroyBridge', bridgeId, (c) => c.bridges.destroy({ bridgeId }));
    } catch (err) {
      if (!(err instanceof ChannelGoneError)) throw err;
    }
  }

  async recordBridge(bridgeId: string, name: string): Promise<void> {
    await this.call('recordBridge', bridgeId, (c) =>
      c.bridges.record({ bridgeId, name, format: 'wav', beep: false, ifExists: 'overwrite', terminateOn: 'none' }),
    );
  }

  async listChannels() {
    const chans = await this.call('listChannels', '*', (c) => c.channels.list());
    return chans.map((ch) => {
      const app = (ch.dialplan as { app_name?: string } | undefined)?.app_name;
      return { id: ch.id, name: ch.name, state: ch.state, callerNumber: ch.caller?.number ?? '', inApp: !app || app === 'Stasis' };
    });
  }

  async listBridges() {
    const bridges = await this.call('listBridges', '*', (c) => c.bridges.list());
    return bridges.map((b) => ({ id: b.id, name: b.name ?? '', channelIds: ([] as string[]).concat(b.channels ?? []) }));
  }

  /** The call's audio, 16 kHz slin frames: 'in' is what the party says, 'out' what they hear. */
  startAudioTap(channelId: string, direction: 'in' | 'out', onFrame: (pcm: Buffer) => void): Promise<AudioTap> {
    const deps = { app: this.opts.app, ariUrl: this.opts.url, log: this.log, connection: this.connection, events: this.events, control: this };
    return startAudioTap(deps, channelId, direction, onFrame);
  }

  async listOnlineDevices(): Promise<string[]> {
    const eps = await this.call('listEndpoints', 'PJSIP', (c) => c.endpoints.listByTech({ tech: 'PJSIP' }));
    return eps.filter((e) => e.state === 'online').map((e) => e.resource);
  }
}
