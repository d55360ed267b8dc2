// The call tap fed exactly as chan_websocket feeds it: a MEDIA_START text frame, then LE 16-bit PCM frames
// (640 B / 20 ms at slin16, 320 B at slin), with the real recordings of the KWS model.
import { describe, expect, it } from 'vitest';
import { Downsampler2x, float32ToPcm16le } from './audio.js';
import { KeywordSpotter } from './keyword-spotter.js';
import type { SpeechError } from './models.js';
import { RecognitionStreamBase } from './recognizer.js';
import type { RecognitionStream, Speaker, StreamingRecognizer } from './recognizer.js';
import { CallSpeechTap } from './tap.js';
import type { KeywordHeard, SpeechActivity } from './tap.js';
import { UPSTREAM_TEST_KEYWORDS, findKwsModel, loadUpstreamTestWavs, requireModel, skipWithoutModels } from './test-audio.js';

/** A recognizer double that counts the samples it gets and says one final at the end. */
class CountingRecognizer implements StreamingRecognizer {
  readonly engine = 'counting';
  samples = 0;
  start(callId: string, speaker: Speaker): RecognitionStream {
    const count = (n: number) => (this.samples += n);
    const total = () => this.samples;
    return new (class extends RecognitionStreamBase {
      write(pcm: Float32Array): void {
        count(pcm.length);
      }
      async end(): Promise<void> {
        this.emitTranscript(`${total()} samples`, true, 0, (total() * 1000) / 16_000);
        this.emitClose();
      }
    })(callId, speaker, this.engine);
  }
  async close(): Promise<void> {}
}

const kws = findKwsModel();
const noModel = skipWithoutModels('tap tests', kws);

describe.skipIf(noModel)('call speech tap on chan_websocket frames', { timeout: 30_000 }, () => {
  it('given slin16 frames of a real call, then keywords, speech segments and the recognizer all get the audio', async () => {
    const spotter = KeywordSpotter.create({ modelDir: requireModel(kws), keywords: UPSTREAM_TEST_KEYWORDS });
    const recognizer = new CountingRecognizer();
    const tap = new CallSpeechTap({ callId: 'c1', speaker: 'caller', spotter, vad: true, recognizer });
    const keywords: KeywordHeard[] = [];
    const speech: SpeechActivity[] = [];
    const finals: string[] = [];
    let closed = 0;
    tap
      .on('keyword', (k) => keywords.push(k))
      .on('speech', (s) => speech.push(s))
      .on('final', (t) => finals.push(t.text))
      .on('close', () => closed++);

    const w = loadUpstreamTestWavs(requireModel(kws)).find((x) => x.name === '5.wav')!.samples;
    const pcm = float32ToPcm16le(w);
    tap.handleMessage('MEDIA_START connection_id:abc format:slin16 optimal_frame_size:640 ptime:20', false);
    for (let at = 0; at < pcm.length; at += 640) tap.handleMessage(pcm.subarray(at, at + 640), true);
    await tap.close();
    await tap.close();

    expect(keywords.map((k) => k.keyword)).toEqual(['周望军', '落实']);
    expect(keywords[0]).toMatchObject({ callId: 'c1', speaker: 'caller', category: 'routing' });
    expect(speech.length).toBeGreaterThanOrEqual(1);
    expect(speech[0]!.startMs).toBeLessThan(1000);
    expect(recognizer.samples).toBe(w.length);
    expect(finals).toEqual([`${w.length} samples`]);
    expect(closed).toBe(1);
    expect(tap.receivedSeconds).toBeCloseTo(w.length / 16_000, 3);
  });

  it('given MEDIA_START format:slin, then 8 kHz frames are upsampled and still spotted', async () => {
    const spotter = KeywordSpotter.create({ modelDir: requireModel(kws), keywords: UPSTREAM_TEST_KEYWORDS });
    const recognizer = new CountingRecognizer();
    const tap = new CallSpeechTap({ callId: 'c2', speaker: 'agent', spotter, recognizer });
    const keywords: string[] = [];
    tap.on('keyword', (k) => keywords.push(`${k.speaker}:${k.keyword}`));
    const w = loadUpstreamTestWavs(requireModel(kws)).find((x) => x.name === '6.wav')!.samples;
    const pcm8 = float32ToPcm16le(new Downsampler2x().process(w));
    tap.handleMessage(Buffer.from('MEDIA_START connection_id:def format:slin optimal_frame_size:320 ptime:20'), false);
    for (let at = 0; at < pcm8.length; at += 333) tap.handleMessage(pcm8.subarray(at, at + 333), true); // odd-sized messages
    await tap.close();
    expect(keywords).toEqual(['agent:朱丽楠', 'agent:见面会']);
    expect(Math.abs(recognizer.samples - w.length)).toBeLessThanOrEqual(2);
  });
});

describe('call speech tap without engines', () => {
  it('reports a media format that is not signed linear', async () => {
    const tap = new CallSpeechTap({ callId: 'c3', speaker: 'caller' });
    const errors: SpeechError[] = [];
    tap.on('error', (e) => errors.push(e));
    tap.handleMessage('MEDIA_START connection_id:x format:ulaw optimal_frame_size:160 ptime:20', false);
    await tap.close();
    expect(errors[0]?.code).toBe('SPEECH_CONFIG_INVALID');
    expect(errors[0]?.message).toContain('format=slin16');
  });
});
