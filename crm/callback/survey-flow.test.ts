import { describe, expect, it } from 'vitest';
import { initialSurvey, surveyStep, type SurveyCommand, type SurveyEvent, type SurveyState } from './survey-flow.js';

function run(events: (SurveyEvent | ((s: SurveyState) => SurveyEvent | null))[]) {
  let n = 0;
  const newId = () => `id${++n}`;
  let state = initialSurvey();
  const commands: SurveyCommand[] = [];
  for (const e of events) {
    const ev = typeof e === 'function' ? e(state) : e;
    if (!ev) continue;
    const r = surveyStep(state, ev, newId);
    state = r.state;
    commands.push(...r.commands);
  }
  return { state, commands };
}
const finished = (s: SurveyState): SurveyEvent | null => (s.playbackId ? { type: 'playback_finished', playbackId: s.playbackId } : null);
const digit = (d: string): SurveyEvent => ({ type: 'digit', digit: d });
const plays = (c: SurveyCommand[]) => c.filter((x): x is Extract<SurveyCommand, { type: 'play' }> => x.type === 'play').map((x) => x.prompt);

describe('回访 survey flow', () => {
  it('given the citizen answers every question after its prompt, then the survey completes with the scores', () => {
    const { state, commands } = run([
      { type: 'answered' },
      finished,
      finished,
      digit('5'),
      finished,
      digit('4'),
      finished,
      digit('3'),
      finished,
      digit('5'),
      finished,
      digit('1'),
      finished,
    ]);
    expect(plays(commands)).toEqual([
      'survey-intro',
      'survey-speed',
      'survey-result',
      'survey-attitude',
      'survey-reply-quality',
      'survey-overall',
      'survey-thanks',
    ]);
    expect(commands.find((c) => c.type === 'completed')).toEqual({
      type: 'completed',
      scores: { speed: 5, result: 4, attitude: 3, replyQuality: 5, satisfied: true },
    });
    expect(commands.at(-1)).toEqual({ type: 'hangup' });
    expect(state.step).toBe('done');
  });

  it('given digits typed ahead during the intro, then each question takes the next digit without being asked', () => {
    const { commands } = run([{ type: 'answered' }, digit('2'), digit('2'), digit('3'), digit('2'), digit('2'), finished, finished]);
    expect(plays(commands)).toEqual(['survey-intro', 'survey-thanks']);
    expect(commands.find((c) => c.type === 'completed')).toMatchObject({ scores: { speed: 2, result: 2, attitude: 3, replyQuality: 2, satisfied: false } });
  });

  it('given a digit pressed during a question prompt, then the prompt is stopped and the answer taken', () => {
    const { commands } = run([{ type: 'answered' }, finished, digit('4')]);
    expect(commands.some((c) => c.type === 'stop_playback')).toBe(true);
    expect(plays(commands).at(-1)).toBe('survey-result');
  });

  it('given an invalid digit, then the citizen hears "input invalid" and the same question again', () => {
    const { commands, state } = run([{ type: 'answered' }, finished, finished, digit('9')]);
    expect(plays(commands).slice(-2)).toEqual(['survey-invalid', 'survey-speed']);
    expect(state.tries).toBe(1);
  });

  it('given no answer twice, then the survey ends incomplete and hangs up', () => {
    const timeout = (s: SurveyState): SurveyEvent | null => (s.timerId ? { type: 'timeout', timerId: s.timerId } : null);
    const { commands, state } = run([{ type: 'answered' }, finished, finished, timeout, finished, timeout]);
    expect(commands.filter((c) => c.type === 'start_timer')).toHaveLength(2);
    expect(commands.slice(-2)).toEqual([{ type: 'incomplete', reason: 'no_valid_answer', answered: {} }, { type: 'hangup' }]);
    expect(state.step).toBe('done');
  });

  it('given a stale timer or playback event, then nothing happens', () => {
    const { commands } = run([{ type: 'answered' }, { type: 'playback_finished', playbackId: 'other' }, { type: 'timeout', timerId: 'x' }]);
    expect(plays(commands)).toEqual(['survey-intro']);
  });

  it('given the citizen hangs up mid-survey, then the partial answers are reported as incomplete', () => {
    const { commands } = run([{ type: 'answered' }, finished, finished, digit('5'), { type: 'hung_up' }]);
    expect(commands.at(-1)).toEqual({ type: 'incomplete', reason: 'hung_up', answered: { speed: 5 } });
  });

  it('given the citizen hangs up during the thanks, then nothing more is reported', () => {
    const { commands } = run([{ type: 'answered' }, digit('5'), digit('5'), digit('5'), digit('5'), digit('1'), finished, { type: 'hung_up' }]);
    expect(commands.filter((c) => c.type === 'incomplete')).toHaveLength(0);
    expect(commands.filter((c) => c.type === 'completed')).toHaveLength(1);
  });
});
