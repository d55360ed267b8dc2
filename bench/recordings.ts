// Cost of call recording per call, measured on this machine: the after-call work of recordings/capture.ts (sox -M
// merge of the caller/heard halves, sha256, copy into the folder storage) in CPU seconds per call-minute (this
// process + the sox child), and the bytes written to disk per call-minute while talking and after the call.
// The baseline is the mono bridge recording the ACD always had (16 kB/s written by Asterisk, no after-call work).
// Prints how many concurrent recorded calls the after-call work and the disk writes would allow at 100 % of the
// machine's cores (the live MixMonitor audiohook inside Asterisk is not measured here: see bench/README.md).
// Run: npx tsx bench/recordings.ts [CALL_MINUTES=5] [CALLS=6]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { CallRecorder } from '../recordings/capture.js';
import type { RecordingRepository } from '../recordings/repository.js';
import { FsRecordingStorage } from '../recordings/storage.js';
import { sine, wavBuffer } from '../testkit/media.js';

const MINUTES = Number(process.argv[2] ?? 5);
const CALLS = Number(process.argv[3] ?? 6);
const RATE = 8000;

/** CPU seconds of this process and of its waited-for children (from /proc: utime, stime, cutime, cstime). */
function cpuSeconds(): { self: number; children: number } {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  const tick = 100; // USER_HZ
  return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}

function noise(seconds: number, amplitude: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  let x = 12345;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = ((x >>> 16) / 65536 - 0.5) * 2 * amplitude * 32767;
  }
  return out;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recordings-'));
  const seconds = MINUTES * 60;
  const readWav = wavBuffer(noise(seconds, 0.2), RATE);
  const writeWav = wavBuffer(sine(1000, seconds, RATE, 0.3), RATE);
  const rows: { key: string }[] = [];
  const repo = {
    insert: async (r: { storageKey: string }) => void rows.push({ key: r.storageKey }),
    linkedOrderCode: async () => null,
    reportError: async () => {},
  } as unknown as RecordingRepository;
  const storage = new FsRecordingStorage(path.join(dir, 'store'));
  const partsHost = path.join(dir, 'parts');
  const recorder = new CallRecorder({
    ami: {
      mixMonitor: async (_c, files) => {
        fs.writeFileSync(path.join(partsHost, path.basename(files.read)), readWav);
        fs.writeFileSync(path.join(partsHost, path.basename(files.write)), writeWav);
      },
    },
    storage,
    repo,
    log: pino({ level: 'silent' }),
    partsDir: { asterisk: '/parts', host: partsHost },
    settleMs: 1,
  });
  const log = pino({ level: 'silent' });
  const before = cpuSeconds();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) {
    await recorder.callConnected({ callId: `bench-${i}`, channelId: `ch-${i}`, callerNumber: '13800000000', log }, 'agent');
    recorder.callEnded(`bench-${i}`);
    await recorder.drain();
  }
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = cpuSeconds();
  const cpuPerCallMinute = (after.self - before.self + after.children - before.children) / (CALLS * MINUTES);
  const stored = fs.statSync(path.join(dir, 'store', rows[0]!.key)).size;
  const perMinute = {
    baselineMonoKB: (RATE * 2 * 60) / 1024,
    // while talking: the two MixMonitor halves + the mono bridge recording (kept as the G1 mitigation / fallback)
    duringCallKB: (RATE * 2 * 60 * 3) / 1024,
    // after the call: the merged stereo file + its copy into the storage folder
    afterCallKB: ((stored / MINUTES) * 2) / 1024,
    storedKB: stored / MINUTES / 1024,
  };
  const cores = os.cpus().length;
  console.log(`recordings bench: ${CALLS} calls of ${MINUTES} min, after-call work ${wallS.toFixed(2)} s wall`);
  console.log(
    `  after-call CPU per call-minute: ${(cpuPerCallMinute * 1000).toFixed(1)} ms (node ${(((after.self - before.self) * 1000) / (CALLS * MINUTES)).toFixed(1)} ms + sox ${(((after.children - before.children) * 1000) / (CALLS * MINUTES)).toFixed(1)} ms)`,
  );
  console.log(
    `  stored per call-minute: ${perMinute.storedKB.toFixed(0)} kB (stereo 8 kHz 16-bit WAV) = ${(perMinute.storedKB / perMinute.baselineMonoKB).toFixed(2)}× the mono baseline`,
  );
  console.log(
    `  written per call-minute: ${perMinute.duringCallKB.toFixed(0)} kB while talking + ${perMinute.afterCallKB.toFixed(0)} kB after = ${((perMinute.duringCallKB + perMinute.afterCallKB) / perMinute.baselineMonoKB).toFixed(2)}× the mono baseline (${perMinute.baselineMonoKB.toFixed(0)} kB)`,
  );
  const writeKBps = (perMinute.duringCallKB + perMinute.afterCallKB) / 60;
  console.log(
    `  per concurrent call: ${writeKBps.toFixed(0)} kB/s average disk writes; after-call CPU ${((cpuPerCallMinute / 60) * 100).toFixed(3)} % of one core`,
  );
  console.log(
    `  ${cores} cores: after-call work alone would sustain ~${Math.floor((cores * 60) / cpuPerCallMinute)} concurrent recorded calls; 100 MB/s of disk writes ~${Math.floor((100 * 1024) / writeKBps)}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
