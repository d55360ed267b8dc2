// The 12345 hotline's standard flow (GB/T 33358-2016: no deep menus): greeting → (language menu, when
// enabled) → queue. Press 1 at any time — during the greeting, the language menu, or while waiting in the
// queue — for the self-service progress query: type the order code's digits, hear the order's state and
// expected completion date, and go back to where you were (the queue keeps your place).
import { ORDER_CODE_MAX_DIGITS, ORDER_CODE_MIN_DIGITS } from './order-code-digits.js';
import { LANGUAGE_VAR, SKILL_HINT_VAR } from './enqueue.js';
import { EXPECTED_DATE_VAR, ORDER_STATE_VAR } from './lookup.js';
import { RETURN, type FlowDefinition, type FlowStep, type MenuOption } from './types.js';

/** The queue every citizen reaches unless a skill hint sends them to a specialised one. */
export const GENERAL_QUEUE = 'general';

export interface LanguageOption {
  /** Stored in the variable `language` and reported with the enqueue (e.g. 'zh', 'en', 'yue'). */
  id: string;
  /** For operators: 普通话, 英语, 粤语 … */
  labelZh: string;
  digit: string;
  /** Skill the queue should prefer for this language; null: any agent. */
  skillHint: string | null;
  /** Prompt announcing the option with its key, e.g. language-mandarin 「普通话服务请按二。」. */
  prompt: string;
}

export interface HotlineFlowOptions {
  /** Default 'general'. */
  queue?: string;
  /** Off by default. Languages default to DEFAULT_LANGUAGES; dialect seats are added here. */
  languageMenu?: { enabled: boolean; languages?: readonly LanguageOption[] };
  /** The progress-query hot key. Default '1'. */
  queryDigit?: string;
}

/** 普通话 2, English 3 (1 is the progress query). The prompts say the keys: change both together. */
export const DEFAULT_LANGUAGES: readonly LanguageOption[] = [
  { id: 'zh', labelZh: '普通话', digit: '2', skillHint: null, prompt: 'language-mandarin' },
  { id: 'en', labelZh: '英语', digit: '3', skillHint: 'english', prompt: 'language-english' },
];

/** Step ids of the hotline flow. */
export const HOTLINE_STEPS = {
  greeting: 'greeting',
  queryHint: 'query-hint',
  language: 'language',
  queue: 'queue',
  queryCode: 'query-code',
  queryLookup: 'query-lookup',
  queryStatus: 'query-status',
  queryStatusNoDate: 'query-status-no-date',
  queryNotFound: 'query-not-found',
  queryUnavailable: 'query-unavailable',
} as const;

export const STATUS_TEXT = `您查询的工单当前状态为：{${ORDER_STATE_VAR}}，预计办结日期：{${EXPECTED_DATE_VAR}}。`;
export const STATUS_TEXT_NO_DATE = `您查询的工单当前状态为：{${ORDER_STATE_VAR}}。`;

export const ORDER_CODE_FIRST_DIGIT_TIMEOUT_MS = 10_000;
export const ORDER_CODE_INTER_DIGIT_TIMEOUT_MS = 5_000;

export function buildHotlineFlow(options: HotlineFlowOptions = {}): FlowDefinition {
  const S = HOTLINE_STEPS;
  const menuOn = options.languageMenu?.enabled === true;
  const languages = options.languageMenu?.languages ?? DEFAULT_LANGUAGES;
  const invalidPrompt = 'ivr-invalid-input';

  const steps: Record<string, FlowStep> = {
    [S.greeting]: { kind: 'play', prompt: 'greeting', next: S.queryHint },
    [S.queryHint]: { kind: 'play', prompt: 'query-hint', next: menuOn ? S.language : S.queue },
    [S.queue]: { kind: 'enqueue', queue: options.queue ?? GENERAL_QUEUE },
    [S.queryCode]: {
      kind: 'gather',
      prompt: 'query-enter-code',
      minDigits: ORDER_CODE_MIN_DIGITS,
      maxDigits: ORDER_CODE_MAX_DIGITS,
      terminator: '#',
      firstDigitTimeoutMs: ORDER_CODE_FIRST_DIGIT_TIMEOUT_MS,
      interDigitTimeoutMs: ORDER_CODE_INTER_DIGIT_TIMEOUT_MS,
      format: 'order_code',
      saveAs: 'orderCode',
      invalidPrompt,
      next: S.queryLookup,
      // invalid or no input three times: an agent helps (a queued caller just goes back to their place)
      onFail: S.queue,
    },
    [S.queryLookup]: {
      kind: 'lookup',
      codeVar: 'orderCode',
      next: S.queryStatus,
      noDate: S.queryStatusNoDate,
      notFound: S.queryNotFound,
      failed: S.queryUnavailable,
    },
    [S.queryStatus]: { kind: 'say', text: STATUS_TEXT, next: RETURN },
    [S.queryStatusNoDate]: { kind: 'say', text: STATUS_TEXT_NO_DATE, next: RETURN },
    [S.queryNotFound]: { kind: 'play', prompt: 'query-not-found', next: RETURN },
    [S.queryUnavailable]: { kind: 'play', prompt: 'query-unavailable', next: RETURN },
  };
  if (menuOn) {
    steps[S.language] = {
      kind: 'menu',
      prompt: 'language-menu',
      options: languages.map(languageOption),
      invalidPrompt,
      onFail: S.queue,
    };
  }
  return { start: S.greeting, steps, hotkeys: { [options.queryDigit ?? '1']: S.queryCode } };
}

function languageOption(l: LanguageOption): MenuOption {
  const set: Record<string, string> = { [LANGUAGE_VAR]: l.id };
  if (l.skillHint !== null) set[SKILL_HINT_VAR] = l.skillHint;
  return { digit: l.digit, prompt: l.prompt, next: HOTLINE_STEPS.queue, set };
}
