// REST for transfers and linkage sheets. An agent acts only on the call they are connected to.
//   GET  /api/transfers/directory                  emergency centres and the blind-transfer directory
//   POST /api/calls/:callId/transfer               start (StartTransferRequest)
//   GET  /api/calls/:callId/transfer               the call's transfer, or 404
//   POST /api/calls/:callId/transfer/:action       complete | cancel | three-way | leave
//   GET  /api/linkages?callId=…|orderCode=…        linkage sheets and their delivery status
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../contracts/api.js';
import type { ErrorCode } from '../contracts/errors.js';
import { StartTransferRequest, TransferActionParam } from '../contracts/transfer.js';
import type { SessionTokens } from '../platform/auth/session-tokens.js';
import type { UserRecord, UserRepository } from '../platform/auth/user-repository.js';
import { bearer } from '../platform/http/app.js';
import { ApiError, validationError } from '../platform/http/errors.js';
import { publicDirectory, type TransferDirectory } from './directory.js';
import type { LinkageService } from './linkage.js';
import { TransferNotFoundError, TransferRefusedError, type TransferService } from './service.js';

export interface AuthDeps {
  tokens: SessionTokens;
  users: UserRepository;
}

/** The signed-in user, if their role is one of `roles` (else 401 / 403 with `refusal`). */
export async function requireRole(d: AuthDeps, req: FastifyRequest, roles: readonly Role[], refusal: string): Promise<UserRecord> {
  const claims = d.tokens.verify(bearer(req.headers.authorization));
  const user = claims ? await d.users.findUserById(claims.sub) : null;
  if (!user || user.disabled) throw new ApiError('unauthorized', '请先登录');
  if (!roles.includes(user.role)) throw new ApiError('forbidden', refusal);
  return user;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

type ErrorClass = new (...args: never[]) => Error;

/** Runs `fn`, turning the domain's refusals into API errors (the first matching class decides the code). */
export function refusalsAs<T>(fn: () => T, codes: readonly (readonly [ErrorClass, ErrorCode])[]): T {
  try {
    return fn();
  } catch (err) {
    const hit = codes.find(([cls]) => err instanceof cls);
    if (hit) throw new ApiError(hit[1], (err as Error).message);
    throw err;
  }
}

const CallParams = z.object({ callId: z.string().min(1).max(100) });
const LinkageQuery = z.object({
  callId: z.string().min(1).max(100).optional(),
  orderCode: z.string().min(1).max(40).optional(),
});
const LINKAGE_READERS: readonly Role[] = ['agent', 'supervisor', 'dispatcher', 'admin'];

export function registerTransferRoutes(
  app: FastifyInstance,
  d: AuthDeps & { transfers: TransferService; directory: TransferDirectory; linkage: LinkageService },
): void {
  const agentOnly = (req: FastifyRequest) => requireRole(d, req, ['agent'], '只有座席可以转接电话');
  const guard = <T>(fn: () => T): T => refusalsAs(fn, [[TransferNotFoundError, 'not_found'], [TransferRefusedError, 'illegal_transition']]);

  app.get('/api/transfers/directory', async (req, reply) => {
    await requireRole(d, req, ['agent', 'supervisor', 'admin'], '无权查看转接号码簿');
    return reply.send(publicDirectory(d.directory));
  });

  app.post('/api/calls/:callId/transfer', async (req, reply) => {
    const user = await agentOnly(req);
    const { callId } = parseBody(CallParams, req.params);
    const body = parseBody(StartTransferRequest, req.body);
    return reply.code(201).send({ transfer: guard(() => d.transfers.start(user.id, callId, body)) });
  });

  app.get('/api/calls/:callId/transfer', async (req, reply) => {
    const user = await agentOnly(req);
    const { callId } = parseBody(CallParams, req.params);
    const view = d.transfers.view(callId);
    const mine = view && d.transfers.ownerOf(callId) === user.id;
    if (!view || !mine) throw new ApiError('not_found', '这通电话没有转接');
    return reply.send({ transfer: view });
  });

  app.post('/api/calls/:callId/transfer/:action', async (req, reply) => {
    const user = await agentOnly(req);
    const { callId, action } = parseBody(CallParams.extend({ action: TransferActionParam }), req.params);
    return reply.send({ transfer: guard(() => d.transfers.act(user.id, callId, action)) });
  });

  app.get('/api/linkages', async (req, reply) => {
    const user = await requireRole(d, req, LINKAGE_READERS, '无权查看联动记录');
    const q = parseBody(LinkageQuery, req.query);
    if (!q.callId && !q.orderCode) throw new ApiError('validation_failed', '请提供通话或工单编号', [{ field: 'callId', message: '请提供通话或工单编号' }]);
    const all = await d.linkage.list(q);
    // an agent sees the sheets of their own transfers only: they carry citizens' numbers
    return reply.send({ linkages: user.role === 'agent' ? all.filter((l) => l.sheet.agentId === user.id) : all });
  });
}
