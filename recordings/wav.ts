// The PCM WAV layout the recorder and its tests read: channels, rate, sample width and where the samples are.
export interface WavLayout {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataOffset: number;
  /** Bytes of samples actually present (the header's size may be stale while a writer still had it open). */
  dataBytes: number;
}

export function wavLayout(buf: Buffer, fileSize = buf.length): WavLayout {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let p = 12;
  let channels = 0;
  let sampleRate = 0;
  let bitsPerSample = 16;
  while (p + 8 <= buf.length) {
    const id = buf.toString('ascii', p, p + 4);
    const size = buf.readUInt32LE(p + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(p + 10);
      sampleRate = buf.readUInt32LE(p + 12);
      bitsPerSample = buf.readUInt16LE(p + 22);
    } else if (id === 'data') {
      return { channels, sampleRate, bitsPerSample, dataOffset: p + 8, dataBytes: Math.min(size, fileSize - p - 8) };
    }
    p += 8 + size + (size % 2);
  }
  throw new Error('WAV without data');
}

export function wavDurationMs(l: WavLayout): number {
  return (l.dataBytes / (l.channels * (l.bitsPerSample / 8) * l.sampleRate)) * 1000;
}

/** Each channel of a 16-bit PCM WAV as floats in [-1, 1]. */
export function wavChannels(buf: Buffer): { channels: Float32Array[]; sampleRate: number } {
  const l = wavLayout(buf);
  if (l.bitsPerSample !== 16) throw new Error(`expected 16-bit samples, got ${l.bitsPerSample}`);
  const frames = Math.floor(l.dataBytes / (2 * l.channels));
  const channels = Array.from({ length: l.channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < l.channels; c++) channels[c]![i] = buf.readInt16LE(l.dataOffset + (i * l.channels + c) * 2) / 32768;
  }
  return { channels, sampleRate: l.sampleRate };
}
