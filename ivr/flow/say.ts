// say: dynamic Chinese text read out by text-to-speech, then `next`. `{name}` placeholders are replaced by the
// flow variables (e.g. {orderState}, {expectedDate} set by a lookup step).
import { announcement } from './prompting.js';
import type { SayStep } from './types.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names of the variables `text` refers to. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** `text` with each `{name}` replaced by vars[name] (empty when unset). */
export function renderText(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => vars[name] ?? '');
}

export const say = announcement<SayStep>((step, state) => ({ text: renderText(step.text, state.vars) }));
