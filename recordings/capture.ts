// Stereo call recording, answer to hang-up. When the queue connects a caller to an agent, MixMonitor goes on the
// CALLER's channel with separate read/write files: read = what the caller says, write = what the caller hears
// (the agent, a second agent after a transfer, music on hold while held). The audiohook belongs to the caller's
// channel, so it survives bridge changes, holds and transfers: one recording per call. After the caller hangs up
// the two files are merged with `sox -M` into one stereo WAV (left: caller, right: agent side), hashed, stored
// (storage.ts) and described in call_recordings.
//
// The ACD also records the bridge (mono) because a third bridge member keeps the bridge mixing (recipe G1). That
// file is only a fallback: it is stored when the stereo capture failed, and deleted otherwise.
//
// A recording that fails to start or cannot be stored is never silent: an error log line with the callId,
// calls.recording_error, and onFailure (pushed to supervisors).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { RecordingRepository } from './repository.js';
import type { RecordingStorage } from './storage.js';
import { wavDurationMs, wavLayout } from './wav.js';

const run = promisify(execFile);

export interface MixMonitorControl {
  mixMonitor(channel: string, files: { read: string; write: string }): Promise<unknown>;
}

export interface CallToRecord {
  callId: string;
  /** The caller's channel (ARI id = Asterisk unique id). */
  channelId: string;
  callerNumber: string;
  log: Logger;
}

export interface RecorderDeps {
  ami: MixMonitorControl;
  storage: RecordingStorage;
  repo: RecordingRepository;
  log: Logger;
  /** Where MixMonitor writes the two halves, as Asterisk sees the folder and as this process does. */
  partsDir: { asterisk: string; host: string };
  /** Host path of the ACD's mono bridge recording of a call (the fallback), or null when there is none. */
  bridgeRecordingFile?: (callId: string) => string | null;
  onFailure?: (callId: string, reason: string) => void;
  now?: () => number;
  /** Poll interval while waiting for Asterisk to close the files after hang-up. */
  settleMs?: number;
}

interface Pending {
  call: CallToRecord;
  agentId: string;
  startedAt: number;
  read: string;
  write: string;
  started: boolean;
}

export interface StoredRecording {
  callId: string;
  key: string;
  channels: 1 | 2;
  sizeBytes: number;
  durationMs: number;
  sha256: string;
}

export class CallRecorder {
  private readonly pending = new Map<string, Pending>();
  private readonly finishing = new Set<Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly d: RecorderDeps) {
    this.now = d.now ?? Date.now;
    fs.mkdirSync(d.partsDir.host, { recursive: true });
  }

  /** Called once the caller and the agent are bridged. Never throws: a failure is reported. */
  async callConnected(call: CallToRecord, agentId: string): Promise<boolean> {
    if (this.pending.has(call.callId)) return true; // a transfer reconnects the same caller: keep recording
    const p = this.partsOf(call, agentId, this.now());
    this.pending.set(call.callId, p);
    try {
      await this.d.ami.mixMonitor(call.channelId, {
        read: path.posix.join(this.d.partsDir.asterisk, p.read),
        write: path.posix.join(this.d.partsDir.asterisk, p.write),
      });
      p.started = true;
      call.log.info({ recording: 'stereo' }, 'call recording started');
      return true;
    } catch (err) {
      this.failed(call.callId, `stereo recording did not start: ${String((err as Error).message ?? err)}`, call.log);
      return false;
    }
  }

  /**
   * A connected call a restarted server adopted: MixMonitor lives on the caller's channel in Asterisk, so the two
   * halves have been written all along under the names callConnected gave them; they are stored when the call ends.
   */
  adopted(call: CallToRecord, agentId: string, startedAt: number): void {
    if (this.pending.has(call.callId)) return;
    const p = this.partsOf(call, agentId, startedAt);
    p.started = fs.existsSync(path.join(this.d.partsDir.host, p.read));
    this.pending.set(call.callId, p);
    if (!p.started) this.failed(call.callId, 'the stereo recording of an adopted call was not found; the mono bridge recording is kept instead', call.log);
    else call.log.info({ recording: 'stereo' }, 'call recording adopted');
  }

  /** Reports a recording problem found elsewhere (e.g. the bridge recording of the ACD did not start). */
  failed(callId: string, reason: string, log: Logger = this.d.log): void {
    log.error({ callId, reason }, 'call recording failed');
    void this.d.repo.reportError(callId, reason).catch((err) => log.error({ err, callId }, 'could not store the recording failure'));
    this.d.onFailure?.(callId, reason);
  }

  /** Called when the caller's channel is gone; merges and stores in the background. */
  callEnded(callId: string): void {
    const p = this.pending.get(callId);
    if (!p) return;
    this.pending.delete(callId);
    const job = this.finish(p)
      .catch((err) => this.failed(callId, `recording could not be stored: ${String((err as Error).message ?? err)}`, p.call.log))
      .finally(() => this.finishing.delete(job));
    this.finishing.add(job);
  }

  /** Waits for recordings still being merged and stored (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.finishing.size > 0) await Promise.allSettled([...this.finishing]);
  }

  private partsOf(call: CallToRecord, agentId: string, startedAt: number): Pending {
    const base = call.callId.replace(/[^\w.-]/g, '_');
    return { call, agentId, startedAt, read: `${base}-caller.wav`, write: `${base}-heard.wav`, started: false };
  }

  private async finish(p: Pending): Promise<StoredRecording | null> {
    const { callId } = p.call;
    const readFile = path.join(this.d.partsDir.host, p.read);
    const writeFile = path.join(this.d.partsDir.host, p.write);
    const bridgeFile = this.d.bridgeRecordingFile?.(callId) ?? null;
    let source: string;
    let channels: 1 | 2;
    let merged: string | null = null;
    if (p.started && (await settled([readFile, writeFile], this.d.settleMs ?? 200))) {
      merged = path.join(this.d.partsDir.host, `${callId.replace(/[^\w.-]/g, '_')}-stereo.wav`);
      await run('sox', ['-M', readFile, writeFile, '-b', '16', merged]);
      source = merged;
      channels = 2;
    } else if (bridgeFile && (await settled([bridgeFile], this.d.settleMs ?? 200))) {
      if (p.started) this.failed(callId, 'stereo recording files missing; the mono bridge recording is kept instead', p.call.log);
      source = bridgeFile;
      channels = 1;
    } else {
      this.failed(callId, 'no recording file after the call', p.call.log);
      return null;
    }
    const durationMs = wavDurationMs(wavLayout(await readHead(source), (await fs.promises.stat(source)).size));
    const started = new Date(p.startedAt);
    const key = `${started.toISOString().slice(0, 10).replace(/-/g, '/')}/${callId.replace(/[^\w.-]/g, '_')}.wav`;
    const stored = await this.d.storage.put(key, source);
    await this.d.repo.insert({
      callId,
      orderCode: await this.d.repo.linkedOrderCode(callId),
      agentId: p.agentId,
      callerNumber: p.call.callerNumber,
      startedAt: started,
      durationMs,
      sizeBytes: stored.size,
      sha256: stored.sha256,
      channels,
      format: 'wav',
      storage: this.d.storage.kind,
      storageKey: key,
      createdAt: new Date(this.now()),
    });
    // the parts, the merged copy and the mono fallback: the stored object is the recording now
    for (const f of [readFile, writeFile, merged, bridgeFile]) if (f) await fs.promises.rm(f, { force: true });
    p.call.log.info({ key, channels, sizeBytes: stored.size, durationMs: Math.round(durationMs), sha256: stored.sha256 }, 'call recording stored');
    return { callId, key, channels, sizeBytes: stored.size, durationMs, sha256: stored.sha256 };
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(size, 4096));
    await fh.read(buf, 0, buf.length, 0);
    // the data chunk's size field may be stale while a writer had the file open: trust the file length
    const dataAt = buf.indexOf('data');
    if (dataAt >= 0 && dataAt + 8 <= buf.length) buf.writeUInt32LE(size - dataAt - 8, dataAt + 4);
    return buf;
  } finally {
    await fh.close();
  }
}

/** true once every file exists and its size stopped changing (Asterisk closes the files after the hang-up). */
async function settled(files: string[], intervalMs: number, attempts = 25): Promise<boolean> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const sizes = await Promise.all(
      files.map((f) =>
        fs.promises.stat(f).then(
          (s) => s.size,
          () => -1,
        ),
      ),
    );
    const now = sizes.join(',');
    if (sizes.every((s) => s > 44) && now === last) return true;
    last = now;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return false;
}
