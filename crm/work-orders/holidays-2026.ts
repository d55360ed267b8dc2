// China's official 2026 public-holiday arrangement (放假调休), as published by the General Office of the
// State Council on 2025-11-04 (国务院办公厅关于2026年部分节假日安排的通知, Xinhua / politics.gmw.cn).
// Dates are local dates in China (UTC+8). Weekend days inside a holiday block are listed too: harmless, and
// it keeps each block readable as published. 调休 make-up working days are Saturdays/Sundays worked.

export interface HolidayBlock {
  name: string;
  nameZh: string;
  /** Days off, YYYY-MM-DD, local date. */
  days: readonly string[];
  /** Weekend days that are working days to make up for this block (调休上班). */
  makeUpWorkdays: readonly string[];
}

function range(first: string, last: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

export const HOLIDAY_BLOCKS_2026: readonly HolidayBlock[] = [
  // 元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
  { name: "New Year's Day", nameZh: '元旦', days: range('2026-01-01', '2026-01-03'), makeUpWorkdays: ['2026-01-04'] },
  // 春节：2月15日（腊月二十八、周日）至23日（正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
  { name: 'Spring Festival', nameZh: '春节', days: range('2026-02-15', '2026-02-23'), makeUpWorkdays: ['2026-02-14', '2026-02-28'] },
  // 清明节：4月4日（周六）至6日（周一）放假，共3天。
  { name: 'Qingming Festival', nameZh: '清明节', days: range('2026-04-04', '2026-04-06'), makeUpWorkdays: [] },
  // 劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
  { name: 'Labour Day', nameZh: '劳动节', days: range('2026-05-01', '2026-05-05'), makeUpWorkdays: ['2026-05-09'] },
  // 端午节：6月19日（周五）至21日（周日）放假，共3天。
  { name: 'Dragon Boat Festival', nameZh: '端午节', days: range('2026-06-19', '2026-06-21'), makeUpWorkdays: [] },
  // 中秋节：9月25日（周五）至27日（周日）放假，共3天。
  { name: 'Mid-Autumn Festival', nameZh: '中秋节', days: range('2026-09-25', '2026-09-27'), makeUpWorkdays: [] },
  // 国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
  { name: 'National Day', nameZh: '国庆节', days: range('2026-10-01', '2026-10-07'), makeUpWorkdays: ['2026-09-20', '2026-10-10'] },
];

export const HOLIDAYS_2026: readonly string[] = HOLIDAY_BLOCKS_2026.flatMap((b) => b.days);
export const MAKE_UP_WORKDAYS_2026: readonly string[] = HOLIDAY_BLOCKS_2026.flatMap((b) => b.makeUpWorkdays);
