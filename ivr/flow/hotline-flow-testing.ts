// Callers placed at the usual points of the hotline flow, shared by the hotline-flow-*.test.ts files.
import { PROMPT_NAMES } from '../../telephony/prompts.js';
import { FLOW_PROMPT_TEXTS } from './flow-prompts.js';
import { buildHotlineFlow, type HotlineFlowOptions } from './hotline-flow.js';
import { driveFlow } from './testing.js';
import type { LookupResult } from './types.js';

export const PROMPTS = [...PROMPT_NAMES, ...Object.keys(FLOW_PROMPT_TEXTS)];
export const WITH_MENU: HotlineFlowOptions = { languageMenu: { enabled: true } };
export const FOUND: LookupResult = { found: true, stateLabelZh: '办理中', expectedDateZh: '十一月二十八日' };
export const STATUS = '您查询的工单当前状态为：办理中，预计办结日期：十一月二十八日。';

export function call(options: HotlineFlowOptions = {}) {
  const d = driveFlow(buildHotlineFlow(options));
  d.send({ type: 'started' });
  return d;
}

/** A caller who got through greeting and hint into the queue (menu off). */
export function queuedCall() {
  const d = call();
  d.playThrough();
  d.send({ type: 'queued' });
  return d;
}

/** A caller in the language menu, waiting for a key after its prompts. */
export function atLanguageMenu() {
  const d = call(WITH_MENU);
  d.finish();
  d.finish();
  return d;
}
