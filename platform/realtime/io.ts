// socket.io for the desktops: authenticated by the session token at the handshake (the identity is never taken
// from what the client claims), and the one place that names rooms, so every feature addresses a user or the
// supervisors the same way.
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/desktop-events.js';
import type { SessionTokens } from '../auth/session-tokens.js';

export type HotlineIo = Server<ClientToServerEvents, ServerToClientEvents>;

/** The room of one user: every desktop that user has open. */
export const userRoom = (userId: string): string => `user:${userId}`;
/** Supervisors, dispatchers and admins: they receive the queue figures and the alerts. */
export const SUPERVISORS_ROOM = 'supervisors';
const WATCHING_ROLES = new Set(['supervisor', 'dispatcher', 'admin']);

export function attachSocket(server: HttpServer, tokens: SessionTokens, log: Logger): HotlineIo {
  const io: HotlineIo = new Server(server, { path: '/socket.io', serveClient: false });
  io.use((socket, next) => {
    const claims = tokens.verify((socket.handshake.auth as { token?: string }).token);
    if (!claims) return next(new Error('unauthorized'));
    socket.data.userId = claims.sub;
    socket.data.role = claims.role;
    next();
  });
  io.on('connection', (socket) => {
    void socket.join(userRoom(socket.data.userId as string));
    if (WATCHING_ROLES.has(socket.data.role as string)) void socket.join(SUPERVISORS_ROOM);
  });
  log.debug('socket.io attached');
  return io;
}

/** True while at least one supervisor desktop is connected (pushes to nobody are skipped). */
export function supervisorsWatching(io: HotlineIo): boolean {
  return (io.sockets.adapter.rooms.get(SUPERVISORS_ROOM)?.size ?? 0) > 0;
}
