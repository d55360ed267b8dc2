// Management reports (GET /api/reports/*) and hotspot alerts (GET /api/hotspots): query schemas and answers,
// shared by the server and the desktop. Roles: dispatcher, supervisor, admin. Definitions of every figure are in
// crm/reports/definitions.ts.
import { z } from 'zod';

export const REPORT_PERIODS = ['day', 'week', 'month'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

const DATE_KEY = /^\d{4}-\d{2}-\d{2}$/;

export const ReportQuery = z.object({
  period: z.enum(REPORT_PERIODS, { error: '统计周期须为 day、week 或 month' }).default('day'),
  /** Any local (Asia/Shanghai) date inside the period; default today. */
  date: z
    .string()
    .regex(DATE_KEY, { error: '日期格式应为 YYYY-MM-DD' })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { error: '日期无效' })
    .optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

export const REPORT_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ReportExportQuery = ReportQuery.extend({
  format: z.enum(REPORT_EXPORT_FORMATS, { error: '导出格式须为 csv 或 xlsx' }).default('csv'),
});
export type ReportExportQuery = z.infer<typeof ReportExportQuery>;

/** A share in [0, 1]; null when nothing was counted (0 / 0). */
export type Rate = number | null;

export interface CallFigures {
  arrived: number;
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithin15s: number;
  answerRate15s: Rate;
  connectionRate: Rate;
  abandonRate: Rate;
  /** Seconds; null when no call was answered. */
  asaSeconds: number | null;
  ahtSeconds: number | null;
}

export interface CountByKey {
  key: string;
  /** Display name (class name, type label); the key itself when unknown. */
  name: string;
  count: number;
}

export interface OrderFigures {
  received: number;
  answeredOnSpot: number;
  dispatchedOrders: number;
  firstDispatchSuccess: number;
  firstDispatchSuccessRate: Rate;
  dispatchesDue: number;
  signedOnTime: number;
  onTimeSignRate: Rate;
  respondedOnTime: number;
  closed: number;
  closedOnTime: number;
  onTimeClosureRate: Rate;
  closedWithin1Day: number;
  closedWithin3Days: number;
  closedWithin1DayRate: Rate;
  closedWithin3DaysRate: Rate;
  rated: number;
  satisfied: number;
  resolved: number;
  satisfactionRate: Rate;
  reworkOrders: number;
  reworks: number;
  byType: CountByKey[];
  byClass: CountByKey[];
  byDistrict: CountByKey[];
}

/** 三率 */
export interface ThreeRates {
  response: Rate;
  resolution: Rate;
  satisfaction: Rate;
}

export interface DailyFigures {
  date: string;
  offered: number;
  answered: number;
  abandoned: number;
  ordersReceived: number;
}

export interface ReportResponse {
  period: ReportPeriod;
  /** First and last local date of the period (inclusive). */
  firstDate: string;
  lastDate: string;
  /** ms epoch: [from, to) */
  from: number;
  to: number;
  /** Instant the figures were computed at (open periods are partial). */
  asOf: number;
  calls: CallFigures;
  orders: OrderFigures;
  threeRates: ThreeRates;
  daily: DailyFigures[];
}

// ---------------------------------------------------------------------------------------------------------------
// Hotspots (未诉先办)

export interface HotspotOrderRef {
  code: string;
  receivedAt: number;
  summary: string;
  address: string | null;
}

export interface HotspotAlertView {
  id: string;
  catalogItemCode: string;
  catalogItemName: string;
  district: string;
  /** Street, or the normalized address prefix the orders share. */
  place: string;
  placeKind: 'street' | 'address';
  windowStart: number;
  windowEnd: number;
  count: number;
  /** Mean count per earlier window of the same length (the usual level). */
  baseline: number;
  orders: HotspotOrderRef[];
}

export interface HotspotListResponse {
  asOf: number;
  windowHours: number;
  alerts: HotspotAlertView[];
}
