// Real-time queue figures for supervisors and the wallboard: GET /api/acd/figures, and a push over socket.io
// (`acd:figures`) to the supervisors' room every few seconds.
import type { FastifyInstance } from 'fastify';
import type { AuthGuard } from '../platform/http/auth-guard.js';
import type { QueueService } from './service.js';

export function registerAcdRoutes(app: FastifyInstance, d: { queue: QueueService; guard: AuthGuard }): void {
  app.get('/api/acd/figures', { preHandler: d.guard.require('acd.figures.read') }, async (_req, reply) => reply.send(d.queue.figures()));
}
