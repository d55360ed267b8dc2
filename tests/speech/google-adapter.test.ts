// The Google Cloud Speech v1 adapter against a local gRPC server that speaks google.cloud.speech.v1.Speech/
// StreamingRecognize at the protocol level (the proto files shipped with @google-cloud/speech, loaded with
// @grpc/proto-loader). The test double checks that the first message carries the configuration, counts the audio
// bytes, and answers with interim and final results, or with an error status. Nothing leaves 127.0.0.1.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleStreamingRecognizer, googleOptionsFromEnv } from '../../speech/google-recognizer.js';
import type { SpeechError } from '../../speech/models.js';
import type { TranscriptEvent } from '../../speech/recognizer.js';

// never let Google's auth library look for a metadata server
process.env['METADATA_SERVER_DETECTION'] = 'none';

const require = createRequire(import.meta.url);
const speechRoot = dirname(require.resolve('@google-cloud/speech/package.json'));
/** google-gax's package folder (its exports hide package.json): climb from its main file. */
function packageRoot(file: string, name: string): string {
  const at = file.lastIndexOf(join('node_modules', name));
  if (at < 0) throw new Error(`cannot find ${name} in ${file}`);
  return file.slice(0, at + join('node_modules', name).length);
}
const gaxRoot = packageRoot(createRequire(join(speechRoot, 'package.json')).resolve('google-gax'), 'google-gax');

interface StreamingRequest {
  streamingConfig?: {
    config?: { encoding?: string; sampleRateHertz?: number; languageCode?: string; model?: string; audioChannelCount?: number };
    interimResults?: boolean;
  } | null;
  audioContent?: Buffer;
  streamingRequest?: string;
}

interface CallRecord {
  messages: number;
  first: StreamingRequest | null;
  configInLaterMessage: boolean;
  audioBytes: number;
}

type Scenario = 'answer' | 'fail';

/** The test double of Google's StreamingRecognize. */
class FakeSpeechServer {
  readonly calls: CallRecord[] = [];
  scenario: Scenario = 'answer';
  private readonly server = new grpc.Server();
  port = 0;

  async start(): Promise<void> {
    const definition = protoLoader.loadSync('google/cloud/speech/v1/cloud_speech.proto', {
      includeDirs: [join(speechRoot, 'build', 'protos'), join(gaxRoot, 'build', 'protos')],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: false,
      oneofs: true,
    });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      google: { cloud: { speech: { v1: { Speech: { service: grpc.ServiceDefinition } } } } };
    };
    this.server.addService(pkg.google.cloud.speech.v1.Speech.service, {
      streamingRecognize: (call: grpc.ServerDuplexStream<StreamingRequest, object>) => this.onCall(call),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private onCall(call: grpc.ServerDuplexStream<StreamingRequest, object>): void {
    const record: CallRecord = { messages: 0, first: null, configInLaterMessage: false, audioBytes: 0 };
    this.calls.push(record);
    const scenario = this.scenario;
    let interimSent = 0;
    call.on('data', (req: StreamingRequest) => {
      record.messages++;
      if (record.messages === 1) {
        record.first = req;
        return;
      }
      if (req.streamingConfig) record.configInLaterMessage = true;
      record.audioBytes += req.audioContent?.length ?? 0;
      if (scenario === 'fail' && record.messages === 3) {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Invalid recognition config: model "telephony" is not supported for zh-CN.' });
        return;
      }
      // interim results after 0.25 s and 0.5 s of 16-bit audio at the configured rate
      const rate = record.first?.streamingConfig?.config?.sampleRateHertz ?? 16_000;
      const seconds = record.audioBytes / 2 / rate;
      if (scenario === 'answer' && interimSent < 2 && seconds >= 0.25 * (interimSent + 1)) {
        interimSent++;
        call.write({
          results: [
            {
              alternatives: [{ transcript: interimSent === 1 ? '你好' : '你好我想咨询' }],
              isFinal: false,
              stability: 0.8,
              resultEndTime: { seconds: 0, nanos: 250_000_000 * interimSent },
            },
          ],
        });
      }
    });
    call.on('end', () => {
      if (scenario !== 'answer') return;
      const endMs = (record.audioBytes / 2 / (record.first?.streamingConfig?.config?.sampleRateHertz ?? 16_000)) * 1000;
      call.write({
        results: [
          {
            alternatives: [{ transcript: '你好，我想咨询社保。', confidence: 0.92 }],
            isFinal: true,
            resultEndTime: { seconds: Math.floor(endMs / 1000), nanos: Math.round((endMs % 1000) * 1e6) },
          },
        ],
      });
      call.end();
    });
    call.on('error', () => {});
  }
}

function tone(seconds: number): Float32Array {
  const x = new Float32Array(Math.round(16_000 * seconds));
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16_000);
  return x;
}

interface Collected {
  partials: TranscriptEvent[];
  finals: TranscriptEvent[];
  errors: SpeechError[];
  closes: number;
}

async function run(recognizer: GoogleStreamingRecognizer, audio: Float32Array, callId = 'call-g'): Promise<Collected> {
  const stream = recognizer.start(callId, 'caller');
  const c: Collected = { partials: [], finals: [], errors: [], closes: 0 };
  stream
    .on('partial', (t) => c.partials.push(t))
    .on('final', (t) => c.finals.push(t))
    .on('error', (e) => c.errors.push(e))
    .on('close', () => c.closes++);
  for (let at = 0; at < audio.length; at += 320) {
    stream.write(audio.subarray(at, at + 320));
    if (at % 3200 === 0) await new Promise((r) => setImmediate(r)); // let responses in, as a live call would
  }
  await stream.end();
  await stream.end();
  return c;
}

describe('Google Speech v1 adapter against a local StreamingRecognize server', () => {
  const server = new FakeSpeechServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('sends the configuration first (zh-CN, LINEAR16, 16 kHz, telephony, interim results), then all the audio; emits partials and the final; ends cleanly', async () => {
    server.scenario = 'answer';
    const before = server.calls.length;
    const recognizer = await GoogleStreamingRecognizer.create({ apiEndpoint: '127.0.0.1', port: server.port, insecure: true });
    const c = await run(recognizer, tone(1));
    await recognizer.close();

    const call = server.calls[before]!;
    expect(call.first?.streamingConfig?.config).toMatchObject({
      encoding: 'LINEAR16',
      sampleRateHertz: 16_000,
      languageCode: 'zh-CN',
      model: 'telephony',
      audioChannelCount: 1,
    });
    expect(call.first?.streamingConfig?.interimResults).toBe(true);
    expect(call.first?.audioContent?.length ?? 0).toBe(0);
    expect(call.configInLaterMessage).toBe(false);
    expect(call.audioBytes).toBe(32_000); // 1 s × 16 kHz × 2 bytes

    expect(c.errors).toEqual([]);
    expect(c.partials.map((p) => p.text)).toEqual(['你好', '你好我想咨询']);
    expect(c.partials[0]).toMatchObject({ callId: 'call-g', speaker: 'caller', isFinal: false, engine: 'google-v1', endMs: 250 });
    expect(c.finals).toHaveLength(1);
    expect(c.finals[0]).toMatchObject({ text: '你好，我想咨询社保。', isFinal: true, confidence: expect.closeTo(0.92, 5), startMs: 0, endMs: 1000 });
    expect(c.closes).toBe(1);
  });

  it('sends 8 kHz LINEAR16 when configured for narrow band: half the bytes', async () => {
    server.scenario = 'answer';
    const before = server.calls.length;
    const recognizer = await GoogleStreamingRecognizer.create({ apiEndpoint: '127.0.0.1', port: server.port, insecure: true, sampleRateHertz: 8000 });
    const c = await run(recognizer, tone(1));
    await recognizer.close();
    expect(server.calls[before]!.first?.streamingConfig?.config?.sampleRateHertz).toBe(8000);
    expect(server.calls[before]!.audioBytes).toBe(16_000);
    expect(c.finals.map((f) => f.text)).toEqual(['你好，我想咨询社保。']);
  });

  it('surfaces a server error status as a SpeechError, stops sending, and still ends cleanly', async () => {
    server.scenario = 'fail';
    const before = server.calls.length;
    const recognizer = await GoogleStreamingRecognizer.create({ apiEndpoint: '127.0.0.1', port: server.port, insecure: true });
    const c = await run(recognizer, tone(1));
    await recognizer.close();
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]!.code).toBe('SPEECH_RECOGNIZER_FAILED');
    expect(c.errors[0]!.message).toContain('gRPC status 3');
    expect(c.errors[0]!.message).toContain('not supported for zh-CN');
    expect(c.finals).toEqual([]);
    expect(c.closes).toBe(1);
    expect(server.calls[before]!.audioBytes).toBeLessThan(32_000);
  });

  it('rolls over to a new StreamingRecognize call before the stream limit, each call configured first, times continuing', async () => {
    server.scenario = 'answer';
    const before = server.calls.length;
    const recognizer = await GoogleStreamingRecognizer.create({ apiEndpoint: '127.0.0.1', port: server.port, insecure: true, maxStreamSeconds: 0.5 });
    const c = await run(recognizer, tone(1.2));
    await recognizer.close();
    const calls = server.calls.slice(before);
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call.first?.streamingConfig?.config?.languageCode).toBe('zh-CN');
    expect(calls.reduce((n, call) => n + call.audioBytes, 0)).toBe(38_400);
    expect(c.finals).toHaveLength(3);
    expect(c.finals.map((f) => f.endMs)).toEqual([500, 1000, 1200]);
    expect(c.finals.map((f) => f.startMs)).toEqual([0, 500, 1000]);
    expect(c.errors).toEqual([]);
    expect(c.closes).toBe(1);
  });

  it('reads endpoint and options from the environment', () => {
    expect(
      googleOptionsFromEnv({
        GOOGLE_SPEECH_ENDPOINT: '127.0.0.1:50051',
        GOOGLE_SPEECH_INSECURE: '1',
        GOOGLE_SPEECH_SAMPLE_RATE: '8000',
        GOOGLE_SPEECH_MODEL: 'latest_long',
      }),
    ).toEqual({
      apiEndpoint: '127.0.0.1',
      port: 50051,
      insecure: true,
      sampleRateHertz: 8000,
      model: 'latest_long',
    });
    expect(googleOptionsFromEnv({})).toEqual({});
  });
});
