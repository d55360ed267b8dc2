// Proves that audio reached a SIP test endpoint: capture the RTP it RECEIVES with tcpdump on the loopback
// interface, decode G.711 in TypeScript and measure level and the share of a test tone (e.g. the agent's 1 kHz).
//
//   const cap = await startRtpCapture({ mediaPort: 6000, file: path.join(artifacts, 'caller-rx.pcap') });
//   ... call runs ...
//   await waitUntil(async () => (await cap.snapshot()).toneRatio(1000) > 0.5, { timeoutMs: 10_000, what: '1 kHz at caller' });
//   const heard = await cap.stop();
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------------------------
// pcap parsing

/** Link types we can strip to reach the IP header (`tcpdump -i lo` on Linux writes EN10MB). */
export const LINKTYPE = { NULL: 0, EN10MB: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

export interface PcapRecord {
  /** Capture time, seconds since the epoch (fractional). */
  time: number;
  data: Buffer;
}

export interface PcapFile {
  linkType: number;
  records: PcapRecord[];
}

/**
 * Parses a classic pcap file (µs or ns timestamps, either byte order). A truncated last record — a capture
 * still being written — is ignored. pcapng is rejected with a clear error.
 */
export function parsePcap(buf: Buffer): PcapFile {
  if (buf.length < 24) throw new Error(`pcap too short (${buf.length} bytes)`);
  const magicLE = buf.readUInt32LE(0);
  let le: boolean;
  let nanos: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nanos = magicLE === 0xa1b23c4d;
  } else if (buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d) {
    le = false;
    nanos = buf.readUInt32BE(0) === 0xa1b23c4d;
  } else if (magicLE === 0x0a0d0d0a) {
    throw new Error('pcapng is not supported: capture with tcpdump -w (classic pcap)');
  } else {
    throw new Error(`not a pcap file (magic 0x${magicLE.toString(16)})`);
  }
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    if (off + 16 + incl > buf.length) break;
    records.push({ time: sec + frac / (nanos ? 1e9 : 1e6), data: buf.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return { linkType, records };
}

export interface UdpDatagram {
  time: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

/** Offset of the IP header in a frame and its version, or null when the frame carries no IP. */
function ipStart(linkType: number, f: Buffer): number | null {
  switch (linkType) {
    case LINKTYPE.EN10MB: {
      let off = 12;
      let type = f.length >= 14 ? f.readUInt16BE(off) : 0;
      while ((type === 0x8100 || type === 0x88a8) && f.length >= off + 6) {
        off += 4; // VLAN tag
        type = f.readUInt16BE(off);
      }
      return type === 0x0800 || type === 0x86dd ? off + 2 : null;
    }
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      return f.length >= 4 ? 4 : null; // address family word; the IP version nibble tells v4/v6
    case LINKTYPE.LINUX_SLL: {
      if (f.length < 16) return null;
      const proto = f.readUInt16BE(14);
      return proto === 0x0800 || proto === 0x86dd ? 16 : null;
    }
    case LINKTYPE.LINUX_SLL2: {
      if (f.length < 20) return null;
      const proto = f.readUInt16BE(0);
      return proto === 0x0800 || proto === 0x86dd ? 20 : null;
    }
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
    case 12: // DLT_RAW on some BSDs
    case 14:
      return 0;
    default:
      throw new Error(`unsupported pcap link type ${linkType}`);
  }
}

/** UDP datagrams (IPv4 and IPv6, unfragmented) in a parsed pcap. */
export function udpDatagrams(pcap: PcapFile): UdpDatagram[] {
  const out: UdpDatagram[] = [];
  for (const r of pcap.records) {
    const f = r.data;
    const ip = ipStart(pcap.linkType, f);
    if (ip === null || ip >= f.length) continue;
    const version = f[ip]! >> 4;
    let udp: number;
    let srcIp: string;
    let dstIp: string;
    let ipEnd: number;
    if (version === 4) {
      if (f.length < ip + 20) continue;
      const ihl = (f[ip]! & 0x0f) * 4;
      if (f[ip + 9] !== 17) continue;
      const flagsFrag = f.readUInt16BE(ip + 6);
      if ((flagsFrag & 0x1fff) !== 0 || (flagsFrag & 0x2000) !== 0) continue; // fragment
      srcIp = Array.from(f.subarray(ip + 12, ip + 16)).join('.');
      dstIp = Array.from(f.subarray(ip + 16, ip + 20)).join('.');
      udp = ip + ihl;
      ipEnd = Math.min(f.length, ip + f.readUInt16BE(ip + 2));
    } else if (version === 6) {
      if (f.length < ip + 40 || f[ip + 6] !== 17) continue; // no extension headers expected on loopback
      srcIp = ipv6(f.subarray(ip + 8, ip + 24));
      dstIp = ipv6(f.subarray(ip + 24, ip + 40));
      udp = ip + 40;
      ipEnd = Math.min(f.length, udp + f.readUInt16BE(ip + 4));
    } else {
      continue;
    }
    if (udp + 8 > ipEnd) continue;
    const udpLen = f.readUInt16BE(udp + 4);
    const end = Math.min(ipEnd, udp + Math.max(8, udpLen));
    out.push({
      time: r.time,
      srcIp,
      dstIp,
      srcPort: f.readUInt16BE(udp),
      dstPort: f.readUInt16BE(udp + 2),
      payload: f.subarray(udp + 8, end),
    });
  }
  return out;
}

function ipv6(b: Buffer): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  return words.join(':');
}

export interface RtpPacket {
  time: number;
  srcPort: number;
  dstPort: number;
  payloadType: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses an RTP packet (RFC 3550: CSRCs, header extension and padding handled); null if it is not RTP v2. */
export function parseRtp(b: Buffer): Omit<RtpPacket, 'time' | 'srcPort' | 'dstPort'> | null {
  if (b.length < 12 || b[0]! >> 6 !== 2) return null;
  const cc = b[0]! & 0x0f;
  let off = 12 + cc * 4;
  if (b[0]! & 0x10) {
    if (b.length < off + 4) return null;
    off += 4 + b.readUInt16BE(off + 2) * 4;
  }
  let end = b.length;
  if (b[0]! & 0x20) end -= b[b.length - 1]!;
  if (off > end) return null;
  const pt = b[1]! & 0x7f;
  if (pt >= 72 && pt <= 76) return null; // RTCP (SR/RR/SDES/BYE/APP) on the same port (rtcp-mux)
  return {
    payloadType: pt,
    marker: (b[1]! & 0x80) !== 0,
    seq: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(off, end),
  };
}

export interface RtpFilter {
  dstPort?: number;
  srcPort?: number;
}

/** RTP packets in a pcap file's bytes, in capture order. */
export function rtpPacketsFromPcap(buf: Buffer, filter: RtpFilter = {}): RtpPacket[] {
  const out: RtpPacket[] = [];
  for (const d of udpDatagrams(parsePcap(buf))) {
    if (filter.dstPort !== undefined && d.dstPort !== filter.dstPort) continue;
    if (filter.srcPort !== undefined && d.srcPort !== filter.srcPort) continue;
    const rtp = parseRtp(d.payload);
    if (rtp) out.push({ time: d.time, srcPort: d.srcPort, dstPort: d.dstPort, ...rtp });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// G.711 decoding

function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  let t = (v & 0x0f) << 4;
  const seg = (v & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return v & 0x80 ? t : -t;
}

function ulawToLinear(u: number): number {
  const v = ~u & 0xff;
  let t = ((v & 0x0f) << 3) + 0x84;
  t <<= (v & 0x70) >> 4;
  return v & 0x80 ? 0x84 - t : t - 0x84;
}

const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));
const ULAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));

/** G.711 A-law bytes → 16-bit PCM. */
export function alawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_TABLE[bytes[i]!]!;
  return out;
}

/** G.711 µ-law bytes → 16-bit PCM. */
export function ulawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_TABLE[bytes[i]!]!;
  return out;
}

/** Concatenated 8 kHz audio of the PCMA (8) and PCMU (0) packets, in arrival order, as floats in [-1, 1). */
export function decodeRtpAudio(packets: RtpPacket[]): Float32Array {
  const audio = packets.filter((p) => p.payloadType === 8 || p.payloadType === 0);
  const total = audio.reduce((n, p) => n + p.payload.length, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const p of audio) {
    const pcm = p.payloadType === 8 ? alawDecode(p.payload) : ulawDecode(p.payload);
    for (let i = 0; i < pcm.length; i++) out[off + i] = pcm[i]! / 32768;
    off += pcm.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// analysis

export interface ReceivedAudio {
  /** RTP packets with PT 8 or 0. */
  packets: number;
  /** Packets of any other payload type (telephone-event, comfort noise…). */
  otherPackets: number;
  /** Distinct SSRCs among the audio packets. */
  ssrcs: number;
  /** Decoded audio length, seconds (8 kHz). */
  seconds: number;
  /** RMS of the decoded audio, relative to full scale (0..1). */
  rms: number;
  /**
   * Share of power within ±50 Hz of `freqHz` relative to the power in 100–3900 Hz, for the best 1-second window
   * (hop 0.5 s; silent windows are skipped). ≈1 for a pure tone, ≈0 when the tone is absent.
   */
  toneRatio(freqHz: number): number;
}

const SAMPLE_RATE = 8000;

/** Level and tone analysis of the G.711 audio in `packets`. */
export function analyseRtp(packets: RtpPacket[]): ReceivedAudio {
  const audio = decodeRtpAudio(packets);
  const audioPackets = packets.filter((p) => p.payloadType === 8 || p.payloadType === 0);
  return {
    packets: audioPackets.length,
    otherPackets: packets.length - audioPackets.length,
    ssrcs: new Set(audioPackets.map((p) => p.ssrc)).size,
    seconds: audio.length / SAMPLE_RATE,
    rms: rms(audio),
    toneRatio: (freqHz: number) => bestToneRatio(audio, SAMPLE_RATE, freqHz),
  };
}

export function rms(x: Float32Array): number {
  if (x.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

const FFT_SIZE = 8192;
const HANN = Float64Array.from({ length: SAMPLE_RATE }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (SAMPLE_RATE - 1)));

/**
 * Best tone ratio over 1-second windows (Hann-windowed, zero-padded FFT of 8192 points, 0.98 Hz per bin).
 * Signals shorter than one second are analysed as a single window.
 */
export function bestToneRatio(x: Float32Array, sampleRate: number, freqHz: number, bandHz = 50): number {
  const win = Math.min(x.length, sampleRate);
  if (win < sampleRate / 10) return 0; // < 100 ms: nothing meaningful to say
  const hop = Math.max(1, Math.floor(sampleRate / 2));
  const size = nextPow2(Math.max(win, FFT_SIZE));
  const hz = sampleRate / size;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const hann =
    win === SAMPLE_RATE && sampleRate === SAMPLE_RATE
      ? HANN
      : Float64Array.from({ length: win }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (win - 1)));
  let best = 0;
  for (let start = 0; start + win <= x.length; start += hop) {
    re.fill(0);
    im.fill(0);
    let mean = 0;
    for (let i = 0; i < win; i++) mean += x[start + i]!;
    mean /= win;
    let energy = 0;
    for (let i = 0; i < win; i++) {
      const v = x[start + i]! - mean; // DC removed: A-law's idle code decodes to +8, not 0
      energy += v * v;
      re[i] = v * hann[i]!;
    }
    if (Math.sqrt(energy / win) < 3e-4) continue; // silence (< −70 dBFS): no tone to speak of
    fft(re, im);
    let band = 0;
    let total = 0;
    const half = size / 2;
    for (let k = 1; k < half; k++) {
      const f = k * hz;
      if (f < 100 || f > 3900) continue;
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      total += p;
      if (Math.abs(f - freqHz) <= bandHz) band += p;
    }
    if (total > 0) best = Math.max(best, band / total);
  }
  return best;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** In-place iterative radix-2 complex FFT (length must be a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// live capture with tcpdump

export interface RtpCaptureOptions {
  /** UDP port on which the SIP endpoint (sipp `-mp`) receives RTP. */
  mediaPort: number;
  /** Where tcpdump writes the pcap (kept as a test artifact). */
  file: string;
  /** Interface. Default `lo` (every test party is on 127.0.0.1). */
  iface?: string;
  /** How long to wait for tcpdump to start listening. Default 5000 ms. */
  startTimeoutMs?: number;
}

// A tcpdump must not outlive the test process that started it (e.g. after an uncaught error).
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGINT');
    });
  }
}

export interface RtpCaptureResult extends ReceivedAudio {
  file: string;
  rtp: RtpPacket[];
}

export interface RtpCapture {
  readonly pid: number;
  readonly file: string;
  /** Analysis of what was captured so far (the capture keeps running; tcpdump -U flushes every packet). */
  snapshot(): Promise<RtpCaptureResult>;
  /** Stops tcpdump with SIGINT (so it flushes) and analyses the whole capture. Idempotent. */
  stop(): Promise<RtpCaptureResult>;
}

/**
 * Starts `tcpdump -i lo -U -w FILE udp dst port N` and resolves once tcpdump reports that it is listening, so no
 * packet sent after this resolves is missed. Needs root or CAP_NET_RAW on tcpdump.
 */
export async function startRtpCapture(opts: RtpCaptureOptions): Promise<RtpCapture> {
  const file = path.resolve(opts.file);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const args = ['-i', opts.iface ?? 'lo', '-U', '-n', '-w', file, 'udp', 'dst', 'port', String(opts.mediaPort)];
  const child = spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tcpdump did not start listening within ${opts.startTimeoutMs ?? 5000} ms: ${stderr.trim()}`));
    }, opts.startTimeoutMs ?? 5000);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new Error('tcpdump is not installed — install it with: apt-get install tcpdump')
          : new Error(`tcpdump failed to start: ${e.message}`),
      );
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      const hint = /permission|Operation not permitted/i.test(stderr) ? ' (run as root or: setcap cap_net_raw,cap_net_admin=eip $(command -v tcpdump))' : '';
      reject(new Error(`tcpdump exited (${code}) before listening: ${stderr.trim()}${hint}`));
    });
  });

  const analyse = async (): Promise<RtpCaptureResult> => {
    let buf: Buffer;
    try {
      buf = await fs.readFile(file);
    } catch {
      buf = Buffer.alloc(0);
    }
    const rtp = buf.length >= 24 ? rtpPacketsFromPcap(buf, { dstPort: opts.mediaPort }) : [];
    return { file, rtp, ...analyseRtp(rtp) };
  };

  let stopping: Promise<RtpCaptureResult> | null = null;
  return {
    pid: child.pid!,
    file,
    snapshot: analyse,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT');
          const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(killer);
        }
        return analyse();
      })();
      return stopping;
    },
  };
}
