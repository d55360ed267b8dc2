// play: a prompt of the prompt set, or a recording given as a media URI, then `next`.
import { announcement } from './prompting.js';
import type { PlaySource, PlayStep } from './types.js';

export function playSource(step: PlayStep): PlaySource {
  return step.prompt !== undefined ? { prompt: step.prompt } : { audio: step.audio ?? '' };
}

export const play = announcement<PlayStep>((step) => playSource(step));
