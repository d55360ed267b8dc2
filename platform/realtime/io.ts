// socket.io for the desktops: authenticated at the handshake by the session token, then the user row (role and
// disabled flag as they are now, not as they were when the token was issued; never what the client claims), and the one place that names rooms, so every feature addresses a user or the
// supervisors the same way.
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { ClientToServerEvents, DesktopSocketData, ServerToClientEvents } from '../../contracts/desktop-events.js';
import { SessionTokens } from '../auth/session-tokens.js';
import type { UserRepository } from '../auth/user-repository.js';

export type HotlineIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, DesktopSocketData>;

/** The room of one user: every desktop that user has open. */
export const userRoom = (userId: string): string => `user:${userId}`;
/** Supervisors, dispatchers and admins: they receive the queue figures and the alerts. */
export const SUPERVISORS_ROOM = 'supervisors';
const WATCHING_ROLES: ReadonlySet<string> = new Set(['supervisor', 'dispatcher', 'admin']);

export function attachSocket(server: HttpServer, tokens: SessionTokens, users: Pick<UserRepository, 'findUserById'>, log: Logger): HotlineIo {
  const io: HotlineIo = new Server(server, { path: '/socket.io', serveClient: false });
  io.use((socket, next) => {
    const claims = tokens.verify((socket.handshake.auth as { token?: string }).token);
    if (!claims) return next(new Error('unauthorized'));
    users.findUserById(claims.sub).then(
      (user) => {
        if (!user || user.disabled || SessionTokens.ended(claims, user)) return next(new Error('unauthorized'));
        socket.data.userId = user.id;
        socket.data.role = user.role;
        next();
      },
      (err: unknown) => {
        log.error({ err }, 'socket handshake: user lookup failed');
        next(new Error('unavailable'));
      },
    );
  });
  io.on('connection', (socket) => {
    // joins on the in-memory adapter complete synchronously; nothing to wait for
    void socket.join(userRoom(socket.data.userId));
    if (WATCHING_ROLES.has(socket.data.role)) void socket.join(SUPERVISORS_ROOM);
  });
  log.debug('socket.io attached');
  return io;
}

/** Disconnects every desktop of the user (their session was ended); a reconnect is refused at the handshake. */
export function disconnectUser(io: HotlineIo, userId: string): void {
  io.in(userRoom(userId)).disconnectSockets(true);
}

/** True while at least one supervisor desktop is connected (pushes to nobody are skipped). */
export function supervisorsWatching(io: HotlineIo): boolean {
  return (io.sockets.adapter.rooms.get(SUPERVISORS_ROOM)?.size ?? 0) > 0;
}
