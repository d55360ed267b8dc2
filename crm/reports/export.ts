// A report as tables (summary, per day, breakdowns) for CSV and Excel. Labels are Chinese, the language of the
// people who receive these files; rates are fractions (CSV) or percent-formatted cells (Excel).
import type { ReportResponse } from '../../contracts/reports.js';
import { formatCsv, type CsvCell } from '../exports/csv.js';
import { xlsx, type Cell, type Sheet } from './xlsx.js';

type Kind = 'count' | 'rate' | 'seconds';

export interface SummaryLine {
  key: string;
  label: string;
  value: number | null;
  kind: Kind;
}

export function summaryLines(r: ReportResponse): SummaryLine[] {
  const c = r.calls;
  const o = r.orders;
  const line = (key: string, label: string, value: number | null, kind: Kind = 'count'): SummaryLine => ({ key, label, value, kind });
  return [
    line('threeRates.response', '响应率', r.threeRates.response, 'rate'),
    line('threeRates.resolution', '解决率', r.threeRates.resolution, 'rate'),
    line('threeRates.satisfaction', '满意率', r.threeRates.satisfaction, 'rate'),
    line('calls.arrived', '呼入总量', c.arrived),
    line('calls.offered', '人工服务请求量', c.offered),
    line('calls.answered', '人工接通量', c.answered),
    line('calls.abandoned', '放弃量', c.abandoned),
    line('calls.answerRate15s', '15秒接通率', c.answerRate15s, 'rate'),
    line('calls.connectionRate', '人工接通率', c.connectionRate, 'rate'),
    line('calls.abandonRate', '呼损率', c.abandonRate, 'rate'),
    line('calls.asaSeconds', '平均应答时长（秒）', c.asaSeconds, 'seconds'),
    line('calls.ahtSeconds', '平均通话时长（秒）', c.ahtSeconds, 'seconds'),
    line('orders.received', '受理工单量', o.received),
    line('orders.answeredOnSpot', '直办办结量', o.answeredOnSpot),
    line('orders.dispatchedOrders', '派单工单量', o.dispatchedOrders),
    line('orders.firstDispatchSuccessRate', '一次派单准确率', o.firstDispatchSuccessRate, 'rate'),
    line('orders.onTimeSignRate', '按时签收率', o.onTimeSignRate, 'rate'),
    line('orders.closed', '办结量', o.closed),
    line('orders.onTimeClosureRate', '按期办结率', o.onTimeClosureRate, 'rate'),
    line('orders.closedWithin1DayRate', '1日内办结率', o.closedWithin1DayRate, 'rate'),
    line('orders.closedWithin3DaysRate', '3日内办结率', o.closedWithin3DaysRate, 'rate'),
    line('orders.rated', '回访评价量', o.rated),
    line('orders.satisfactionRate', '满意率', o.satisfactionRate, 'rate'),
    line('orders.reworkOrders', '重办工单量', o.reworkOrders),
    line('orders.reworks', '重办次数', o.reworks),
  ];
}

function tables(r: ReportResponse): { title: string; rows: Cell[][] }[] {
  const summary: Cell[][] = [
    ['指标', '名称', '数值'],
    ...summaryLines(r).map((l): Cell[] => [l.key, l.label, l.kind === 'rate' ? { percent: l.value } : l.value === null ? null : round(l.value)]),
  ];
  const daily: Cell[][] = [
    ['日期', '人工服务请求量', '人工接通量', '放弃量', '受理工单量'],
    ...r.daily.map((d): Cell[] => [d.date, d.offered, d.answered, d.abandoned, d.ordersReceived]),
  ];
  const breakdown: Cell[][] = [['维度', '编码', '名称', '工单量']];
  for (const [dim, list] of [
    ['类型', r.orders.byType],
    ['分类', r.orders.byClass],
    ['区县', r.orders.byDistrict],
  ] as const) {
    for (const x of list) breakdown.push([dim, x.key, x.name, x.count]);
  }
  return [
    { title: '汇总', rows: summary },
    { title: '每日', rows: daily },
    { title: '分类统计', rows: breakdown },
  ];
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A rate is its fixed-point text (never signed); text cells are made formula-safe by formatCsv. */
function csvCell(c: Cell): CsvCell {
  if (c === null || typeof c !== 'object') return c;
  return c.percent === null ? null : c.percent.toFixed(4);
}

export function reportFileName(r: ReportResponse, ext: string): string {
  return `12345-report-${r.period}-${r.firstDate}.${ext}`;
}

/** UTF-8 with a BOM so Excel opens the Chinese correctly; one section per table, a blank line between. */
export function reportCsv(r: ReportResponse): string {
  const head: CsvCell[][] = [[`统计周期 ${r.period}`, `${r.firstDate} 至 ${r.lastDate}`]];
  const sections = [head, ...tables(r).map((t) => [[t.title], ...t.rows.map((row) => row.map(csvCell))])];
  return formatCsv(sections.flatMap((rows, i) => (i === 0 ? rows : [[], ...rows])));
}

export function reportXlsx(r: ReportResponse): Buffer {
  const sheets: Sheet[] = tables(r).map((t) => ({ name: t.title, rows: t.rows }));
  return xlsx(sheets);
}
