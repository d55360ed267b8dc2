// socket.io for the agent desktop: authenticated by the session token, one room per user, every client
// event validated with its schema and answered through its ack.
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { SetStateRequest, type ClientToServerEvents, type ServerToClientEvents } from '../contracts/desktop-events.js';
import { DeviceOfflineError, IllegalTransitionError } from '../acd/engine.js';
import type { AgentNotifier } from '../acd/notifier.js';
import type { QueueService } from '../acd/service.js';
import type { SessionTokens } from './auth/session-tokens.js';
import { ApiError, errorBody, validationError } from './http/errors.js';

export type HotlineIo = Server<ClientToServerEvents, ServerToClientEvents>;

const room = (userId: string) => `user:${userId}`;
/** Supervisors, dispatchers and admins: they receive the queue figures and, later, alerts. */
export const SUPERVISORS_ROOM = 'supervisors';

export function attachSocket(server: HttpServer, tokens: SessionTokens, log: Logger): HotlineIo {
  const io: HotlineIo = new Server(server, { path: '/socket.io', serveClient: false });
  io.use((socket, next) => {
    const claims = tokens.verify((socket.handshake.auth as { token?: string }).token);
    if (!claims) return next(new Error('unauthorized'));
    socket.data.userId = claims.sub;
    socket.data.role = claims.role;
    next();
  });
  log.debug('socket.io attached');
  return io;
}

export function wireAgentSockets(io: HotlineIo, queue: QueueService, log: Logger): void {
  io.on('connection', (socket) => {
    const userId = socket.data.userId as string;
    const slog = log.child({ userId, socketId: socket.id });
    void socket.join(room(userId));
    if (['supervisor', 'dispatcher', 'admin'].includes(socket.data.role as string)) void socket.join(SUPERVISORS_ROOM);
    if (socket.data.role === 'agent') socket.emit('agent:state', queue.agentKnown(userId));
    slog.info('desktop connected');

    socket.on('agent:set-state', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (socket.data.role !== 'agent') return reply({ ok: false, ...errorBody(new ApiError('forbidden', 'only agents have a seat state')) });
      const parsed = SetStateRequest.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, ...errorBody(validationError(parsed.error)) });
      try {
        const state = queue.requestState(userId, parsed.data.state, parsed.data.reason);
        slog.info({ requested: parsed.data.state, state: state.state }, 'agent state requested');
        reply({ ok: true, state });
      } catch (err) {
        const e =
          err instanceof IllegalTransitionError ? new ApiError('illegal_transition', err.message)
          : err instanceof DeviceOfflineError ? new ApiError('conflict', err.message)
          : new ApiError('internal', 'internal error');
        if (e.code === 'internal') slog.error({ err }, 'set-state failed');
        reply({ ok: false, ...errorBody(e) });
      }
    });
    socket.on('disconnect', (reason) => slog.info({ reason }, 'desktop disconnected'));
  });
}

export function socketNotifier(io: HotlineIo): AgentNotifier {
  return {
    agentState: (agentId, push) => io.to(room(agentId)).emit('agent:state', push),
    callOffered: (agentId, push) => io.to(room(agentId)).emit('call:offered', push),
    callConnected: (agentId, callId) => io.to(room(agentId)).emit('call:connected', { callId }),
    callEnded: (agentId, push) => io.to(room(agentId)).emit('call:ended', push),
  };
}

/** Pushes the queue figures to the supervisors' room while anyone is in it. */
export function pushFigures(io: HotlineIo, queue: QueueService, everyMs = 2_000): () => void {
  const timer = setInterval(() => {
    if ((io.sockets.adapter.rooms.get(SUPERVISORS_ROOM)?.size ?? 0) === 0) return;
    io.to(SUPERVISORS_ROOM).emit('acd:figures', queue.figures() as unknown as Parameters<ServerToClientEvents['acd:figures']>[0]);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
