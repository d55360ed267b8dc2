// The sherpa-onnx streaming recognizer: start-up validation of a model folder, and the real wiring. No Mandarin
// ASR model is on this machine, but the KWS model is itself a (tiny) streaming zipformer transducer whose tokens are
// pinyin, so OnlineRecognizer loads it and transcribes real speech into toned pinyin: enough to prove the adapter
// end to end (partials, endpoint finals, end(), close) without claiming any Chinese-character accuracy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpeechError } from './models.js';
import type { SpeechErrorCode } from './models.js';
import type { TranscriptEvent } from './recognizer.js';
import { SherpaStreamingRecognizer, resolveStreamingModel } from './sherpa-recognizer.js';
import { findKwsModel, loadUpstreamTestWavs, requireModel, skipWithoutModels } from './test-audio.js';

const dirs: string[] = [];
function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'asr-model-'));
  dirs.push(dir);
  for (const f of files) writeFileSync(join(dir, f), 'x');
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function codeOf(fn: () => unknown): SpeechErrorCode | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof SpeechError ? err.code : null;
  }
}

describe('streaming model folder validation', () => {
  it('names a folder that does not exist and where to get a model', () => {
    expect(() => resolveStreamingModel('/nonexistent/asr')).toThrow(
      /model folder \/nonexistent\/asr does not exist — download a sherpa-onnx streaming Mandarin model/,
    );
    expect(codeOf(() => resolveStreamingModel('/nonexistent/asr'))).toBe('SPEECH_MODEL_MISSING');
  });

  it('names every file each kind of model needs when the folder holds none', () => {
    const dir = folder(['README.md']);
    expect(() => resolveStreamingModel(dir)).toThrow(
      /holds no streaming model — a transducer needs encoder\*\.onnx, decoder\*\.onnx, joiner\*\.onnx, tokens\.txt; a paraformer needs encoder\*\.onnx, decoder\*\.onnx, tokens\.txt; a zipformer2 CTC model needs ctc\*\.onnx or model\*\.onnx, tokens\.txt \(found: README\.md\)/,
    );
  });

  it('names what a transducer lacks', () => {
    const dir = folder(['encoder-epoch-99-avg-1.onnx', 'joiner-epoch-99-avg-1.onnx']);
    expect(() => resolveStreamingModel(dir)).toThrow(`transducer model in ${dir} is missing decoder*.onnx, tokens.txt`);
  });

  it('names what an asked-for kind lacks', () => {
    const dir = folder(['encoder.onnx', 'tokens.txt']);
    expect(() => resolveStreamingModel(dir, { kind: 'paraformer' })).toThrow(`paraformer model in ${dir} is missing decoder*.onnx`);
  });

  it('reads the kind from the files and prefers int8 files where both exist', () => {
    const t = folder([
      'encoder-epoch-99-avg-1.onnx',
      'encoder-epoch-99-avg-1.int8.onnx',
      'decoder-epoch-99-avg-1.onnx',
      'joiner-epoch-99-avg-1.int8.onnx',
      'joiner-epoch-99-avg-1.onnx',
      'tokens.txt',
    ]);
    const m = resolveStreamingModel(t);
    expect(m.kind).toBe('transducer');
    expect(m.encoder).toBe(join(t, 'encoder-epoch-99-avg-1.int8.onnx'));
    expect(m.decoder).toBe(join(t, 'decoder-epoch-99-avg-1.onnx'));
    expect(resolveStreamingModel(t, { preferInt8: false }).joiner).toBe(join(t, 'joiner-epoch-99-avg-1.onnx'));
    expect(resolveStreamingModel(folder(['encoder.int8.onnx', 'decoder.int8.onnx', 'tokens.txt'])).kind).toBe('paraformer');
    expect(resolveStreamingModel(folder(['ctc-epoch-20-avg-1-chunk-16-left-128.int8.onnx', 'tokens.txt'])).kind).toBe('zipformer2Ctc');
  });

  it('refuses files that cannot be models (a Git LFS pointer, a stub) before onnxruntime sees them', () => {
    // onnxruntime aborts the process on a corrupt model, so this has to be caught here
    const dir = folder(['encoder.onnx', 'decoder.onnx', 'joiner.onnx', 'tokens.txt']);
    writeFileSync(join(dir, 'encoder.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    expect(() => SherpaStreamingRecognizer.create({ modelDir: dir })).toThrow(`${join(dir, 'encoder.onnx')} is a Git LFS pointer, not the model`);
    writeFileSync(join(dir, 'encoder.onnx'), Buffer.alloc(4096));
    expect(() => SherpaStreamingRecognizer.create({ modelDir: dir })).toThrow(`${join(dir, 'decoder.onnx')} is only 1 bytes, too small to be a model`);
  });
});

const kws = findKwsModel();
const noModel = skipWithoutModels('sherpa recognizer wiring tests', kws);

describe.skipIf(noModel)('sherpa-onnx streaming recognizer, wired to the KWS transducer (pinyin output)', { timeout: 30_000 }, () => {
  it('emits partials, then a final per utterance, and closes on end()', async () => {
    const recognizer = SherpaStreamingRecognizer.create({ modelDir: requireModel(kws) });
    expect(recognizer.model.kind).toBe('transducer');
    const wavs = loadUpstreamTestWavs(requireModel(kws));
    const w5 = wavs.find((w) => w.name === '5.wav')!.samples;
    const w3 = wavs.find((w) => w.name === '3.wav')!.samples;
    // one "call": 5.wav, 3 s of silence (an endpoint), then 3.wav
    const audio = new Float32Array(w5.length + 48_000 + w3.length);
    audio.set(w5, 0);
    audio.set(w3, w5.length + 48_000);

    const stream = recognizer.start('call-1', 'caller');
    const partials: TranscriptEvent[] = [];
    const finals: TranscriptEvent[] = [];
    let closed = 0;
    stream
      .on('partial', (t) => partials.push(t))
      .on('final', (t) => finals.push(t))
      .on('close', () => closed++);
    stream.on('partial', () => {
      throw new Error('a broken listener');
    });
    const errors: SpeechError[] = [];
    stream.on('error', (e) => errors.push(e));
    for (let at = 0; at < audio.length; at += 320) stream.write(audio.subarray(at, at + 320));
    await stream.end();
    await stream.end(); // idempotent

    expect(partials.length).toBeGreaterThan(3);
    expect(partials[0]).toMatchObject({ callId: 'call-1', speaker: 'caller', isFinal: false, engine: 'sherpa-onnx' });
    expect(finals.map((f) => f.text)).toHaveLength(2);
    // 周望军…落实… and 文森特卡索是…法国…, in the model's pinyin
    expect(finals[0]!.text).toMatch(/wàngjūn.*luòshí/);
    expect(finals[1]!.text).toMatch(/kǎsuǒ.*fǎguó/);
    expect(finals[0]!.endMs).toBeLessThan(finals[1]!.startMs + 1);
    expect(finals[1]!.endMs).toBeGreaterThan(finals[1]!.startMs);
    expect(closed).toBe(1);
    expect(stream.closed).toBe(true);
    // the throwing listener was reported, and did not stop the others
    expect(errors.length).toBe(partials.length);
    expect(errors[0]!.code).toBe('SPEECH_RECOGNIZER_FAILED');
    stream.write(audio.subarray(0, 320)); // ignored after end
    await recognizer.close();
  }, 30_000);

  it('keeps two calls apart', async () => {
    const recognizer = SherpaStreamingRecognizer.create({ modelDir: requireModel(kws) });
    const wavs = loadUpstreamTestWavs(requireModel(kws));
    const a = wavs.find((w) => w.name === '4.wav')!.samples;
    const b = wavs.find((w) => w.name === '6.wav')!.samples;
    const sa = recognizer.start('a', 'caller');
    const sb = recognizer.start('b', 'agent');
    const fa: string[] = [];
    const fb: string[] = [];
    sa.on('final', (t) => fa.push(t.text));
    sb.on('final', (t) => fb.push(`${t.speaker}:${t.text}`));
    for (let at = 0; at < Math.max(a.length, b.length); at += 320) {
      if (at < a.length) sa.write(a.subarray(at, at + 320));
      if (at < b.length) sb.write(b.subarray(at, at + 320));
    }
    await recognizer.close(); // ends both
    console.log(`[speech] sherpa wiring (KWS model as ASR, pinyin): ${fa.join(' | ')} || ${fb.join(' | ')}`);
    expect(fa.join(' ')).toMatch(/jiǎngyǒubó/);
    expect(fb.join(' ')).toMatch(/^agent:zhūlì.*jiànmiànhuì/);
    expect(sa.closed && sb.closed).toBe(true);
  }, 30_000);
});
