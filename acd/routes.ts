// Real-time queue figures for supervisors and the wallboard: GET /api/acd/figures, and a push over socket.io
// (`acd:figures`) to the supervisors' room every few seconds.
import type { FastifyInstance } from 'fastify';
import type { Role } from '../contracts/api.js';
import type { SessionTokens } from '../platform/auth/session-tokens.js';
import type { UserRepository } from '../platform/auth/user-repository.js';
import { bearer } from '../platform/http/app.js';
import { ApiError } from '../platform/http/errors.js';
import type { QueueService } from './service.js';

export const FIGURE_READERS: readonly Role[] = ['supervisor', 'dispatcher', 'admin'];

export function registerAcdRoutes(app: FastifyInstance, d: { queue: QueueService; tokens: SessionTokens; users: UserRepository }): void {
  app.get('/api/acd/figures', async (req, reply) => {
    const claims = d.tokens.verify(bearer(req.headers.authorization));
    const user = claims ? await d.users.findUserById(claims.sub) : null;
    if (!user || user.disabled) throw new ApiError('unauthorized', '请先登录');
    if (!FIGURE_READERS.includes(user.role)) throw new ApiError('forbidden', '只有班长、派单员和管理员可以查看实时话务数据');
    return reply.send(d.queue.figures());
  });
}
