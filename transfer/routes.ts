// REST for transfers and linkage sheets. An agent acts only on the call they are connected to.
//   GET  /api/transfers/directory                  emergency centres and the blind-transfer directory
//   POST /api/calls/:callId/transfer               start (StartTransferRequest)
//   GET  /api/calls/:callId/transfer               the call's transfer, or 404
//   POST /api/calls/:callId/transfer/:action       complete | cancel | three-way | leave
//   GET  /api/linkages?callId=…|orderCode=…        linkage sheets and their delivery status
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { StartTransferRequest, TransferActionParam } from '../contracts/transfer.js';
import { can } from '../platform/auth/permissions.js';
import { userOf, type AuthGuard } from '../platform/http/auth-guard.js';
import { ApiError, parseBody, refusalsAs } from '../platform/http/errors.js';
import { publicDirectory, type TransferDirectory } from './directory.js';
import type { LinkageService } from './linkage.js';
import { TransferNotFoundError, TransferRefusedError, type TransferService } from './service.js';

const CallParams = z.object({ callId: z.string().min(1).max(100) });
const LinkageQuery = z.object({
  callId: z.string().min(1).max(100).optional(),
  orderCode: z.string().min(1).max(40).optional(),
});

export function registerTransferRoutes(
  app: FastifyInstance,
  d: { guard: AuthGuard; transfers: TransferService; directory: TransferDirectory; linkage: LinkageService },
): void {
  const { guard } = d;
  const refusals = <T>(fn: () => T): T =>
    refusalsAs(fn, [
      [TransferNotFoundError, 'not_found'],
      [TransferRefusedError, 'illegal_transition'],
    ]);

  app.get('/api/transfers/directory', { preHandler: guard.require('transfer.directory.read') }, async (_req, reply) =>
    reply.send(publicDirectory(d.directory)),
  );

  app.post('/api/calls/:callId/transfer', { preHandler: guard.require('transfer.start') }, async (req, reply) => {
    const user = userOf(req);
    const { callId } = parseBody(CallParams, req.params);
    const body = parseBody(StartTransferRequest, req.body);
    return reply.code(201).send({ transfer: refusals(() => d.transfers.start(user.id, callId, body)) });
  });

  app.get('/api/calls/:callId/transfer', { preHandler: guard.require('transfer.control') }, async (req, reply) => {
    const user = userOf(req);
    const { callId } = parseBody(CallParams, req.params);
    const view = d.transfers.view(callId);
    const mine = view && d.transfers.ownerOf(callId) === user.id;
    if (!view || !mine) throw new ApiError('not_found', '这通电话没有转接');
    return reply.send({ transfer: view });
  });

  app.post('/api/calls/:callId/transfer/:action', { preHandler: guard.require('transfer.control') }, async (req, reply) => {
    const user = userOf(req);
    const { callId, action } = parseBody(CallParams.extend({ action: TransferActionParam }), req.params);
    return reply.send({ transfer: refusals(() => d.transfers.act(user.id, callId, action)) });
  });

  app.get('/api/linkages', { preHandler: guard.require('linkage.read') }, async (req, reply) => {
    const user = userOf(req);
    const q = parseBody(LinkageQuery, req.query);
    if (!q.callId && !q.orderCode) throw new ApiError('validation_failed', '请提供通话或工单编号', [{ field: 'callId', message: '请提供通话或工单编号' }]);
    const all = await d.linkage.list(q);
    // an agent sees the sheets of their own transfers only: they carry citizens' numbers
    return reply.send({ linkages: can(user.role, 'linkage.read.all') ? all : all.filter((l) => l.sheet.agentId === user.id) });
  });
}
