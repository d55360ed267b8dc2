// 回访 satisfaction survey as a pure step machine: after the department's reply the hotline calls the citizen,
// who rates speed, result, attitude and reply quality (1–5) and says whether they are satisfied overall (1/2).
// Digits typed ahead are kept and used for the next questions, so a citizen who knows the survey is not held
// up by the prompts. Each question tolerates one invalid or missing answer, then the survey ends incomplete.
import type { PromptName } from '../../telephony/prompts.js';
import type { RatingScores } from '../../contracts/work-order-model.js';

export type SurveyQuestion = 'speed' | 'result' | 'attitude' | 'replyQuality' | 'overall';
const QUESTIONS: readonly SurveyQuestion[] = ['speed', 'result', 'attitude', 'replyQuality', 'overall'];
const PROMPT_OF: Record<SurveyQuestion, PromptName> = {
  speed: 'survey-speed',
  result: 'survey-result',
  attitude: 'survey-attitude',
  replyQuality: 'survey-reply-quality',
  overall: 'survey-overall',
};

export const ANSWER_TIMEOUT_MS = 8_000;
const MAX_TRIES = 2;

export type SurveyEvent =
  | { type: 'answered' }
  | { type: 'playback_finished'; playbackId: string }
  | { type: 'digit'; digit: string }
  | { type: 'timeout'; timerId: string }
  | { type: 'hung_up' };

export type SurveyCommand =
  | { type: 'play'; prompt: PromptName; playbackId: string }
  | { type: 'stop_playback'; playbackId: string }
  | { type: 'start_timer'; timerId: string; ms: number }
  | { type: 'hangup' }
  | { type: 'completed'; scores: RatingScores }
  | { type: 'incomplete'; reason: 'hung_up' | 'no_valid_answer'; answered: Partial<Record<SurveyQuestion, number>> };

export interface SurveyState {
  step: 'calling' | 'intro' | 'asking' | 'waiting' | 'thanks' | 'done';
  question: number;
  tries: number;
  playbackId: string | null;
  timerId: string | null;
  typedAhead: string[];
  answers: Partial<Record<SurveyQuestion, number>>;
}

export function initialSurvey(): SurveyState {
  return { step: 'calling', question: 0, tries: 0, playbackId: null, timerId: null, typedAhead: [], answers: {} };
}

type Step = { state: SurveyState; commands: SurveyCommand[] };

export function surveyStep(s: SurveyState, ev: SurveyEvent, newId: () => string): Step {
  if (s.step === 'done') return { state: s, commands: [] };
  if (ev.type === 'hung_up') {
    const finished = s.step === 'thanks';
    return { state: { ...s, step: 'done' }, commands: finished ? [] : [{ type: 'incomplete', reason: 'hung_up', answered: s.answers }] };
  }
  switch (ev.type) {
    case 'answered': {
      if (s.step !== 'calling') break;
      const playbackId = newId();
      return { state: { ...s, step: 'intro', playbackId }, commands: [{ type: 'play', prompt: 'survey-intro', playbackId }] };
    }
    case 'playback_finished':
      if (ev.playbackId !== s.playbackId) break;
      if (s.step === 'intro') return ask(s, newId);
      if (s.step === 'asking') return wait({ ...s, playbackId: null }, newId);
      if (s.step === 'thanks') return { state: { ...s, step: 'done', playbackId: null }, commands: [{ type: 'hangup' }] };
      break;
    case 'digit': {
      if (s.step === 'intro' || s.step === 'calling') return { state: { ...s, typedAhead: [...s.typedAhead, ev.digit] }, commands: [] };
      if (s.step === 'asking' || s.step === 'waiting') {
        const stop: SurveyCommand[] = s.step === 'asking' && s.playbackId ? [{ type: 'stop_playback', playbackId: s.playbackId }] : [];
        const next = answer({ ...s, playbackId: null, timerId: null }, ev.digit, newId);
        return { state: next.state, commands: [...stop, ...next.commands] };
      }
      break;
    }
    case 'timeout':
      if (s.step !== 'waiting' || ev.timerId !== s.timerId) break;
      return retry({ ...s, timerId: null }, newId);
  }
  return { state: s, commands: [] };
}

function ask(s: SurveyState, newId: () => string): Step {
  const [next, ...rest] = s.typedAhead;
  if (next !== undefined) return answer({ ...s, typedAhead: rest }, next, newId);
  const playbackId = newId();
  const q = QUESTIONS[s.question]!;
  return { state: { ...s, step: 'asking', playbackId }, commands: [{ type: 'play', prompt: PROMPT_OF[q], playbackId }] };
}

function wait(s: SurveyState, newId: () => string): Step {
  const timerId = newId();
  return { state: { ...s, step: 'waiting', timerId }, commands: [{ type: 'start_timer', timerId, ms: ANSWER_TIMEOUT_MS }] };
}

function answer(s: SurveyState, digit: string, newId: () => string): Step {
  const q = QUESTIONS[s.question]!;
  const value = valueOf(q, digit);
  if (value === null) return retry(s, newId, true);
  const answers = { ...s.answers, [q]: value };
  if (s.question + 1 < QUESTIONS.length) return ask({ ...s, answers, question: s.question + 1, tries: 0 }, newId);
  const playbackId = newId();
  const scores: RatingScores = {
    speed: answers.speed!,
    result: answers.result!,
    attitude: answers.attitude!,
    replyQuality: answers.replyQuality!,
    satisfied: answers.overall === 1,
  };
  return {
    state: { ...s, answers, step: 'thanks', playbackId, typedAhead: [] },
    commands: [
      { type: 'completed', scores },
      { type: 'play', prompt: 'survey-thanks', playbackId },
    ],
  };
}

function retry(s: SurveyState, newId: () => string, invalid = false): Step {
  const tries = s.tries + 1;
  if (tries >= MAX_TRIES) {
    return { state: { ...s, step: 'done' }, commands: [{ type: 'incomplete', reason: 'no_valid_answer', answered: s.answers }, { type: 'hangup' }] };
  }
  const playbackId = newId();
  const q = QUESTIONS[s.question]!;
  // "input invalid" then the same question again; typed-ahead digits after a wrong one are dropped
  const commands: SurveyCommand[] = invalid ? [{ type: 'play', prompt: 'survey-invalid', playbackId: newId() }] : [];
  commands.push({ type: 'play', prompt: PROMPT_OF[q], playbackId });
  return { state: { ...s, tries, step: 'asking', playbackId, typedAhead: [] }, commands };
}

function valueOf(q: SurveyQuestion, digit: string): number | null {
  if (q === 'overall') return digit === '1' ? 1 : digit === '2' ? 2 : null;
  return /^[1-5]$/.test(digit) ? Number(digit) : null;
}
