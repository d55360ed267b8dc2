// Measures what the agent actually receives and sends on the live call: the remote audio level
// (WebAudio analyser on the remote stream) and RTP counters / loss / jitter from getStats().
// Counters keep the last call's values until the next call's media appears.
import type { MediaHandles } from './softphone';

/** A phone that says when a call's media appears and goes (the agent's softphone, the citizen page's phone). */
export interface MediaSource {
  on(event: 'media', listener: (media: MediaHandles | null) => void): unknown;
}

export interface MediaSample {
  /** A call's media is attached right now. */
  active: boolean;
  /** Time-domain RMS of the remote audio, 0..1, max over the last second. */
  rxRms: number;
  rxPackets: number;
  txPackets: number;
  /** inbound-rtp totalAudioEnergy: grows only while decoded audio is non-silent. */
  rxEnergy: number;
  /** Share of packets lost over the last few seconds, in percent; null without a call. */
  lossPercent: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  /** No RTP arrived during the whole loss window although the call is up (a dead line). */
  rxStalled: boolean;
}

interface InboundAudioStats {
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  totalAudioEnergy?: number;
}

const LEVEL_SAMPLE_MS = 50;
const LEVEL_WINDOW = 1000 / LEVEL_SAMPLE_MS;
/** Loss/stall window in getStats samples (sample() is called every 250 ms → 4 s). */
const LOSS_WINDOW = 16;

export class MediaMonitor {
  private context: AudioContext | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private analyser: AnalyserNode | null = null;
  private buffer = new Float32Array(2048);
  private levels: number[] = [];
  private peerConnection: RTCPeerConnection | null = null;
  private counters = { rxPackets: 0, txPackets: 0, rxEnergy: 0 };
  private lossHistory: Array<{ lost: number; received: number }> = [];
  private pendingStream: MediaStream | null = null;

  constructor(phone: MediaSource) {
    phone.on('media', (media) => (media ? this.attach(media) : this.detach()));
    setInterval(() => this.sampleLevel(), LEVEL_SAMPLE_MS);
  }

  /** Browsers start AudioContexts suspended without a user gesture; call this from one. */
  resume(): void {
    if (this.context?.state === 'suspended') this.context.resume().catch(() => {});
  }

  async sample(): Promise<MediaSample> {
    const rxRms = this.levels.length ? Math.max(...this.levels) : 0;
    const pc = this.peerConnection;
    if (!pc) return { active: false, rxRms, ...this.counters, lossPercent: null, jitterMs: null, rttMs: null, rxStalled: false };

    let inbound: InboundAudioStats | null = null;
    let txPackets = this.counters.txPackets;
    let rttMs: number | null = null;
    try {
      const report = await pc.getStats();
      report.forEach((stat: { type: string; kind?: string } & Record<string, unknown>) => {
        if (stat.kind !== 'audio') return;
        if (stat.type === 'inbound-rtp') inbound = stat as InboundAudioStats;
        else if (stat.type === 'outbound-rtp' && typeof stat.packetsSent === 'number') txPackets = stat.packetsSent;
        else if (stat.type === 'remote-inbound-rtp' && typeof stat.roundTripTime === 'number') rttMs = stat.roundTripTime * 1000;
      });
    } catch {
      // The connection closed between the check and getStats(); report the last values.
    }
    if (pc !== this.peerConnection) return this.sample();

    const rx = inbound as InboundAudioStats | null;
    this.counters = {
      rxPackets: rx?.packetsReceived ?? this.counters.rxPackets,
      txPackets,
      rxEnergy: rx?.totalAudioEnergy ?? this.counters.rxEnergy,
    };
    this.lossHistory.push({ lost: Math.max(0, rx?.packetsLost ?? 0), received: this.counters.rxPackets });
    if (this.lossHistory.length > LOSS_WINDOW) this.lossHistory.shift();
    const first = this.lossHistory[0];
    const last = this.lossHistory[this.lossHistory.length - 1];
    const lost = first && last ? last.lost - first.lost : 0;
    const received = first && last ? last.received - first.received : 0;
    return {
      active: true,
      rxRms,
      ...this.counters,
      lossPercent: lost + received > 0 ? (100 * lost) / (lost + received) : 0,
      jitterMs: rx?.jitter !== undefined ? rx.jitter * 1000 : null,
      rttMs,
      rxStalled: this.lossHistory.length === LOSS_WINDOW && received === 0,
    };
  }

  private attach({ peerConnection, remoteStream }: MediaHandles): void {
    this.detach();
    this.peerConnection = peerConnection;
    this.counters = { rxPackets: 0, txPackets: 0, rxEnergy: 0 };
    this.lossHistory = [];
    this.connectAnalyser(remoteStream);
  }

  private connectAnalyser(stream: MediaStream): void {
    if (stream.getAudioTracks().length === 0) {
      // createMediaStreamSource throws on a stream without audio; wait for the remote track.
      this.pendingStream = stream;
      stream.addEventListener('addtrack', this.onAddTrack);
      return;
    }
    try {
      this.context ??= new AudioContext();
      this.resume();
      this.analyser = this.context.createAnalyser();
      this.analyser.fftSize = this.buffer.length;
      this.source = this.context.createMediaStreamSource(stream);
      // Not connected to the destination: the <audio> element plays the call, the analyser only listens.
      this.source.connect(this.analyser);
    } catch (err) {
      console.error('[media-monitor] cannot analyse remote audio', err);
    }
  }

  private readonly onAddTrack = (): void => {
    const stream = this.pendingStream;
    if (!stream || stream.getAudioTracks().length === 0) return;
    stream.removeEventListener('addtrack', this.onAddTrack);
    this.pendingStream = null;
    this.connectAnalyser(stream);
  };

  private detach(): void {
    this.pendingStream?.removeEventListener('addtrack', this.onAddTrack);
    this.pendingStream = null;
    this.source?.disconnect();
    this.source = null;
    this.analyser = null;
    this.peerConnection = null;
  }

  private sampleLevel(): void {
    let rms = 0;
    if (this.analyser) {
      this.analyser.getFloatTimeDomainData(this.buffer);
      let sum = 0;
      for (const value of this.buffer) sum += value * value;
      rms = Math.sqrt(sum / this.buffer.length);
    }
    this.levels.push(rms);
    if (this.levels.length > LEVEL_WINDOW) this.levels.shift();
  }
}
