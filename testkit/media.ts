// Test media for the end-to-end tier, generated once per folder (idempotent, cached):
// - callerPcap:   ~180 s of Mandarin caller speech as RTP/PCMA (PT 8) for sipp `play_pcap_audio`. One SSRC and
//                 continuous seq/timestamps across all repetitions: sipp replays a pcap verbatim, and a short pcap
//                 played in a loop restarts seq/timestamps, after which Asterisk silently stops relaying (recipe G3).
// - tonePcap:     ~180 s of a 1 kHz tone as RTP/PCMA, for a sipp endpoint whose audio must be recognisable
//                 (e.g. a supervisor or 110 stand-in: find 1 kHz in what the other side receives).
// - agentToneWav: 48 kHz mono 16-bit WAV, steady 1 kHz tone (60 s, loops seamlessly) for Chromium's fake
//                 microphone (--use-file-for-fake-audio-capture): finding 1 kHz at the caller proves agent→caller audio.
// - dtmfPcap:     Debian's RFC 4733 digit "1" pcap shipped with sip-tester.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { synthesizeMandarin } from '../telephony/prompts.js';

export interface TestMedia {
  /** RTP/PCMA pcap of a citizen talking (~180 s). */
  callerPcap: string;
  /** The caller's single utterance, 8 kHz mono 16-bit WAV (reference for correlation checks). */
  callerSpeechWav: string;
  /** RTP/PCMA pcap of a steady 1 kHz tone (~180 s). */
  tonePcap: string;
  /** 48 kHz mono 16-bit WAV, 1 kHz tone, for Chromium's fake microphone. */
  agentToneWav: string;
  /** RFC 4733 telephone-event pcap of digit 1 (Debian sip-tester). */
  dtmfPcap: string;
}

/** What the test caller says: 我家楼下有人装修，噪音很大，晚上十一点还在施工。 (tone-numbered pinyin for espeak-ng). */
export const CALLER_UTTERANCE = {
  zh: '我家楼下有人装修，噪音很大，晚上十一点还在施工。',
  pinyin: 'wo3 jia1 lou2 xia4 you3 ren2 zhuang1 xiu1, zao4 yin1 hen3 da4, wan3 shang4 shi2 yi1 dian3 hai2 zai4 shi1 gong1.',
} as const;

export const SIP_TESTER_DIR = '/usr/share/sip-tester';
export const TONE_HZ = 1000;
const LONG_PCAP_SECONDS = 180;
const GAP_SECONDS = 1;

/** Path of Debian sip-tester's RFC 4733 pcap for one DTMF digit (0-9, *, #). */
export function dtmfPcapFor(digit: string): string {
  const name = digit === '*' ? 'star' : digit === '#' ? 'pound' : digit;
  if (!/^(\d|star|pound)$/.test(name)) throw new Error(`no DTMF pcap for digit ${JSON.stringify(digit)}`);
  const file = path.join(SIP_TESTER_DIR, `dtmf_2833_${name}.pcap`);
  if (!existsSync(file)) throw new Error(`${file} is missing — install it with: apt-get install sip-tester`);
  return file;
}

const cache = new Map<string, Promise<TestMedia>>();

/** Generates (once) and returns the test media in `dir`. Files already present and non-empty are reused. */
export function ensureTestMedia(dir: string): Promise<TestMedia> {
  const abs = path.resolve(dir);
  let p = cache.get(abs);
  if (!p) {
    p = generate(abs);
    p.catch(() => cache.delete(abs));
    cache.set(abs, p);
  }
  return p;
}

async function generate(dir: string): Promise<TestMedia> {
  await fs.mkdir(dir, { recursive: true });
  const media: TestMedia = {
    callerPcap: path.join(dir, 'caller-speech-pcma.pcap'),
    callerSpeechWav: path.join(dir, 'caller-speech-8k.wav'),
    tonePcap: path.join(dir, 'tone-1k-pcma.pcap'),
    agentToneWav: path.join(dir, 'agent-tone-1k-48k.wav'),
    dtmfPcap: dtmfPcapFor('1'),
  };

  if (!(await nonEmpty(media.callerSpeechWav))) {
    await synthesizeMandarin(CALLER_UTTERANCE.pinyin, media.callerSpeechWav, { sampleRate: 8000, peakDb: -6 });
  }
  if (!(await nonEmpty(media.callerPcap))) {
    const { samples, sampleRate } = readWav(await fs.readFile(media.callerSpeechWav));
    if (sampleRate !== 8000) throw new Error(`${media.callerSpeechWav}: expected 8000 Hz, got ${sampleRate}`);
    const pcm = repeatWithGaps(samples, GAP_SECONDS * 8000, LONG_PCAP_SECONDS * 8000);
    await writeAtomic(media.callerPcap, buildRtpPcap(alawEncode(pcm), { payloadType: 8, ssrc: 0x12345678 }));
  }
  if (!(await nonEmpty(media.tonePcap))) {
    const tone = sine(TONE_HZ, LONG_PCAP_SECONDS, 8000, 0.3);
    await writeAtomic(media.tonePcap, buildRtpPcap(alawEncode(tone), { payloadType: 8, ssrc: 0x7e1e7e1e }));
  }
  if (!(await nonEmpty(media.agentToneWav))) {
    // 60 s × 1000 Hz is a whole number of periods, so Chromium's looping of the file is seamless.
    await writeAtomic(media.agentToneWav, wavBuffer(sine(TONE_HZ, 60, 48000, 0.3), 48000));
  }
  return media;
}

// ---------------------------------------------------------------------------------------------------------------
// PCM helpers

/** A sine wave as 16-bit PCM; amplitude is relative to full scale (0..1). */
export function sine(freqHz: number, seconds: number, sampleRate: number, amplitude: number): Int16Array {
  const n = Math.round(seconds * sampleRate);
  const out = new Int16Array(n);
  const a = amplitude * 32767;
  for (let i = 0; i < n; i++) out[i] = Math.round(a * Math.sin((2 * Math.PI * freqHz * i) / sampleRate));
  return out;
}

/** Repeats `utterance` followed by `gapSamples` of silence until at least `minSamples` samples. */
function repeatWithGaps(utterance: Int16Array, gapSamples: number, minSamples: number): Int16Array {
  const period = utterance.length + gapSamples;
  const reps = Math.max(1, Math.ceil(minSamples / period));
  const out = new Int16Array(reps * period);
  for (let r = 0; r < reps; r++) out.set(utterance, r * period);
  return out;
}

/** A canonical 44-byte-header PCM WAV (mono, 16-bit). */
export function wavBuffer(samples: Int16Array, sampleRate: number): Buffer {
  const data = samples.length * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVE', 8, 'ascii');
  b.write('fmt ', 12, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(sampleRate, 24);
  b.writeUInt32LE(sampleRate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, 44 + i * 2);
  return b;
}

/** Reads a mono 16-bit PCM WAV (any chunk layout). */
export function readWav(buf: Buffer): { samples: Int16Array; sampleRate: number } {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let off = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(off + 10);
      sampleRate = buf.readUInt32LE(off + 12);
      bits = buf.readUInt16LE(off + 22);
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`expected mono 16-bit WAV, got ${channels} ch ${bits} bit`);
      const n = Math.floor(Math.min(size, buf.length - off - 8) / 2);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(off + 8 + i * 2);
      return { samples, sampleRate };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

// ---------------------------------------------------------------------------------------------------------------
// G.711 encoders (ITU-T G.711, as in the classic Sun reference implementation)

const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
const ULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];

function segment(v: number, ends: number[]): number {
  for (let i = 0; i < ends.length; i++) if (v <= ends[i]!) return i;
  return ends.length;
}

/** One 16-bit linear sample → A-law byte. */
export function linearToAlaw(sample: number): number {
  let v = sample >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, ALAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << 4;
  a |= seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return a ^ mask;
}

/** One 16-bit linear sample → µ-law byte. */
export function linearToUlaw(sample: number): number {
  let v = sample >> 2;
  let mask: number;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  } else {
    mask = 0xff;
  }
  if (v > 8159) v = 8159;
  v += 0x84 >> 2;
  const seg = segment(v, ULAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return (((seg << 4) | ((v >> (seg + 1)) & 0x0f)) ^ mask) & 0xff;
}

export function alawEncode(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToAlaw(pcm[i]!);
  return out;
}

export function ulawEncode(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = linearToUlaw(pcm[i]!);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// RTP pcap writer (port of the spike's mkpcap.py)

export interface RtpPcapOptions {
  /** RTP payload type: 8 = PCMA, 0 = PCMU. */
  payloadType: number;
  ssrc?: number;
  firstSeq?: number;
  firstTimestamp?: number;
  /** Samples (= payload bytes for G.711) per packet. Default 160 = 20 ms at 8 kHz. */
  samplesPerPacket?: number;
  srcIp?: string;
  dstIp?: string;
  srcPort?: number;
  dstPort?: number;
  /** Capture time of the first packet, seconds since the epoch. */
  startTime?: number;
}

/**
 * Wraps raw 8 kHz G.711 bytes into a classic pcap (DLT_EN10MB) of Ethernet/IPv4/UDP/RTP frames, one packet per
 * 20 ms, with one SSRC and continuous sequence numbers and timestamps. sipp only uses the RTP part and the timing;
 * addresses and ports are rewritten by sipp to the call's media addresses.
 */
export function buildRtpPcap(g711: Buffer, opts: RtpPcapOptions): Buffer {
  const spp = opts.samplesPerPacket ?? 160;
  const count = Math.floor(g711.length / spp);
  const packets: RtpPacketSpec[] = [];
  for (let i = 0; i < count; i++) {
    packets.push({
      timeUs: Math.round((i * spp * 1e6) / 8000),
      payloadType: opts.payloadType,
      marker: i === 0, // start of talkspurt
      seq: (opts.firstSeq ?? 1000) + i,
      ts: (opts.firstTimestamp ?? 0) + i * spp,
      payload: g711.subarray(i * spp, (i + 1) * spp),
    });
  }
  return pcapOfRtp(packets, opts);
}

/** RFC 4733 event codes of the keypad. */
const DTMF_EVENTS: Record<string, number> = { '*': 10, '#': 11, ...Object.fromEntries([...'0123456789'].map((d) => [d, Number(d)])) };

/**
 * Several keypad digits as RFC 4733 telephone-events (payload type 101 by default) in ONE pcap with one SSRC,
 * continuous sequence numbers and a new RTP timestamp per digit. (Separate per-digit pcaps replayed one after
 * the other repeat the same timestamp, and Asterisk then takes the next digit for a repeat of the first.)
 */
export function buildDtmfPcap(
  digits: string,
  opts: { toneMs?: number; gapMs?: number; payloadType?: number; firstSeq?: number; firstTimestamp?: number } = {},
): Buffer {
  const toneMs = opts.toneMs ?? 160;
  const gapMs = opts.gapMs ?? 300;
  const packets: RtpPacketSpec[] = [];
  let seq = opts.firstSeq ?? 2000;
  let ts = opts.firstTimestamp ?? 0;
  let timeUs = 0;
  for (const d of digits) {
    const event = DTMF_EVENTS[d];
    if (event === undefined) throw new Error(`no RFC 4733 event for ${JSON.stringify(d)}`);
    const steps = Math.max(1, Math.round(toneMs / 20));
    const payload = (end: boolean, duration: number) => Buffer.from([event, (end ? 0x80 : 0) | 10, (duration >> 8) & 0xff, duration & 0xff]);
    for (let i = 1; i <= steps; i++) {
      packets.push({ timeUs, payloadType: opts.payloadType ?? 101, marker: i === 1, seq: seq++, ts, payload: payload(false, i * 160) });
      timeUs += 20_000;
    }
    // the end of an event is sent three times (RFC 4733 §2.5.1.4), same timestamp and duration
    for (let i = 0; i < 3; i++) {
      packets.push({ timeUs, payloadType: opts.payloadType ?? 101, marker: false, seq: seq++, ts, payload: payload(true, steps * 160) });
      timeUs += 5_000;
    }
    timeUs += gapMs * 1000;
    ts += steps * 160 + gapMs * 8;
  }
  return pcapOfRtp(packets, {});
}

interface RtpPacketSpec {
  /** Capture time relative to the first packet (µs): sipp replays with this timing. */
  timeUs: number;
  payloadType: number;
  marker: boolean;
  seq: number;
  ts: number;
  payload: Buffer;
}

/** Classic pcap (DLT_EN10MB) of Ethernet/IPv4/UDP/RTP frames; sipp rewrites addresses and ports when replaying. */
function pcapOfRtp(packets: RtpPacketSpec[], opts: Omit<RtpPcapOptions, 'payloadType'>): Buffer {
  const ssrc = (opts.ssrc ?? 0x12345678) >>> 0;
  const src = ipv4Bytes(opts.srcIp ?? '10.0.0.1');
  const dst = ipv4Bytes(opts.dstIp ?? '10.0.0.2');
  const srcPort = opts.srcPort ?? 4000;
  const dstPort = opts.dstPort ?? 6000;
  const t0 = opts.startTime ?? 1_700_000_000;
  const frames: Buffer[] = [];
  // global header: magic, v2.4, thiszone 0, sigfigs 0, snaplen 65535, DLT_EN10MB
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  frames.push(head);
  packets.forEach((p, i) => {
    const frameLen = 14 + 20 + 8 + 12 + p.payload.length;
    const f = Buffer.alloc(16 + frameLen);
    f.writeUInt32LE(t0 + Math.floor(p.timeUs / 1e6), 0);
    f.writeUInt32LE(p.timeUs % 1e6, 4);
    f.writeUInt32LE(frameLen, 8);
    f.writeUInt32LE(frameLen, 12);
    let off = 16;
    Buffer.from([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00]).copy(f, off);
    off += 14;
    const ip = off;
    f[ip] = 0x45;
    f.writeUInt16BE(20 + 8 + 12 + p.payload.length, ip + 2);
    f.writeUInt16BE(i & 0xffff, ip + 4); // identification
    f[ip + 8] = 64; // TTL
    f[ip + 9] = 17; // UDP
    src.copy(f, ip + 12);
    dst.copy(f, ip + 16);
    f.writeUInt16BE(ipChecksum(f.subarray(ip, ip + 20)), ip + 10);
    off += 20;
    // UDP (checksum 0 = none, valid for IPv4)
    f.writeUInt16BE(srcPort, off);
    f.writeUInt16BE(dstPort, off + 2);
    f.writeUInt16BE(8 + 12 + p.payload.length, off + 4);
    off += 8;
    f[off] = 0x80; // RTP v2
    f[off + 1] = (p.payloadType & 0x7f) | (p.marker ? 0x80 : 0);
    f.writeUInt16BE(p.seq & 0xffff, off + 2);
    f.writeUInt32BE(p.ts >>> 0, off + 4);
    f.writeUInt32BE(ssrc, off + 8);
    p.payload.copy(f, off + 12);
    frames.push(f);
  });
  return Buffer.concat(frames);
}

/** RFC 791 header checksum: one's complement of the one's complement sum of 16-bit words. */
export function ipChecksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < header.length; i += 2) sum += header.readUInt16BE(i);
  if (header.length & 1) sum += header[header.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return Buffer.from(parts);
}

// ---------------------------------------------------------------------------------------------------------------
// files

async function nonEmpty(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    return st.isFile() && st.size > 44;
  } catch {
    return false;
  }
}

/** Writes via a temporary file and rename, so a concurrent reader never sees a half-written file. */
async function writeAtomic(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
