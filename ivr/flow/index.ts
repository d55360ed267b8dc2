// Data-defined IVR flows: types, the interpreter, validation, and the hotline's standard flow.
export * from './types.js';
export { ivrStep, initialIvrState, hotkeysApply, FlowRuntimeError, MAX_TRANSITIONS_PER_EVENT } from './interpreter.js';
export { validateFlow, assertValidFlow, FlowValidationError } from './validate.js';
export {
  buildHotlineFlow,
  DEFAULT_LANGUAGES,
  HOTLINE_STEPS,
  STATUS_TEXT,
  STATUS_TEXT_NO_DATE,
  type HotlineFlowOptions,
  type LanguageOption,
} from './hotline-flow.js';
export { orderCodeFromDigits, ORDER_CODE_MIN_DIGITS, ORDER_CODE_MAX_DIGITS } from './order-code-digits.js';
export { formatDateZh, chineseNumber, type DateZhOptions } from './date-zh.js';
export { FLOW_PROMPT_TEXTS, type FlowPromptName, type RequestedPrompt } from './flow-prompts.js';
export { renderText, placeholders } from './say.js';
