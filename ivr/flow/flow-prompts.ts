// Prompts the flows in this folder use that telephony/prompts.ts does not have yet, with the text the caller hears
// and the tone-numbered pinyin espeak-ng reads (voice cmn-latn-pinyin). To be merged into PROMPT_NAMES /
// PROMPT_TEXTS; until then validateFlow(…, [...PROMPT_NAMES, ...Object.keys(FLOW_PROMPT_TEXTS)]) accepts them.
export interface RequestedPrompt {
  /** What the caller hears. */
  text: string;
  /** Tone-numbered pinyin for espeak-ng's cmn-latn-pinyin voice; null for a prompt in another language. */
  pinyin: string | null;
  /** espeak-ng voice to synthesise it with. */
  voice: 'cmn-latn-pinyin' | 'en';
}

export const FLOW_PROMPT_TEXTS = {
  'query-hint': {
    text: '如需查询工单办理进度，请随时按一。',
    pinyin: 'ru2 xu1 cha2 xun2 gong1 dan1 ban4 li3 jin4 du4, qing3 sui2 shi2 an4 yi1.',
    voice: 'cmn-latn-pinyin',
  },
  'language-menu': { text: '请选择服务语言。', pinyin: 'qing3 xuan3 ze2 fu2 wu4 yu3 yan2.', voice: 'cmn-latn-pinyin' },
  'language-mandarin': { text: '普通话服务请按二。', pinyin: 'pu3 tong1 hua4 fu2 wu4 qing3 an4 er4.', voice: 'cmn-latn-pinyin' },
  // the English option must be heard in English: espeak-ng -v en (or a recording), not the pinyin voice
  'language-english': { text: 'For English service, please press 3.', pinyin: null, voice: 'en' },
  'query-enter-code': {
    text: '请输入工单编号中的数字，不含字母和横线，输入完毕请按井号键。',
    pinyin: 'qing3 shu1 ru4 gong1 dan1 bian1 hao4 zhong1 de5 shu4 zi4, bu4 han2 zi4 mu3 he2 heng2 xian4, shu1 ru4 wan2 bi4 qing3 an4 jing3 hao4 jian4.',
    voice: 'cmn-latn-pinyin',
  },
  'query-not-found': {
    text: '未查询到该工单，如需重新查询，请按一。',
    pinyin: 'wei4 cha2 xun2 dao4 gai1 gong1 dan1, ru2 xu1 chong2 xin1 cha2 xun2, qing3 an4 yi1.',
    voice: 'cmn-latn-pinyin',
  },
  'query-unavailable': {
    text: '查询服务暂时不可用，请稍后再试。',
    pinyin: 'cha2 xun2 fu2 wu4 zan4 shi2 bu4 ke3 yong4, qing3 shao1 hou4 zai4 shi4.',
    voice: 'cmn-latn-pinyin',
  },
  'ivr-invalid-input': { text: '输入有误，请重新输入。', pinyin: 'shu1 ru4 you3 wu4, qing3 chong2 xin1 shu1 ru4.', voice: 'cmn-latn-pinyin' },
} as const satisfies Record<string, RequestedPrompt>;

export type FlowPromptName = keyof typeof FLOW_PROMPT_TEXTS;
