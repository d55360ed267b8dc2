// Every 250 ms: publishes softphone and audio facts on window.hotline (read by the end-to-end tests
// in headless Chromium) and derives the network-quality level shown in the state bar.
import { Emitter } from '../softphone/emitter';
import type { MediaMonitor, MediaSample } from '../softphone/media-monitor';
import type { CallState, RegistrationState, Softphone } from '../softphone/softphone';

export interface HotlineProbe {
  softphone: { registration: RegistrationState; callState: CallState; callerNumber: string | null; held: boolean; muted: boolean };
  audio: { rxRms: number; rxPackets: number; txPackets: number; rxEnergy: number };
}

declare global {
  interface Window {
    hotline: HotlineProbe;
  }
}

export type QualityLevel = 'none' | 'good' | 'fair' | 'poor';

export interface QualitySnapshot {
  level: QualityLevel;
  /** Rounded to 0.1 %. */
  lossPercent: number | null;
  /** Rounded to 1 ms. */
  jitterMs: number | null;
  rttMs: number | null;
}

const TICK_MS = 250;

/** Thresholds follow common VoIP guidance: >1 % loss or >30 ms jitter is audible, >5 % / >60 ms is bad. */
export function qualityLevel(sample: MediaSample): QualityLevel {
  if (!sample.active || sample.lossPercent === null) return 'none';
  const jitter = sample.jitterMs ?? 0;
  if (sample.rxStalled || sample.lossPercent >= 5 || jitter >= 60) return 'poor';
  if (sample.lossPercent >= 1 || jitter >= 30) return 'fair';
  return 'good';
}

export class QualityProbe extends Emitter<{ change: QualitySnapshot }> {
  private quality: QualitySnapshot = { level: 'none', lossPercent: null, jitterMs: null, rttMs: null };
  private busy = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly phone: Softphone,
    private readonly monitor: MediaMonitor,
  ) {
    super();
    window.hotline = {
      softphone: this.softphoneFacts(),
      audio: { rxRms: 0, rxPackets: 0, txPackets: 0, rxEnergy: 0 },
    };
    // Call and registration changes are published at once too, so tests need not wait for a tick.
    phone.on('change', () => {
      window.hotline.softphone = this.softphoneFacts();
    });
  }

  readonly getSnapshot = (): QualitySnapshot => this.quality;

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), TICK_MS);
  }

  private async tick(): Promise<void> {
    // getStats() can be slow under load; never stack ticks.
    if (this.busy) return;
    this.busy = true;
    try {
      const sample = await this.monitor.sample();
      window.hotline.softphone = this.softphoneFacts();
      window.hotline.audio = {
        rxRms: sample.rxRms,
        rxPackets: sample.rxPackets,
        txPackets: sample.txPackets,
        rxEnergy: sample.rxEnergy,
      };
      this.publish({
        level: qualityLevel(sample),
        lossPercent: sample.lossPercent === null ? null : Math.round(sample.lossPercent * 10) / 10,
        jitterMs: sample.jitterMs === null ? null : Math.round(sample.jitterMs),
        rttMs: sample.rttMs === null ? null : Math.round(sample.rttMs),
      });
    } catch (err) {
      console.error('[quality-probe] tick failed', err);
    } finally {
      this.busy = false;
    }
  }

  private softphoneFacts(): HotlineProbe['softphone'] {
    const { registration, call } = this.phone.getSnapshot();
    return { registration, callState: call.state, callerNumber: call.callerNumber, held: call.held, muted: call.muted };
  }

  private publish(next: QualitySnapshot): void {
    const prev = this.quality;
    if (prev.level === next.level && prev.lossPercent === next.lossPercent && prev.jitterMs === next.jitterMs && prev.rttMs === next.rttMs) return;
    this.quality = next;
    this.emit('change', next);
  }
}
