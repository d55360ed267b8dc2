// A party behind the carrier trunk that the hotline dials (a 110 operator, a supervisor's desk phone): a sipp
// UAS sending a steady tone of its own frequency, with its received RTP captured. And the time-window audio
// measurements the transfer and supervision tests make on such captures.
import fs from 'node:fs';
import path from 'node:path';
import { alawEncode, buildRtpPcap, sine } from './media.js';
import { analyseRtp, startRtpCapture, type ReceivedAudio, type RtpCapture, type RtpPacket } from './rtp-capture.js';
import { startUas, type SippProcess } from './sipp.js';
import { waitUntil } from './wait.js';

export interface CarrierParty {
  uas: SippProcess;
  /** What the party receives. */
  rx: RtpCapture;
  stop(): Promise<void>;
}

/** Answers every call the hotline sends to the carrier (SIP_TRUNK_CARRIER=127.0.0.1:<port>) with a tone. */
export async function startCarrierParty(o: {
  dir: string;
  name: string;
  port: number;
  mediaPort: number;
  toneHz: number;
  amplitude: number;
}): Promise<CarrierParty> {
  fs.mkdirSync(o.dir, { recursive: true });
  const pcap = path.join(o.dir, `tone-${o.toneHz}-${o.amplitude}-pcma.pcap`);
  if (!fs.existsSync(pcap))
    fs.writeFileSync(pcap, buildRtpPcap(alawEncode(sine(o.toneHz, 180, 8000, o.amplitude)), { payloadType: 8, ssrc: 0x7000 + o.toneHz }));
  const uas = startUas({ localPort: o.port, mediaPort: o.mediaPort, pcap, maxCallMs: 120_000, name: o.name });
  const rx = await startRtpCapture({ mediaPort: o.mediaPort, file: path.join(o.dir, `${o.name}-rx.pcap`) });
  return {
    uas,
    rx,
    async stop() {
      uas.kill();
      await rx.stop();
    },
  };
}

export const nowS = () => Date.now() / 1000;
export const round = (x: number) => Math.round(x * 1000) / 1000;

export function between(rtp: RtpPacket[], from: number, to = Number.POSITIVE_INFINITY): ReceivedAudio {
  return analyseRtp(rtp.filter((p) => p.time >= from && p.time < to));
}

/** The next `seconds` of audio arriving at a capture, starting `settle` seconds from now (bridge changes settle). */
export async function nextWindow(cap: RtpCapture, what: string, seconds = 2.5, settle = 0.8): Promise<ReceivedAudio> {
  const from = nowS() + settle;
  return waitUntil(
    async () => {
      const a = between((await cap.snapshot()).rtp, from);
      return a.seconds >= seconds ? a : null;
    },
    { timeoutMs: 15_000, intervalMs: 250, what },
  );
}
