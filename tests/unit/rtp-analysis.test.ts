// The audio checks of the end-to-end tier must be right before they are trusted to prove that audio reached a
// party: pcap writing and parsing, G.711 coding, and the tone ratio, all on synthetic captures.
import { describe, expect, it } from 'vitest';
import { alawEncode, buildRtpPcap, ipChecksum, linearToAlaw, linearToUlaw, sine, ulawEncode } from '../../testkit/media.js';
import { alawDecode, analyseRtp, LINKTYPE, parsePcap, parseRtp, rtpPacketsFromPcap, udpDatagrams, ulawDecode } from '../../testkit/rtp-capture.js';

/** Deterministic pseudo-random numbers in [-1, 1) (xorshift32). */
function noise(n: number, amplitude: number, seed = 12345): Int16Array {
  let s = seed >>> 0;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = Math.round(((s / 0x100000000) * 2 - 1) * amplitude * 32767);
  }
  return out;
}

/** A linear chirp 300 → 3000 Hz repeated every second: broadband like speech, no steady tone. */
function chirp(seconds: number, amplitude: number): Int16Array {
  const n = seconds * 8000;
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = (i % 8000) / 8000;
    phase += (2 * Math.PI * (300 + 2700 * t)) / 8000;
    out[i] = Math.round(amplitude * 32767 * Math.sin(phase));
  }
  return out;
}

function pcmaPcap(pcm: Int16Array, dstPort = 6000): Buffer {
  return buildRtpPcap(alawEncode(pcm), { payloadType: 8, dstPort });
}

describe('G.711 coding', () => {
  it('given A-law reference points, when encoding and decoding, then the ITU values come out', () => {
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(linearToAlaw(-1)).toBe(0x55);
    expect(linearToAlaw(32767)).toBe(0xaa);
    expect(linearToAlaw(-32768)).toBe(0x2a);
    expect(Array.from(alawDecode(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a])))).toEqual([8, -8, 32256, -32256]);
  });

  it('given µ-law reference points, when encoding and decoding, then the ITU values come out', () => {
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToUlaw(32767)).toBe(0x80);
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(Array.from(ulawDecode(Uint8Array.from([0xff, 0x7f, 0x80, 0x00])))).toEqual([0, 0, 32124, -32124]);
  });

  it('given every 16-bit value, when round-tripped, then the error stays within one quantisation step', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const a = alawDecode(alawEncode(all));
    const u = ulawDecode(ulawEncode(all));
    for (let i = 0; i < all.length; i += 7) {
      const x = all[i]!;
      // A-law: 4 mantissa bits → step ≤ 1/16 of the segment (+ small-value floor); µ-law similar
      expect(Math.abs(a[i]! - x)).toBeLessThanOrEqual(Math.max(16, Math.abs(x) / 16) + 1);
      expect(Math.abs(u[i]! - x)).toBeLessThanOrEqual(Math.max(8, Math.abs(x) / 16) + 132);
    }
  });
});

describe('RTP pcap writer and parser', () => {
  it('given 2 s of PCMA, when written and parsed back, then 100 RTP packets of 20 ms with continuous seq/timestamps on one SSRC', () => {
    const pcap = pcmaPcap(sine(1000, 2, 8000, 0.3));
    const file = parsePcap(pcap);
    expect(file.linkType).toBe(LINKTYPE.EN10MB);
    expect(file.records).toHaveLength(100);
    expect(file.records[1]!.time - file.records[0]!.time).toBeCloseTo(0.02, 6);

    const udp = udpDatagrams(file);
    expect(udp).toHaveLength(100);
    expect(udp[0]).toMatchObject({ srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 4000, dstPort: 6000 });

    const rtp = rtpPacketsFromPcap(pcap);
    expect(rtp).toHaveLength(100);
    expect(new Set(rtp.map((p) => p.ssrc)).size).toBe(1);
    expect(rtp[0]!.marker).toBe(true);
    expect(rtp[1]!.marker).toBe(false);
    for (let i = 1; i < rtp.length; i++) {
      expect(rtp[i]!.seq).toBe((rtp[i - 1]!.seq + 1) & 0xffff);
      expect(rtp[i]!.timestamp).toBe(rtp[i - 1]!.timestamp + 160);
      expect(rtp[i]!.payload).toHaveLength(160);
      expect(rtp[i]!.payloadType).toBe(8);
    }
  });

  it("given a written frame, when its IPv4 header checksum is verified, then the one's complement sum is 0xffff", () => {
    const pcap = pcmaPcap(sine(1000, 0.1, 8000, 0.3));
    const ipHeader = parsePcap(pcap).records[0]!.data.subarray(14, 34);
    expect(ipChecksum(ipHeader)).toBe(0);
  });

  it('given a capture still being written, when parsed, then the truncated last record is ignored', () => {
    const pcap = pcmaPcap(sine(1000, 1, 8000, 0.3));
    expect(rtpPacketsFromPcap(pcap.subarray(0, pcap.length - 50))).toHaveLength(49);
  });

  it('given Linux cooked (SLL) and BSD loopback framings, when parsed, then the same RTP comes out', () => {
    const en = parsePcap(pcmaPcap(sine(1000, 0.2, 8000, 0.3)));
    const rewrap = (linkType: number, header: (ip: Buffer) => Buffer): Buffer => {
      const parts: Buffer[] = [];
      const g = Buffer.alloc(24);
      g.writeUInt32LE(0xa1b2c3d4, 0);
      g.writeUInt16LE(2, 4);
      g.writeUInt16LE(4, 6);
      g.writeUInt32LE(65535, 16);
      g.writeUInt32LE(linkType, 20);
      parts.push(g);
      for (const r of en.records) {
        const frame = header(r.data.subarray(14));
        const h = Buffer.alloc(16);
        h.writeUInt32LE(Math.floor(r.time), 0);
        h.writeUInt32LE(Math.round((r.time % 1) * 1e6), 4);
        h.writeUInt32LE(frame.length, 8);
        h.writeUInt32LE(frame.length, 12);
        parts.push(h, frame);
      }
      return Buffer.concat(parts);
    };
    const sll = rewrap(LINKTYPE.LINUX_SLL, (ip) => {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(0x0800, 14);
      return Buffer.concat([h, ip]);
    });
    const loop = rewrap(LINKTYPE.NULL, (ip) => {
      const h = Buffer.alloc(4);
      h.writeUInt32LE(2, 0); // AF_INET, host byte order
      return Buffer.concat([h, ip]);
    });
    for (const buf of [sll, loop]) {
      const rtp = rtpPacketsFromPcap(buf, { dstPort: 6000 });
      expect(rtp).toHaveLength(10);
      expect(analyseRtp(rtp).toneRatio(1000)).toBeGreaterThan(0.8);
    }
  });

  it("given packets to two ports, when filtered by destination port, then only that port's packets are kept", () => {
    const a = parsePcap(pcmaPcap(sine(1000, 0.2, 8000, 0.3), 6000));
    const b = pcmaPcap(sine(1000, 0.4, 8000, 0.3), 7000);
    const merged = Buffer.concat([
      b,
      ...a.records.map((r) => {
        const h = Buffer.alloc(16);
        h.writeUInt32LE(Math.floor(r.time), 0);
        h.writeUInt32LE(r.data.length, 8);
        h.writeUInt32LE(r.data.length, 12);
        return Buffer.concat([h, r.data]);
      }),
    ]);
    expect(rtpPacketsFromPcap(merged, { dstPort: 6000 })).toHaveLength(10);
    expect(rtpPacketsFromPcap(merged, { dstPort: 7000 })).toHaveLength(20);
  });

  it('given RTP with CSRCs, a header extension and padding, when parsed, then the payload is exactly the media', () => {
    const payload = Buffer.from([1, 2, 3, 4]);
    const b = Buffer.concat([
      Buffer.from([0x80 | 0x20 | 0x10 | 1, 8, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9]),
      Buffer.from([0, 0, 0, 7]), // CSRC
      Buffer.from([0xbe, 0xde, 0, 1, 9, 9, 9, 9]), // extension, 1 word
      payload,
      Buffer.from([0, 0, 3]), // 3 bytes of padding
    ]);
    const p = parseRtp(b);
    expect(p?.payload).toEqual(payload);
    expect(p?.ssrc).toBe(9);
    expect(parseRtp(Buffer.from([0x81, 0xc8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeNull(); // RTCP SR
  });

  it('given a pcapng file, when parsed, then it is rejected with a message saying so', () => {
    const ng = Buffer.alloc(32);
    ng.writeUInt32LE(0x0a0d0d0a, 0);
    expect(() => parsePcap(ng)).toThrow(/pcapng/);
  });
});

describe('received-audio analysis', () => {
  it('given 3 s of a 1 kHz PCMA tone, when analysed, then duration, level and a 1 kHz ratio > 0.8', () => {
    const a = analyseRtp(rtpPacketsFromPcap(pcmaPcap(sine(1000, 3, 8000, 0.3))));
    expect(a.packets).toBe(150);
    expect(a.seconds).toBeCloseTo(3, 5);
    expect(a.rms).toBeGreaterThan(0.2); // 0.3 / √2
    expect(a.rms).toBeLessThan(0.23);
    expect(a.toneRatio(1000)).toBeGreaterThan(0.8);
    expect(a.toneRatio(1500)).toBeLessThan(0.05);
  });

  it('given a 1 kHz PCMU tone, when analysed, then the ratio is > 0.8 too', () => {
    const rtp = rtpPacketsFromPcap(buildRtpPcap(ulawEncode(sine(1000, 2, 8000, 0.3)), { payloadType: 0 }));
    expect(analyseRtp(rtp).toneRatio(1000)).toBeGreaterThan(0.8);
  });

  it('given white-ish noise, when analysed, then the 1 kHz ratio is < 0.2', () => {
    const a = analyseRtp(rtpPacketsFromPcap(pcmaPcap(noise(3 * 8000, 0.3))));
    expect(a.rms).toBeGreaterThan(0.1);
    expect(a.toneRatio(1000)).toBeLessThan(0.2);
  });

  it('given a speech-like chirp, when analysed, then the 1 kHz ratio is < 0.2', () => {
    const a = analyseRtp(rtpPacketsFromPcap(pcmaPcap(chirp(3, 0.3))));
    expect(a.toneRatio(1000)).toBeLessThan(0.2);
  });

  it('given speech with the tone mixed in for one second only, when analysed, then the best window finds it', () => {
    const pcm = chirp(4, 0.2);
    const tone = sine(1000, 1, 8000, 0.6);
    for (let i = 0; i < tone.length; i++) pcm[16000 + i] = Math.round(pcm[16000 + i]! * 0.1 + tone[i]!);
    expect(analyseRtp(rtpPacketsFromPcap(pcmaPcap(pcm))).toneRatio(1000)).toBeGreaterThan(0.8);
  });

  it('given digital silence, when analysed, then level and ratio are 0', () => {
    const a = analyseRtp(rtpPacketsFromPcap(pcmaPcap(new Int16Array(8000))));
    expect(a.packets).toBe(50);
    expect(a.rms).toBeLessThan(0.001);
    expect(a.toneRatio(1000)).toBe(0);
  });

  it('given telephone-event packets among the audio, when analysed, then they are counted apart and not decoded', () => {
    const tone = rtpPacketsFromPcap(pcmaPcap(sine(1000, 1, 8000, 0.3)));
    const dtmf = tone.slice(0, 5).map((p) => ({ ...p, payloadType: 101, payload: Buffer.from([1, 0x8a, 0, 160]) }));
    const a = analyseRtp([...tone, ...dtmf]);
    expect(a.packets).toBe(50);
    expect(a.otherPackets).toBe(5);
    expect(a.seconds).toBeCloseTo(1, 5);
  });

  it('given no packets, when analysed, then everything is zero', () => {
    const a = analyseRtp([]);
    expect(a).toMatchObject({ packets: 0, seconds: 0, rms: 0 });
    expect(a.toneRatio(1000)).toBe(0);
  });
});
