// The hotline's one call-event bus: the ACD and the IVR publish, call records and the wait announcer subscribe.
import type { CallEvents } from '../../contracts/call-events.js';
import { TypedEmitter, type EventFailureLog } from './typed-emitter.js';

export type CallEventBus = TypedEmitter<CallEvents>;

export function createCallEventBus(log: EventFailureLog): CallEventBus {
  return new TypedEmitter<CallEvents>(log);
}
