// CallControl over Asterisk's REST Interface (ari-client). Keeps one ARI connection alive with backoff,
// subscribes to device (PJSIP endpoint) events, and turns ARI events into typed TelephonyEvents.
// ARI types stay in this file.
import { randomUUID } from 'node:crypto';
import ari, { type Channel, type Client, type Endpoint } from 'ari-client';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { pushOrder, type PjsipObject } from './pjsip-objects.js';
import {
  type AudioTap,
  ChannelGoneError,
  TelephonyUnavailableError,
  type CallControl,
  type ConnectionState,
  type OriginateRequest,
  type SnoopDirection,
  type TelephonyEvent,
  type TelephonyListener,
} from './call-control.js';

export interface AriOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  /**
   * PJSIP objects pushed over ARI's dynamic configuration at every (re)connect, before the application reports
   * itself connected (Asterisk keeps them in memory: a restarted Asterisk gets them again).
   */
  pjsipObjects?: () => Promise<readonly PjsipObject[]>;
}

/** Requests in flight while pushing PJSIP objects: Asterisk's HTTP server handles a few at once. */
const PUSH_CONCURRENCY = 8;

const MAX_BACKOFF_MS = 5_000;

export class AriTelephony implements CallControl {
  private client: Client | null = null;
  private state: ConnectionState = 'down';
  private readonly listeners = new Set<TelephonyListener>();
  private stopped = false;
  private loop: Promise<void> | null = null;
  /** Originated legs: channel id → tag, so ringing/answer events can be matched to the offer. */
  private readonly originated = new Map<string, string>();
  /** Audio taps by their snoop channel: the snoop dies with the tapped channel, and the tap goes with it. */
  private readonly taps = new Map<string, () => Promise<void>>();
  /** Tap channels we are waiting to see enter the application (bridging them before that answers "not in Stasis"). */
  private readonly stasisWaiters = new Map<string, () => void>();
  private readonly lastDtmf = new Map<string, string>();

  constructor(private readonly opts: AriOptions, private readonly log: Logger) {}

  get connectionState(): ConnectionState {
    return this.state;
  }

  onEvent(listener: TelephonyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts connecting; resolves once connected or when `waitMs` passes (the loop keeps trying). */
  async start(waitMs = 15_000): Promise<boolean> {
    this.stopped = false;
    this.loop ??= this.connectLoop().finally(() => (this.loop = null));
    const deadline = Date.now() + waitMs;
    while (this.state !== 'connected' && Date.now() < deadline) await delay(100);
    return this.state === 'connected';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = null;
    if (c) {
      detach(c);
      try {
        c.stop();
      } catch {
        /* already closed */
      }
    }
    this.setState('down');
  }

  private emit(event: TelephonyEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        // one faulty listener must not stop the others from hearing about a call
        this.log.error({ err, event: event.type }, 'telephony listener failed');
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.log.info({ ari: state }, 'ARI connection state');
    this.emit({ type: 'connection', state, at: new Date() });
  }

  private async connectLoop(): Promise<void> {
    let backoff = 250;
    while (!this.stopped) {
      this.setState('connecting');
      try {
        const client = await ari.connect(this.opts.url, this.opts.username, this.opts.password);
        if (this.stopped) return;
        this.attach(client);
        await client.start(this.opts.app);
        this.client = client;
        await this.onConnected(client);
        return; // ari-client reconnects a dropped WebSocket itself; after its retries run out we come back here
      } catch (err) {
        this.log.warn({ err: String(err), retryMs: backoff }, 'ARI connect failed');
        this.setState('down');
        await delay(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private attach(client: Client): void {
    client.on('WebSocketConnected', () => {
      if (this.client === client) void this.onConnected(client);
    });
    client.on('WebSocketReconnecting', () => {
      if (this.client === client) this.setState('connecting');
    });
    client.on('WebSocketMaxRetries', () => {
      if (this.client !== client) return;
      this.client = null;
      detach(client);
      this.setState('down');
      if (!this.stopped) this.loop ??= this.connectLoop().finally(() => (this.loop = null));
    });
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

  /** After every (re)connect: subscribe to device events, then let listeners reconcile their view. */
  private async onConnected(client: Client): Promise<void> {
    if (this.opts.pjsipObjects) {
      try {
        const objects = pushOrder(await this.opts.pjsipObjects());
        const t0 = Date.now();
        await this.pushPjsipObjects(client, objects);
        this.log.info({ objects: objects.length, ms: Date.now() - t0 }, 'PJSIP objects pushed over ARI');
      } catch (err) {
        // phones of agents whose objects are missing cannot register; calls in progress are not affected
        this.log.error({ err: String(err) }, 'pushing PJSIP objects over ARI failed');
      }
    }
    try {
      await client.applications.subscribe({ applicationName: this.opts.app, eventSource: 'endpoint:PJSIP' });
    } catch (err) {
      this.log.warn({ err: String(err) }, 'could not subscribe to PJSIP endpoint events');
    }
    this.setState('connected');
  }

  /** Creates or updates each object (auth and aors before the endpoints that name them). */
  private async pushPjsipObjects(client: Client, objects: readonly PjsipObject[]): Promise<void> {
    for (const type of ['auth', 'aor', 'endpoint'] as const) {
      const batch = objects.filter((o) => o.type === type);
      for (let i = 0; i < batch.length; i += PUSH_CONCURRENCY) {
        await Promise.all(
          batch.slice(i, i + PUSH_CONCURRENCY).map((o) =>
            client.asterisk.updateObject({ configClass: 'res_pjsip', objectType: o.type, id: o.id, fields: o.fields }).catch((err: unknown) => {
              throw new Error(`${o.type} ${o.id}: ${String((err as Error)?.message ?? err)}`);
            }),
          ),
        );
      }
    }
  }

  /** Removes an agent's objects at once (endpoints first); an object already gone is not an error. */
  async deletePjsipObjects(objects: readonly PjsipObject[]): Promise<void> {
    const c = this.api('deletePjsipObjects');
    for (const o of [...pushOrder(objects)].reverse()) {
      await c.asterisk.deleteObject({ configClass: 'res_pjsip', objectType: o.type, id: o.id }).catch((err: unknown) => {
        if (!/not found|404/i.test(String((err as Error)?.message ?? err))) throw err;
      });
    }
  }

  private api(operation: string): Client {
    if (!this.client || this.state !== 'connected') throw new TelephonyUnavailableError(operation);
    return this.client;
  }

  private async call<T>(operation: string, resourceId: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const c = this.api(operation);
    try {
      return await fn(c);
    } catch (err) {
      const msg = String((err as Error)?.message ?? err);
      if (/not found|not in stasis|does not exist/i.test(msg)) throw new ChannelGoneError(resourceId, operation);
      if (/ECONNREFUSED|ECONNRESET|socket hang up/i.test(msg)) throw new TelephonyUnavailableError(operation, err);
      throw err;
    }
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

  async originate(req: OriginateRequest): Promise<void> {
    this.originated.set(req.channelId, req.tag);
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
        }) as Promise<Channel>,
      );
    } catch (err) {
      this.originated.delete(req.channelId);
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
      if (!(err instanceof ChannelGoneError) && !/not in bridge|unprocessable/i.test(String((err as Error)?.message ?? err))) throw err;
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
    return chans.map((ch) => ({ id: ch.id, name: ch.name, state: ch.state, callerNumber: ch.caller?.number ?? '' }));
  }

  async listBridges() {
    const bridges = await this.call('listBridges', '*', (c) => c.bridges.list());
    return bridges.map((b) => ({ id: b.id, name: b.name ?? '', channelIds: ([] as string[]).concat(b.channels ?? []) }));
  }

  /**
   * snoop(spy=direction) + chan_websocket externalMedia in a private mixing bridge; we connect to Asterisk's
   * /media/<connection id> and receive LE slin16 frames. Channel ids are picked here because StasisStart of the
   * media channel can arrive before the POST returns. The media URL has no authentication of its own (recipe
   * G12): it is only reachable on Asterisk's loopback HTTP server.
   */
  async startAudioTap(channelId: string, direction: 'in' | 'out', onFrame: (pcm: Buffer) => void): Promise<AudioTap> {
    const id = randomUUID();
    const snoopId = `tap-${id}-snoop`;
    const mediaId = `tap-${id}-media`;
    const bridgeId = `tap-${id}`;
    const app = this.opts.app;
    let ws: WebSocket | null = null;
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      this.taps.delete(snoopId);
      ws?.close();
      await Promise.all([this.hangup(snoopId), this.hangup(mediaId)]).catch(() => {});
      await this.destroyBridge(bridgeId).catch(() => {});
    };
    this.taps.set(snoopId, stop);
    // under load the media channel (or the snoop) may enter the application after its websocket opened
    const inStasis = Promise.all([snoopId, mediaId].map((cid) => new Promise<void>((resolve) => this.stasisWaiters.set(cid, resolve))));
    try {
      await this.call('snoop', channelId, (c) => c.channels.snoopChannelWithId({ channelId, snoopId, spy: direction, whisper: 'none', app, appArgs: 'tap' }));
      const media = await this.call('externalMedia', channelId, (c) =>
        c.channels.externalMedia({
          channelId: mediaId,
          app,
          transport: 'websocket',
          encapsulation: 'none',
          connection_type: 'server',
          format: 'slin16',
        } as Parameters<Client['channels']['externalMedia']>[0]),
      );
      const vars = (media as unknown as { channelvars?: Record<string, string> }).channelvars ?? {};
      const connectionId =
        vars.MEDIA_WEBSOCKET_CONNECTION_ID ??
        (await this.call('getChannelVar', mediaId, (c) => c.channels.getChannelVar({ channelId: mediaId, variable: 'MEDIA_WEBSOCKET_CONNECTION_ID' }))).value;
      const base = new URL(this.opts.url);
      ws = new WebSocket(`ws://${base.host}/media/${connectionId}`, 'media');
      ws.on('message', (data, isBinary) => {
        if (isBinary) onFrame(data as Buffer);
      });
      ws.on('close', () => void stop());
      ws.on('error', (err) => this.log.warn({ err: String(err), channelId }, 'audio tap socket error'));
      await new Promise<void>((resolve, reject) => {
        ws!.once('open', () => resolve());
        ws!.once('error', reject);
      });
      await this.createBridge(bridgeId, bridgeId);
      await Promise.race([inStasis, delay(TAP_STASIS_WAIT_MS)]);
      await this.addToBridge(bridgeId, [snoopId, mediaId]);
    } catch (err) {
      await stop();
      throw err;
    } finally {
      this.stasisWaiters.delete(snoopId);
      this.stasisWaiters.delete(mediaId);
    }
    return { id, stop };
  }

  async listOnlineDevices(): Promise<string[]> {
    const eps = await this.call('listEndpoints', 'PJSIP', (c) => c.endpoints.listByTech({ tech: 'PJSIP' }));
    return eps.filter((e) => e.state === 'online').map((e) => e.resource);
  }
}

/** ari-client's typings require an event name; we drop every listener of a client we abandon. */
const detach = (c: Client) => (c as unknown as NodeJS.EventEmitter).removeAllListeners();

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Upper bound on waiting for a tap's channels to enter the application; then bridging reports what is wrong. */
const TAP_STASIS_WAIT_MS = 3000;
