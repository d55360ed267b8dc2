// Mandarin IVR prompts. Generated once at start-up with espeak-ng + sox as 8 kHz mono 16-bit WAV, the format
// Asterisk plays without transcoding from `sound:<absolute path without extension>`.
//
// Operators replace a synthetic prompt by dropping a recorded file with the same name into the prompt folder
// (e.g. greeting.wav, 8 kHz mono 16-bit): a prompt whose file already exists and is not empty is never regenerated.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export const PROMPT_NAMES = [
  'greeting',
  'queue-wait',
  'goodbye',
  'survey-intro',
  'survey-speed',
  'survey-result',
  'survey-attitude',
  'survey-reply-quality',
  'survey-overall',
  'survey-invalid',
  'survey-thanks',
  'query-hint',
  'query-enter-code',
  'query-not-found',
  'query-unavailable',
  'ivr-invalid-input',
  'callback-offer',
  'callback-number-choice',
  'callback-enter-number',
  'callback-accepted',
  'callback-already-pending',
  'callback-greeting',
] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

/** Prompt name → absolute path WITHOUT extension, ready for ARI `sound:<path>`. */
export type PromptSet = Record<PromptName, string>;

export interface PromptText {
  /** What the caller hears, for operators re-recording the prompt. */
  zh: string;
  /**
   * The same sentence in tone-numbered pinyin (1-4, 5 = neutral tone), which is what espeak-ng reads.
   * espeak-ng 1.51's `cmn` voice reads tone digits as English numbers; `cmn-latn-pinyin` reads them as tones.
   * Digits of the service number are spelled as Chinese syllables (1 = yao1, as said on the phone).
   */
  pinyin: string;
}

export const PROMPT_TEXTS: Readonly<Record<PromptName, PromptText>> = {
  greeting: {
    zh: '您好，欢迎致电12345政务服务便民热线。',
    pinyin: 'nin2 hao3, huan1 ying2 zhi4 dian4 yao1 er4 san1 si4 wu3 zheng4 wu4 fu2 wu4 bian4 min2 re4 xian4.',
  },
  'queue-wait': {
    zh: '座席正忙，请您稍候，我们将尽快为您服务。',
    pinyin: 'zuo4 xi2 zheng4 mang2, qing3 nin2 shao1 hou4, wo3 men5 jiang1 jin3 kuai4 wei4 nin2 fu2 wu4.',
  },
  goodbye: {
    zh: '感谢您的来电，再见。',
    pinyin: 'gan3 xie4 nin2 de5 lai2 dian4, zai4 jian4.',
  },
  // 回访: the hotline calls the citizen back once the department has replied
  'survey-intro': {
    zh: '您好，这里是12345热线回访。您反映的问题已办理答复，请对办理情况进行评价。',
    pinyin:
      'nin2 hao3, zhe4 li3 shi4 yao1 er4 san1 si4 wu3 re4 xian4 hui2 fang3. nin2 fan3 ying4 de5 wen4 ti2 yi3 ban4 li3 da2 fu4, qing3 dui4 ban4 li3 qing2 kuang4 jin4 xing2 ping2 jia4.',
  },
  'survey-speed': {
    zh: '请为办理速度打分，一到五分，五分为非常满意。',
    pinyin: 'qing3 wei4 ban4 li3 su4 du4 da3 fen1, yi1 dao4 wu3 fen1, wu3 fen1 wei2 fei1 chang2 man3 yi4.',
  },
  'survey-result': { zh: '请为办理结果打分。', pinyin: 'qing3 wei4 ban4 li3 jie2 guo3 da3 fen1.' },
  'survey-attitude': { zh: '请为服务态度打分。', pinyin: 'qing3 wei4 fu2 wu4 tai4 du4 da3 fen1.' },
  'survey-reply-quality': { zh: '请为答复质量打分。', pinyin: 'qing3 wei4 da2 fu4 zhi4 liang4 da3 fen1.' },
  'survey-overall': {
    zh: '总体满意请按一，不满意请按二。',
    pinyin: 'zong3 ti3 man3 yi4 qing3 an4 yi1, bu4 man3 yi4 qing3 an4 er4.',
  },
  'survey-invalid': {
    zh: '输入有误，请重新输入。',
    pinyin: 'shu1 ru4 you3 wu4, qing3 chong2 xin1 shu1 ru4.',
  },
  'survey-thanks': { zh: '感谢您的评价，再见。', pinyin: 'gan3 xie4 nin2 de5 ping2 jia4, zai4 jian4.' },
  // self-service progress query (ivr/flow/hotline-flow.ts)
  'query-hint': {
    zh: '如需查询工单办理进度，请随时按一。',
    pinyin: 'ru2 xu1 cha2 xun2 gong1 dan1 ban4 li3 jin4 du4, qing3 sui2 shi2 an4 yi1.',
  },
  'query-enter-code': {
    zh: '请输入工单编号中的数字，不含字母和横线，输入完毕请按井号键。',
    pinyin: 'qing3 shu1 ru4 gong1 dan1 bian1 hao4 zhong1 de5 shu4 zi4, bu4 han2 zi4 mu3 he2 heng2 xian4, shu1 ru4 wan2 bi4 qing3 an4 jing3 hao4 jian4.',
  },
  'query-not-found': {
    zh: '未查询到该工单，如需重新查询，请按一。',
    pinyin: 'wei4 cha2 xun2 dao4 gai1 gong1 dan1, ru2 xu1 chong2 xin1 cha2 xun2, qing3 an4 yi1.',
  },
  'query-unavailable': {
    zh: '查询服务暂时不可用，请稍后再试。',
    pinyin: 'cha2 xun2 fu2 wu4 zan4 shi2 bu4 ke3 yong4, qing3 shao1 hou4 zai4 shi4.',
  },
  'ivr-invalid-input': { zh: '输入有误，请重新输入。', pinyin: 'shu1 ru4 you3 wu4, qing3 chong2 xin1 shu1 ru4.' },
  // queue callback (acd/callback-offer.ts for the waiting caller, acd/callback-dialer.ts for the call back)
  'callback-offer': {
    zh: '您已等候较长时间。如需我们稍后回电，请按1；继续等候请不要挂机。',
    pinyin: 'nin2 yi3 deng3 hou4 jiao4 chang2 shi2 jian1. ru2 xu1 wo3 men5 shao1 hou4 hui2 dian4, qing3 an4 yi1; ji4 xu4 deng3 hou4 qing3 bu2 yao4 gua4 ji1.',
  },
  'callback-number-choice': {
    zh: '我们将回电至您的来电号码，确认请按1，输入其他号码请按2。',
    pinyin: 'wo3 men5 jiang1 hui2 dian4 zhi4 nin2 de5 lai2 dian4 hao4 ma3, que4 ren4 qing3 an4 yi1, shu1 ru4 qi2 ta1 hao4 ma3 qing3 an4 er4.',
  },
  'callback-enter-number': {
    zh: '请输入回电号码，输入完毕请按井号键。',
    pinyin: 'qing3 shu1 ru4 hui2 dian4 hao4 ma3, shu1 ru4 wan2 bi4 qing3 an4 jing3 hao4 jian4.',
  },
  'callback-accepted': {
    zh: '已为您登记回电，您的排队位置将保留，请挂机等候来电。',
    pinyin: 'yi3 wei4 nin2 deng1 ji4 hui2 dian4, nin2 de5 pai2 dui4 wei4 zhi4 jiang1 bao3 liu2, qing3 gua4 ji1 deng3 hou4 lai2 dian4.',
  },
  'callback-already-pending': {
    zh: '您已登记过回电，请耐心等候。',
    pinyin: 'nin2 yi3 deng1 ji4 guo4 hui2 dian4, qing3 nai4 xin1 deng3 hou4.',
  },
  'callback-greeting': {
    zh: '您好，这里是12345热线，您之前预约了回电。接通座席请按1。',
    pinyin: 'nin2 hao3, zhe4 li3 shi4 yao1 er4 san1 si4 wu3 re4 xian4, nin2 zhi1 qian2 yu4 yue1 le5 hui2 dian4. jie1 tong1 zuo4 xi2 qing3 an4 yi1.',
  },
};

/** Extensions Asterisk can play; an operator's recording in any of them counts as "prompt present". */
const PLAYABLE_EXTENSIONS = ['wav', 'WAV', 'wav16', 'gsm', 'alaw', 'ulaw', 'al', 'ul', 'sln', 'sln16', 'g722', 'g729'];

const INSTALL_HINT = 'install it with: apt-get install espeak-ng sox';

/** A program needed to synthesise audio is not installed. */
export class MissingProgramError extends Error {
  constructor(readonly program: string) {
    super(`${program} is not installed or not on PATH; it is needed to generate the Mandarin IVR prompts — ${INSTALL_HINT}`);
    this.name = 'MissingProgramError';
  }
}

export interface SpeakOptions {
  /** Output sample rate (Hz). */
  sampleRate: number;
  /** Peak level after normalisation (dBFS). Default -3. */
  peakDb?: number;
  /** espeak-ng speed in words per minute. Default 160 (espeak's 175 is hurried for phone prompts). */
  wordsPerMinute?: number;
}

/**
 * Synthesises tone-numbered pinyin with espeak-ng (voice cmn-latn-pinyin) and converts it with sox to a
 * mono 16-bit WAV at `opts.sampleRate`. Writes atomically: `outWav` is complete or absent.
 */
export async function synthesizeMandarin(pinyin: string, outWav: string, opts: SpeakOptions): Promise<void> {
  const dir = path.dirname(outWav);
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const raw = path.join(dir, `.${path.basename(outWav)}.${tag}.espeak.wav`);
  const converted = path.join(dir, `.${path.basename(outWav)}.${tag}.tmp.wav`);
  try {
    await run('espeak-ng', ['-v', 'cmn-latn-pinyin', '-s', String(opts.wordsPerMinute ?? 160), '-w', raw, pinyin]);
    await run('sox', [
      '-V1',
      raw,
      '-r',
      String(opts.sampleRate),
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed-integer',
      converted,
      'gain',
      '-n',
      String(opts.peakDb ?? -3),
    ]);
    const seconds = await wavSeconds(converted);
    if (seconds < 0.5) throw new Error(`espeak-ng produced only ${seconds.toFixed(2)} s of audio for "${pinyin}"`);
    await fs.rename(converted, outWav);
  } finally {
    await fs.rm(raw, { force: true });
    await fs.rm(converted, { force: true });
  }
}

/**
 * Makes sure every prompt exists in `dir` (created if needed) and returns their paths without extension.
 * Missing or empty prompts are synthesised; existing recordings are left untouched.
 */
export async function ensurePrompts(dir: string): Promise<PromptSet> {
  const abs = path.resolve(dir);
  await fs.mkdir(abs, { recursive: true });
  const set = {} as PromptSet;
  for (const name of PROMPT_NAMES) {
    const base = path.join(abs, name);
    if (!(await hasPlayableFile(base))) {
      try {
        await synthesizeMandarin(PROMPT_TEXTS[name].pinyin, `${base}.wav`, { sampleRate: 8000 });
      } catch (e) {
        if (e instanceof MissingProgramError) throw e;
        throw new Error(`cannot generate IVR prompt "${name}" in ${abs}: ${(e as Error).message}`, { cause: e });
      }
    }
    set[name] = base;
  }
  return set;
}

async function hasPlayableFile(base: string): Promise<boolean> {
  for (const ext of PLAYABLE_EXTENSIONS) {
    try {
      const st = await fs.stat(`${base}.${ext}`);
      // a WAV header alone (44 bytes) is an empty recording
      if (st.isFile() && st.size > 44) return true;
    } catch {
      // absent: try the next extension
    }
  }
  return false;
}

/** Duration of a PCM WAV file, read from its header (fmt + data chunk sizes). */
async function wavSeconds(file: string): Promise<number> {
  const buf = await fs.readFile(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file} is not a WAV file`);
  }
  let off = 12;
  let byteRate = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') byteRate = buf.readUInt32LE(off + 16);
    if (id === 'data') return byteRate > 0 ? Math.min(size, buf.length - off - 8) / byteRate : 0;
    off += 8 + size + (size & 1);
  }
  return 0;
}

function run(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new MissingProgramError(program));
      const detail = String(stderr).trim() || err.message;
      reject(new Error(`${program} failed: ${detail}`));
    });
  });
}
