// A call's audio, live: snoop(spy=direction) + chan_websocket externalMedia in a private mixing bridge; we connect
// to Asterisk's /media/<connection id> and receive LE slin16 frames. Channel ids are picked here because StasisStart
// of the media channel can arrive before the POST returns. The media URL has no authentication of its own (recipe
// G12): it is only reachable on Asterisk's loopback HTTP server.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from 'ari-client';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { AriConnection } from './ari-connection.js';
import type { AriEventTranslator } from './ari-events.js';
import type { AudioTap, CallControl } from './call-control.js';

/** Upper bound on waiting for a tap's channels to enter the application; then bridging reports what is wrong. */
const TAP_STASIS_WAIT_MS = 8000;

export interface AudioTapDeps {
  app: string;
  /** ARI's base URL: the media socket is on the same HTTP server. */
  ariUrl: string;
  log: Logger;
  connection: Pick<AriConnection, 'call'>;
  events: Pick<AriEventTranslator, 'taps' | 'enterStasis' | 'stopWaiting'>;
  control: Pick<CallControl, 'hangup' | 'createBridge' | 'addToBridge' | 'destroyBridge'>;
}

export async function startAudioTap(deps: AudioTapDeps, channelId: string, direction: 'in' | 'out', onFrame: (pcm: Buffer) => void): Promise<AudioTap> {
  const { app, connection, events, control } = deps;
  const id = randomUUID();
  const snoopId = `tap-${id}-snoop`;
  const mediaId = `tap-${id}-media`;
  const bridgeId = `tap-${id}`;
  let ws: WebSocket | null = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    events.taps.delete(snoopId);
    ws?.close();
    await Promise.all([control.hangup(snoopId), control.hangup(mediaId)]).catch(() => {});
    await control.destroyBridge(bridgeId).catch(() => {});
  };
  events.taps.set(snoopId, stop);
  // under load the media channel (or the snoop) may enter the application after its websocket opened
  const inStasis = events.enterStasis([snoopId, mediaId]);
  try {
    await connection.call('snoop', channelId, (c) =>
      c.channels.snoopChannelWithId({ channelId, snoopId, spy: direction, whisper: 'none', app, appArgs: 'tap' }),
    );
    const media = await connection.call('externalMedia', channelId, (c) =>
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
      (await connection.call('getChannelVar', mediaId, (c) => c.channels.getChannelVar({ channelId: mediaId, variable: 'MEDIA_WEBSOCKET_CONNECTION_ID' })))
        .value;
    const base = new URL(deps.ariUrl);
    const socket = new WebSocket(`ws://${base.host}/media/${connectionId}`, 'media');
    ws = socket;
    socket.on('message', (data, isBinary) => {
      if (isBinary) onFrame(data as Buffer);
    });
    socket.on('close', () => void stop());
    socket.on('error', (err) => deps.log.warn({ err: String(err), channelId }, 'audio tap socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await control.createBridge(bridgeId, bridgeId);
    await Promise.race([inStasis, delay(TAP_STASIS_WAIT_MS)]);
    await control.addToBridge(bridgeId, [snoopId, mediaId]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    events.stopWaiting([snoopId, mediaId]);
  }
  return { id, stop };
}
