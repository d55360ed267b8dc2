// REST for supervision. Only supervisors supervise and force states; administrators read the audit trail.
//   POST /api/supervision                      { agentId, mode, phone? } → the session (the supervisor's phone rings)
//   POST /api/supervision/:id/mode             { mode }  switch listen / whisper / barge during the call
//   POST /api/supervision/:id/stop
//   GET  /api/supervision                      sessions running now
//   POST /api/agents/:agentId/force-state      { state: available | break | offline }
//   GET  /api/supervision/audit                (admin) who supervised whom, which call, mode, start, end
//   GET  /api/wallboard/agents                 the agent grid of the wallboard
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DeviceOfflineError, IllegalTransitionError } from '../acd/engine.js';
import { ForceStateRequest, SuperviseRequest, SwitchModeRequest } from '../contracts/transfer.js';
import { userOf, type AuthGuard, type UserLookup } from '../platform/http/auth-guard.js';
import { ApiError, parseBody, refusalsAs } from '../platform/http/errors.js';
import type { SupervisionService } from './service.js';
import { SupervisionNotFoundError, SupervisionRefusedError } from './service.js';
import type { Wallboard } from './wallboard.js';
import type { SupervisionAudit } from './audit.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const AgentParams = z.object({ agentId: z.string().min(1).max(100) });

export function registerSupervisionRoutes(
  app: FastifyInstance,
  d: { guard: AuthGuard; users: UserLookup; supervision: SupervisionService; audit: SupervisionAudit; wallboard: Wallboard },
): void {
  const supervise = { preHandler: d.guard.require('supervision.supervise') };
  const refusals = <T>(fn: () => T): T =>
    refusalsAs(fn, [
      [SupervisionNotFoundError, 'not_found'],
      [SupervisionRefusedError, 'conflict'],
    ]);

  app.post('/api/supervision', supervise, async (req, reply) => {
    const user = userOf(req);
    const body = parseBody(SuperviseRequest, req.body);
    // a number given with the request (a desk or mobile phone) wins over the account's softphone extension
    const phone = body.phone ? { trunkNumber: body.phone } : user.extension ? { device: user.extension } : null;
    if (!phone)
      throw new ApiError('validation_failed', 'phone: 请填写班长的电话号码', [{ field: 'phone', message: '您的账号没有软电话，请填写接听监听的电话号码' }]);
    return reply.code(201).send({ session: refusals(() => d.supervision.start(user.id, { agentId: body.agentId, mode: body.mode, phone })) });
  });

  app.get('/api/supervision', supervise, async (_req, reply) => reply.send({ sessions: d.supervision.list() }));

  app.post('/api/supervision/:id/mode', supervise, async (req, reply) => {
    const user = userOf(req);
    const { id } = parseBody(IdParams, req.params);
    const { mode } = parseBody(SwitchModeRequest, req.body);
    return reply.send({ session: refusals(() => d.supervision.switchMode(id, user.id, mode)) });
  });

  app.post('/api/supervision/:id/stop', supervise, async (req, reply) => {
    const user = userOf(req);
    const { id } = parseBody(IdParams, req.params);
    return reply.send({ session: refusals(() => d.supervision.stop(id, user.id)) });
  });

  app.post('/api/agents/:agentId/force-state', { preHandler: d.guard.require('agent.force-state') }, async (req, reply) => {
    const user = userOf(req);
    const { agentId } = parseBody(AgentParams, req.params);
    const { state } = parseBody(ForceStateRequest, req.body);
    const target = await d.users.findUserById(agentId);
    if (!target || target.role !== 'agent') throw new ApiError('not_found', '座席不存在');
    await refusalsAs(
      () => d.supervision.forceState(user.id, agentId, state),
      [
        [IllegalTransitionError, 'illegal_transition'],
        [DeviceOfflineError, 'conflict'],
      ],
    );
    return reply.send({ ok: true });
  });

  app.get('/api/supervision/audit', { preHandler: d.guard.require('supervision.audit.read') }, async (_req, reply) =>
    reply.send({ rows: await d.audit.list() }),
  );

  app.get('/api/wallboard/agents', { preHandler: d.guard.require('wallboard.read') }, async (_req, reply) => reply.send({ agents: d.wallboard.agents() }));
}
