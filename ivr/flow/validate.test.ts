import { describe, expect, it } from 'vitest';
import { FlowValidationError, assertValidFlow, validateFlow } from './validate.js';
import type { FlowDefinition, FlowStep } from './types.js';

const PROMPTS = ['hello', 'pick', 'code', 'oops', 'bye'];

function flow(steps: Record<string, FlowStep>, extra: Partial<FlowDefinition> = {}): FlowDefinition {
  return { start: 'start', steps: { agent: { kind: 'enqueue', queue: 'general' }, ...steps }, ...extra };
}

const ok = flow(
  {
    start: { kind: 'play', prompt: 'hello', next: 'menu' },
    menu: { kind: 'menu', prompt: 'pick', options: [{ digit: '2', next: 'agent', set: { skillHint: 'x' } }], invalidPrompt: 'oops', onFail: 'agent' },
    code: { kind: 'gather', prompt: 'code', minDigits: 9, maxDigits: 14, format: 'order_code', saveAs: 'orderCode', next: 'lookup', onFail: 'agent' },
    lookup: { kind: 'lookup', next: 'status', notFound: 'sorry' },
    status: { kind: 'say', text: '状态：{orderState}，{expectedDate}', next: '@return' },
    sorry: { kind: 'play', prompt: 'bye', next: '@return' },
  },
  { hotkeys: { '1': 'code' } },
);

describe('validateFlow', () => {
  it('given a valid flow, when validated, then there are no problems', () => {
    expect(validateFlow(ok, PROMPTS)).toEqual([]);
    expect(() => assertValidFlow(ok, PROMPTS)).not.toThrow();
  });

  it('given a next naming no step, when validated, then the step and the missing id are named', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: 'menuu' } });
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": next leads to unknown step "menuu"',
      'step "agent" is unreachable (neither from start "start" nor from a hot key)',
    ]);
  });

  it('given a menu option and onFail naming no step, when validated, then each is named', () => {
    const f = flow({ start: { kind: 'menu', prompt: 'pick', options: [{ digit: '2', next: 'x' }], onFail: 'y' } });
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": option 2 leads to unknown step "x"',
      'step "start": onFail leads to unknown step "y"',
      'step "agent" is unreachable (neither from start "start" nor from a hot key)',
    ]);
  });

  it('given a start or hot key naming no step, when validated, then it is refused', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: 'agent' } }, { start: 'begin', hotkeys: { '1': 'help', x: 'start' } });
    const problems = validateFlow(f, PROMPTS);
    expect(problems).toContain('start step "begin" does not exist');
    expect(problems).toContain('hot key 1 leads to unknown step "help"');
    expect(problems).toContain('hot key "x" is not a single DTMF key (0-9, *, #)');
  });

  it('given a step nothing leads to, when validated, then it is unreachable', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: 'agent' }, orphan: { kind: 'play', prompt: 'bye', next: 'agent' } });
    expect(validateFlow(f, PROMPTS)).toEqual(['step "orphan" is unreachable (neither from start "start" nor from a hot key)']);
  });

  it('given missing and unknown prompts, when validated, then each step and field is named', () => {
    const f = flow({
      start: { kind: 'play', next: 'menu' },
      menu: { kind: 'menu', prompt: '', options: [{ digit: '2', prompt: 'two', next: 'code' }], invalidPrompt: 'nope', onFail: 'agent' },
      code: { kind: 'gather', prompt: 'codee', minDigits: 1, maxDigits: 2, saveAs: 'c', next: 'agent', onFail: 'agent' },
    });
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": prompt is missing',
      'step "menu": prompt is missing',
      'step "menu": invalidPrompt "nope" is not in the prompt set',
      'step "menu": option 2 prompt "two" is not in the prompt set',
      'step "code": prompt "codee" is not in the prompt set',
    ]);
  });

  it('given a play with both prompt and audio, or an empty audio, when validated, then it is refused', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', audio: 'sound:/x', next: 'p2' }, p2: { kind: 'play', audio: '', next: 'agent' } });
    expect(validateFlow(f, PROMPTS)).toEqual(['step "start": give either prompt or audio, not both', 'step "p2": audio is missing']);
  });

  it('given plays that lead to each other, when validated, then the loop without input is named', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: 'b' }, b: { kind: 'play', prompt: 'bye', next: 'start' } });
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "agent" is unreachable (neither from start "start" nor from a hot key)',
      'steps "start" → "b" → "start" loop without the caller pressing a key',
    ]);
  });

  it("given a menu whose onFail leads back to it through a play, when validated, then the silent caller's loop is named", () => {
    const f = flow({
      start: { kind: 'menu', prompt: 'pick', options: [{ digit: '2', next: 'agent' }], onFail: 'again' },
      again: { kind: 'play', prompt: 'oops', next: 'start' },
    });
    expect(validateFlow(f, PROMPTS)).toEqual(['steps "start" → "again" → "start" loop without the caller pressing a key']);
  });

  it('given a menu option leading back to the menu, when validated, then it is accepted (the caller pressed a key)', () => {
    const f = flow({
      start: {
        kind: 'menu',
        prompt: 'pick',
        options: [
          { digit: '2', next: 'agent' },
          { digit: '3', next: 'info' },
        ],
        onFail: 'agent',
      },
      info: { kind: 'play', prompt: 'hello', next: 'start' },
    });
    expect(validateFlow(f, PROMPTS)).toEqual([]);
  });

  it('given a step returning in the main flow, when validated, then it is refused', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: '@return' } });
    expect(validateFlow(f, PROMPTS)).toContain(
      'step "start": next returns to where the caller was, but the step is part of the main flow (only a hot-key sub-flow can return)',
    );
  });

  it('given a step with the reserved id, when validated, then it is refused', () => {
    const f = flow({ start: { kind: 'play', prompt: 'hello', next: 'agent' }, '@return': { kind: 'hangup' } });
    expect(validateFlow(f, PROMPTS)).toContain('step id "@return" is reserved for returning from a hot-key sub-flow');
  });

  it('given menu option problems, when validated, then clashes, duplicates and bad keys are named', () => {
    const f = flow(
      {
        start: {
          kind: 'menu',
          prompt: 'pick',
          options: [
            { digit: '1', next: 'agent' },
            { digit: '2', next: 'agent' },
            { digit: '2', next: 'agent' },
            { digit: '22', next: 'agent' },
          ],
          timeoutMs: 0,
          maxAttempts: 0,
          onFail: 'agent',
        },
        help: { kind: 'play', prompt: 'hello', next: '@return' },
      },
      { hotkeys: { '1': 'help' } },
    );
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": timeoutMs must be a positive whole number of milliseconds, got 0',
      'step "start": maxAttempts must be a whole number ≥ 1, got 0',
      'step "start": option 1 is also the hot key 1 (the hot key would win): pick another key or set hotkeys: false',
      'step "start": option 2 is listed twice',
      'step "start": option "22" is not a single DTMF key (0-9, *, #)',
    ]);
  });

  it('given a menu without options, when validated, then it is refused', () => {
    const f = flow({ start: { kind: 'menu', prompt: 'pick', options: [], onFail: 'agent' } });
    expect(validateFlow(f, PROMPTS)).toEqual(['step "start": has no options']);
  });

  it('given gather parameters out of range, when validated, then each is named', () => {
    const gather = (p: Partial<Extract<FlowStep, { kind: 'gather' }>>): FlowStep => ({
      kind: 'gather',
      prompt: 'code',
      minDigits: 1,
      maxDigits: 4,
      saveAs: 'v',
      next: 'agent',
      onFail: 'agent',
      ...p,
    });
    const f = flow({
      start: gather({ minDigits: 0, firstDigitTimeoutMs: -1, interDigitTimeoutMs: 1.5, next: 'g2' }),
      g2: gather({ minDigits: 4, maxDigits: 3, terminator: '5' as '#', saveAs: '', next: 'g3' }),
      g3: gather({ minDigits: 1, maxDigits: 4, format: 'order_code' }),
    });
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": firstDigitTimeoutMs must be a positive whole number of milliseconds, got -1',
      'step "start": interDigitTimeoutMs must be a positive whole number of milliseconds, got 1.5',
      'step "start": minDigits must be a whole number ≥ 1, got 0',
      'step "g2": maxDigits must be a whole number ≥ minDigits (4), got 3',
      'step "g2": terminator must be "#", "*" or null, got "5"',
      'step "g2": saveAs is missing',
      'step "g3": an order code has 9–14 digits, but the step accepts 1–4',
    ]);
  });

  it('given say and lookup reading variables no step sets, when validated, then the variables are named', () => {
    const f = flow(
      {
        start: { kind: 'say', text: '您好{name}', next: 'lookup' },
        lookup: { kind: 'lookup', codeVar: 'code', next: 'agent', notFound: 'agent' },
        empty: { kind: 'say', text: ' ', next: 'agent' },
      },
      { hotkeys: { '1': 'empty' } },
    );
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "start": text uses {name}, which no step sets',
      'step "lookup": looks up the code in {code}, which no step sets',
      'step "empty": text is missing',
    ]);
  });

  it('given an unknown kind, an empty queue and a bad transfer number, when validated, then each is named', () => {
    const f = {
      start: 'start',
      steps: {
        start: {
          kind: 'menu',
          prompt: 'pick',
          options: [
            { digit: '2', next: 'q' },
            { digit: '3', next: 't' },
            { digit: '4', next: 'x' },
          ],
          onFail: 'q',
        },
        q: { kind: 'enqueue', queue: '' },
        t: { kind: 'transfer', number: '110 ext' },
        x: { kind: 'teleport' },
      },
    } as unknown as FlowDefinition;
    expect(validateFlow(f, PROMPTS)).toEqual([
      'step "x": unknown kind "teleport"',
      'step "q": queue is missing',
      'step "t": number "110 ext" is not a dialable number',
    ]);
  });

  it('given an invalid flow, when asserted, then FlowValidationError lists every problem', () => {
    const f = flow({ start: { kind: 'play', prompt: 'nope', next: 'gone' } });
    try {
      assertValidFlow(f, PROMPTS);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FlowValidationError);
      expect((e as FlowValidationError).problems).toEqual([
        'step "start": next leads to unknown step "gone"',
        'step "start": prompt "nope" is not in the prompt set',
        'step "agent" is unreachable (neither from start "start" nor from a hot key)',
      ]);
      expect((e as Error).message).toContain('  - step "start": next leads to unknown step "gone"');
    }
  });
});
