// The first IVR flow as a pure step machine: answer, greet in Mandarin, hand the call to the queue.
// (GB/T 33358-2016: no deep menus on a 12345 line.) The adapter in ivr/service.ts runs the commands.
export type GreetingStep = 'new' | 'greeting' | 'queued' | 'ended';

export type IvrEvent =
  | { type: 'arrived' }
  | { type: 'playback_finished'; playbackId: string }
  | { type: 'playback_failed' }
  | { type: 'hung_up' };

export type IvrCommand =
  | { type: 'answer' }
  | { type: 'play'; prompt: 'greeting'; playbackId: string }
  | { type: 'enqueue'; queue: string };

export interface GreetingState {
  step: GreetingStep;
  playbackId: string | null;
}

export const GENERAL_QUEUE = 'general';

export function initialGreeting(): GreetingState {
  return { step: 'new', playbackId: null };
}

export function greetingStep(
  state: GreetingState,
  event: IvrEvent,
  newId: () => string,
): { state: GreetingState; commands: IvrCommand[] } {
  if (event.type === 'hung_up') return { state: { step: 'ended', playbackId: null }, commands: [] };
  switch (state.step) {
    case 'new': {
      if (event.type !== 'arrived') break;
      const playbackId = newId();
      return { state: { step: 'greeting', playbackId }, commands: [{ type: 'answer' }, { type: 'play', prompt: 'greeting', playbackId }] };
    }
    case 'greeting':
      // a greeting that cannot be played must not keep the citizen from an agent
      if ((event.type === 'playback_finished' && event.playbackId === state.playbackId) || event.type === 'playback_failed') {
        return { state: { step: 'queued', playbackId: null }, commands: [{ type: 'enqueue', queue: GENERAL_QUEUE }] };
      }
      break;
    case 'queued':
    case 'ended':
      break;
  }
  return { state, commands: [] };
}
