// The ACD's part of the desktop socket: the seat state an agent asks for (validated, answered through its ack),
// the pushes to the agent's room, and the queue figures for the supervisors' room.
import type { Logger } from 'pino';
import { SetStateRequest } from '../contracts/desktop-events.js';
import { ApiError, errorBody, validationError } from '../platform/http/errors.js';
import { SUPERVISORS_ROOM, supervisorsWatching, userRoom, type HotlineIo } from '../platform/realtime/io.js';
import { DeviceOfflineError, IllegalTransitionError } from './engine.js';
import type { AgentNotifier } from './notifier.js';
import type { QueueService } from './service.js';

export function wireAgentSockets(io: HotlineIo, queue: QueueService, log: Logger): void {
  io.on('connection', (socket) => {
    const userId = socket.data.userId;
    const slog = log.child({ userId, socketId: socket.id });
    if (socket.data.role === 'agent') {
      socket.emit('agent:state', queue.agentKnown(userId));
      // after a lost socket or a server restart the seat learns again which call it is on (its order is linked to it)
      const callId = queue.connectedCallOf(userId);
      if (callId) socket.emit('call:connected', { callId });
    }
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
          err instanceof IllegalTransitionError
            ? new ApiError('illegal_transition', err.message)
            : err instanceof DeviceOfflineError
              ? new ApiError('conflict', err.message)
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
    agentState: (agentId, push) => io.to(userRoom(agentId)).emit('agent:state', push),
    callOffered: (agentId, push) => io.to(userRoom(agentId)).emit('call:offered', push),
    callConnected: (agentId, callId) => io.to(userRoom(agentId)).emit('call:connected', { callId }),
    callEnded: (agentId, push) => io.to(userRoom(agentId)).emit('call:ended', push),
  };
}

/** Pushes the queue figures to the supervisors' room while anyone is in it. */
export function pushFigures(io: HotlineIo, queue: QueueService, everyMs = 2_000): () => void {
  const timer = setInterval(() => {
    if (supervisorsWatching(io)) io.to(SUPERVISORS_ROOM).emit('acd:figures', queue.figures());
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
