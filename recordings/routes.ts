// Recording API. Every access is audited (recording_access_log), refusals included.
//   GET /api/recordings/:callId          metadata (sha256, duration, linked orders) for those who may listen
//   GET /api/recordings/:callId/audio    the WAV, with HTTP Range requests (206) for seeking in a player;
//                                        ?download=1 as an attachment, supervisors and admins only
// The stored sha256 is checked before audio is served (once per recording per INTEGRITY_TTL_MS): a mismatch is
// refused with 500, audited and logged as an error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { refusalOf } from '../platform/auth/permissions.js';
import { userOf, type AuthGuard, type AuthUser } from '../platform/http/auth-guard.js';
import { ApiError, parseBody } from '../platform/http/errors.js';
import { mayDownload, mayListen, type AccessPolicy } from './access.js';
import type { RecordingRecord, RecordingRepository } from './repository.js';
import { hashStream, type ByteRange, type RecordingStorage } from './storage.js';

export interface RecordingRouteDeps {
  guard: AuthGuard;
  repo: RecordingRepository;
  storage: RecordingStorage;
  policy: AccessPolicy;
  now?: () => number;
}

export interface RecordingView {
  callId: string;
  orderCodes: string[];
  agentId: string | null;
  callerNumber: string;
  startedAt: number;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  channels: 1 | 2;
  format: string;
  status: 'stored' | 'deleted';
  legalHold: boolean;
  mayDownload: boolean;
}

const Params = z.object({ callId: z.string().min(1, { error: '通话编号不能为空' }).max(100, { error: '通话编号格式不正确' }) });
const AudioQuery = z.object({ download: z.enum(['0', '1'], { error: 'download 须为 0 或 1' }).optional() });

const INTEGRITY_TTL_MS = 10 * 60_000;

/** Parses a single-range `Range: bytes=…` header against a size; null = whole file, 'unsatisfiable' → 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

export function registerRecordingRoutes(app: FastifyInstance, d: RecordingRouteDeps): void {
  const now = d.now ?? Date.now;
  const verifiedAt = new Map<string, number>();

  const audit = (
    r: { callId: string },
    u: AuthUser | null,
    action: Parameters<RecordingRepository['audit']>[0]['action'],
    req: FastifyRequest,
    byteRange?: string,
  ) => d.repo.audit({ callId: r.callId, userId: u?.id ?? null, role: u?.role ?? null, action, byteRange: byteRange ?? null, ip: req.ip, at: new Date(now()) });

  /** The recording if `u` may listen; audits and refuses (403) otherwise; 404 when there is none. */
  async function allowed(req: FastifyRequest, u: AuthUser, callId: string): Promise<RecordingRecord> {
    const r = await d.repo.get(callId);
    if (!r || r.status !== 'stored') {
      const reason = r ? '录音已超过保存期限被删除' : '该通话没有录音';
      throw new ApiError('not_found', reason);
    }
    if (!mayListen(u, r, d.policy)) {
      await audit(r, u, 'denied', req);
      req.log.warn({ userId: u.id, role: u.role, callId }, 'recording access refused');
      throw new ApiError('forbidden', refusalOf(u.role, 'recording.listen.any'));
    }
    return r;
  }

  async function verify(r: RecordingRecord, u: AuthUser, req: FastifyRequest): Promise<void> {
    const seen = verifiedAt.get(r.callId);
    if (seen !== undefined && now() - seen < INTEGRITY_TTL_MS) return;
    const { sha256, size } = await hashStream(await d.storage.read(r.storageKey));
    if (sha256 !== r.sha256 || size !== r.sizeBytes) {
      await audit(r, u, 'integrity_failed', req);
      req.log.error({ callId: r.callId, expected: r.sha256, actual: sha256, size }, 'recording integrity check failed');
      throw new ApiError('internal', '录音文件校验失败（可能已被篡改或损坏），已记录并通知管理员');
    }
    verifiedAt.set(r.callId, now());
  }

  const view = (r: RecordingRecord, u: AuthUser): RecordingView => ({
    callId: r.callId,
    orderCodes: r.orderCodes,
    agentId: r.agentId,
    callerNumber: r.callerNumber,
    startedAt: r.startedAt.getTime(),
    durationMs: r.durationMs,
    sizeBytes: r.sizeBytes,
    sha256: r.sha256,
    channels: r.channels,
    format: r.format,
    status: r.status,
    legalHold: r.legalHold || r.supervised,
    mayDownload: mayDownload(u),
  });

  // any signed-in user may ask; who hears which call is decided per recording (access.ts), refusals audited
  app.get('/api/recordings/:callId', { preHandler: d.guard.signedIn }, async (req) => {
    const u = userOf(req);
    const { callId } = parseBody(Params, req.params);
    const r = await allowed(req, u, callId);
    await audit(r, u, 'metadata', req);
    return view(r, u);
  });

  app.get('/api/recordings/:callId/audio', { preHandler: d.guard.signedIn }, async (req, reply: FastifyReply) => {
    const u = userOf(req);
    const { callId } = parseBody(Params, req.params);
    const q = parseBody(AudioQuery, req.query);
    const r = await allowed(req, u, callId);
    const download = q.download === '1';
    if (download && !mayDownload(u)) {
      await audit(r, u, 'denied', req, 'download');
      throw new ApiError('forbidden', refusalOf(u.role, 'recording.download'));
    }
    await verify(r, u, req);
    const range = parseRange(req.headers.range, r.sizeBytes);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${r.sizeBytes}`).send();
    }
    await audit(r, u, download ? 'download' : 'play', req, range ? `${range.start}-${range.end}` : undefined);
    reply.header('accept-ranges', 'bytes').header('cache-control', 'no-store').type('audio/wav');
    if (download) reply.header('content-disposition', `attachment; filename="recording-${r.callId.replace(/[^\w.-]/g, '_')}.wav"`);
    if (range) {
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${r.sizeBytes}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(await d.storage.read(r.storageKey, range));
    }
    return reply.header('content-length', String(r.sizeBytes)).send(await d.storage.read(r.storageKey));
  });
}
