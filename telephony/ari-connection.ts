// One ARI connection kept alive with backoff. After every (re)connect it pushes the PJSIP objects, subscribes to
// device (PJSIP endpoint) events and only then reports itself connected; ARI failures are mapped to the
// CallControl errors (channel gone, Asterisk unreachable) here, in one place.
import { setTimeout as delay } from 'node:timers/promises';
import ari, { type Client } from 'ari-client';
import type { Logger } from 'pino';
import { errorMessage, pushPjsipObjects } from './ari-pjsip.js';
import { ChannelGoneError, TelephonyUnavailableError, type ConnectionState, type TelephonyEvent, type TelephonyListener } from './call-control.js';
import { pushOrder, type PjsipObject } from './pjsip-objects.js';

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

const MAX_BACKOFF_MS = 5_000;

export class AriConnection {
  private client: Client | null = null;
  private state: ConnectionState = 'down';
  private readonly listeners = new Set<TelephonyListener>();
  private stopped = false;
  private loop: Promise<void> | null = null;

  /** `subscribe` registers the ARI event handlers on each new client (before its application starts). */
  constructor(
    private readonly opts: AriOptions,
    private readonly log: Logger,
    private readonly subscribe: (client: Client) => void,
  ) {}

  get connectionState(): ConnectionState {
    return this.state;
  }

  onEvent(listener: TelephonyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts connecting; resolves once connected or when `waitMs` passes (the loop keeps trying). */
  async start(waitMs: number): Promise<boolean> {
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

  emit(event: TelephonyEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        // one faulty listener must not stop the others from hearing about a call
        this.log.error({ err, event: event.type }, 'telephony listener failed');
      }
    }
  }

  /** The connected client, or TelephonyUnavailableError naming what could not be done. */
  api(operation: string): Client {
    if (!this.client || this.state !== 'connected') throw new TelephonyUnavailableError(operation);
    return this.client;
  }

  /** Runs one ARI request, mapping "no such channel" and a lost connection to CallControl's errors. */
  async call<T>(operation: string, resourceId: string, fn: (c: Client) => Promise<T>): Promise<T> {
    const c = this.api(operation);
    try {
      return await fn(c);
    } catch (err) {
      const msg = errorMessage(err);
      if (/not found|not in stasis|does not exist/i.test(msg)) throw new ChannelGoneError(resourceId, operation);
      if (/ECONNREFUSED|ECONNRESET|socket hang up/i.test(msg)) throw new TelephonyUnavailableError(operation, err);
      throw err;
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
      // onConnected reports its own failures (it logs and still marks the connection up)
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
    this.subscribe(client);
  }

  /** After every (re)connect: subscribe to device events, then let listeners reconcile their view. */
  private async onConnected(client: Client): Promise<void> {
    if (this.opts.pjsipObjects) {
      try {
        const objects = pushOrder(await this.opts.pjsipObjects());
        const t0 = Date.now();
        await pushPjsipObjects(client, objects);
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
}

/** ari-client's typings require an event name; we drop every listener of a client we abandon. */
const detach = (c: Client) => (c as unknown as NodeJS.EventEmitter).removeAllListeners();
