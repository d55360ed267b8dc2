// The shape of the synthetic history of bench/crm/generate.ts: daily and hourly volumes, the text and phone pools,
// and the small seeded pickers the generator draws from.
import type { WorkOrderConfig } from '../../crm/work-orders/config.js';
import type { CreateWorkOrderRawInput } from '../../contracts/work-order-schemas.js';
import { DAY_MS, localDateKey, startOfLocalDay } from '../../crm/work-orders/working-calendar.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

// Local hour → relative call volume (a 12345 line: morning and afternoon peaks, quiet nights).
export const HOURLY = [0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.35, 0.7, 1.3, 1.7, 1.8, 1.6, 1.1, 1.2, 1.6, 1.7, 1.6, 1.4, 1.0, 0.9, 0.8, 0.6, 0.4, 0.25];
export const HOURLY_SUM = HOURLY.reduce((a, b) => a + b, 0);

export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
export const COMPOUND_A = '翠碧金银锦华富丽阳光明月星海云山水湖桂兰梅竹松柏枫桃杏荔龙凤鹏泰安康宁福祥瑞嘉';
export const COMPOUND_B = '园苑庭湾城府邸居轩阁苑林岸峰景';
export const COMPOUND_SUFFIX = ['花园', '小区', '公寓', '家园', '新村'];
export const PHRASES = [
  '来电人表示已多次反映，问题一直没有解决，希望尽快处理。',
  '来电人情绪较为激动，要求相关部门尽快到现场核实。',
  '来电人希望相关部门给予答复。',
  '来电人称此情况已持续一段时间，影响正常生活。',
  '来电人要求核实情况并依法处理。',
  '来电人咨询具体办理流程及所需材料。',
  '来电人希望能够电话回复处理结果。',
  '来电人表示周边多户居民均有同样诉求。',
  '',
];
export const REPLIES = [
  '经核实，已安排工作人员到现场处理，问题已解决，并已电话告知来电人。',
  '已联系相关责任单位整改，预计三个工作日内完成，已向来电人说明。',
  '经现场核查，情况属实，已责令整改并将持续跟踪。',
  '已向来电人解释相关政策规定及办理流程，来电人表示理解。',
];
export const ANSWERS = ['已按知识库口径向来电人解答，来电人表示清楚。', '已告知来电人办理地点、时间及所需材料。', '已向来电人解释相关政策，来电人无异议。'];
export const RETURN_REASONS = ['不属于本部门职责，建议派往属地街道办理', '该事项由市级部门统一负责，非本部门职责', '地址不属于本辖区'];
export const TYPES: [CreateWorkOrderRawInput['type'], number][] = [
  ['consultation', 0.33],
  ['help', 0.3],
  ['complaint', 0.22],
  ['report', 0.08],
  ['suggestion', 0.07],
];
export const CHANNELS: [CreateWorkOrderRawInput['channel'], number][] = [
  ['phone', 0.85],
  ['wechat', 0.06],
  ['app', 0.05],
  ['web', 0.03],
  ['sms', 0.01],
];

/** Orders per local day, oldest day first; the last entry is today (only up to `now`). */
export function dailyVolumes(total: number, now: number, config: WorkOrderConfig, days = 365): { dayStart: number; count: number; until: number }[] {
  const today = startOfLocalDay(now);
  const out: { dayStart: number; weight: number; until: number }[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const dayStart = today - d * DAY_MS;
    const key = localDateKey(dayStart);
    const dow = new Date(dayStart + 8 * HOUR).getUTCDay();
    let w = dow === 6 ? 0.7 : dow === 0 ? 0.6 : 1;
    if (config.calendar.holidays.has(key)) w = 0.6;
    if (config.calendar.makeUpWorkdays.has(key)) w = 1;
    let until = dayStart + DAY_MS;
    if (d === 0) {
      // today: only the hours already past
      until = now;
      const h = Math.floor((now - dayStart) / HOUR);
      const part = HOURLY.slice(0, h).reduce((a, b) => a + b, 0) + (HOURLY[h] ?? 0) * (((now - dayStart) % HOUR) / HOUR);
      w *= part / HOURLY_SUM;
    }
    out.push({ dayStart, weight: w, until });
  }
  const sum = out.reduce((a, b) => a + b.weight, 0);
  let assigned = 0;
  const res = out.map((x) => {
    const count = Math.floor((total * x.weight) / sum);
    assigned += count;
    return { dayStart: x.dayStart, count, until: x.until };
  });
  // the rounding remainder goes to the busiest weekdays of the past (never to today: it must stay before now)
  for (let i = 0; assigned < total; i = (i + 7) % (res.length - 1)) {
    res[i]!.count += 1;
    assigned += 1;
  }
  return res;
}

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

export function weighted<T>(r: () => number, xs: readonly [T, number][]): T {
  let x = r();
  for (const [v, w] of xs) {
    if ((x -= w) < 0) return v;
  }
  return xs[xs.length - 1]![0];
}

export function hourOfDay(r: () => number): number {
  let x = r() * HOURLY_SUM;
  for (let h = 0; h < 24; h++) {
    if ((x -= HOURLY[h]!) < 0) return h;
  }
  return 23;
}

export function mobile(n: number): string {
  // 1[3-9]x xxxx xxxx from an integer, deterministic
  const prefixes = [
    '139',
    '138',
    '137',
    '136',
    '135',
    '158',
    '159',
    '188',
    '186',
    '185',
    '177',
    '176',
    '131',
    '132',
    '155',
    '156',
    '133',
    '153',
    '180',
    '189',
    '199',
    '166',
  ];
  return `${prefixes[n % prefixes.length]}${String(Math.floor(n / prefixes.length) % 100_000_000).padStart(8, '0')}`;
}

export function landline(n: number): string {
  return `0755-${String(20_000_000 + (n % 79_999_999)).padStart(8, '0')}`;
}

export interface PhonePlan {
  /** Numbers of the repeat-caller pool and the frequent callers, for lookups that find something. */
  repeaters: string[];
  frequent: string[];
}

export function uuidish(r: () => number): string {
  const h = (n: number) =>
    Math.floor(r() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  return `${h(8)}-${h(4)}-4${h(3)}-${(8 + Math.floor(r() * 4)).toString(16)}${h(3)}-${h(6)}${h(6)}`;
}
