// Creation input of a work order (受理), validated with zod. Every message is Simplified Chinese and names
// the field in Chinese, so the desk can show it beside the input; `field` is the dotted path.
import { z } from 'zod';
import type { FieldIssue } from './errors.js';

export const CHANNELS = ['phone', 'web', 'app', 'wechat', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS_ZH: Record<Channel, string> = { phone: '电话', web: '网站', app: '移动应用', wechat: '微信', sms: '短信' };

export const ORDER_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
export const ORDER_TYPE_LABELS_ZH: Record<OrderType, string> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
};

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const URGENCY_LABELS_ZH: Record<Urgency, string> = { normal: '一般', urgent: '紧急' };

export const TIME_LIMIT_CLASSES = ['urgent_dispatch', 'life_property', 'utility', 'general', 'complex'] as const;
export type TimeLimitClass = (typeof TIME_LIMIT_CLASSES)[number];
export const TIME_LIMIT_CLASS_LABELS_ZH: Record<TimeLimitClass, string> = {
  urgent_dispatch: '紧急派单',
  life_property: '危及生命财产安全',
  utility: '水电气暖',
  general: '一般诉求',
  complex: '复杂诉求',
};

/** Chinese mainland mobile number, or landline with area code (hyphen optional). */
export const PHONE_PATTERN = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
export const CONTENT_MIN_LENGTH = 5;
export const CONTENT_MAX_LENGTH = 5000;
export const SUMMARY_MAX_LENGTH = 200;
export const ADDRESS_MAX_LENGTH = 200;
export const NAME_MAX_LENGTH = 50;

/** Chinese names of the input fields, by dotted path. Every validation message contains the field's name. */
export const FIELD_LABELS_ZH = {
  channel: '受理渠道',
  citizen: '来电人信息',
  'citizen.phone': '联系电话',
  'citizen.name': '来电人姓名',
  'citizen.confidential': '是否保密',
  type: '诉求类型',
  catalogItemCode: '事项目录编码',
  place: '事发地点',
  'place.district': '所属区县',
  'place.street': '所属街道',
  'place.address': '详细地址',
  content: '诉求内容',
  summary: '诉求摘要',
  urgency: '紧急程度',
  timeLimitClass: '时限类别',
  links: '关联记录',
  'links.callIds': '关联通话',
  'links.recordingIds': '关联录音',
  'links.transcriptId': '关联转写',
} as const;
type FieldPath = keyof typeof FIELD_LABELS_ZH;

const L = FIELD_LABELS_ZH;
const required = (f: FieldPath, kind: string) => (iss: { input: unknown }) =>
  iss.input === undefined || iss.input === null ? `${L[f]}不能为空` : `${L[f]}须为${kind}`;

function text(f: FieldPath, opts: { min?: number; max: number }) {
  let s = z.string({ error: required(f, '文本') }).trim();
  s = s.min(opts.min ?? 1, { error: opts.min !== undefined && opts.min > 1 ? `${L[f]}不能少于${opts.min}个字` : `${L[f]}不能为空` });
  return s.max(opts.max, { error: `${L[f]}不能超过${opts.max}个字` });
}

function optionalText(f: FieldPath, max: number) {
  return z
    .string({ error: `${L[f]}须为文本` })
    .trim()
    .max(max, { error: `${L[f]}不能超过${max}个字` })
    .transform((v) => (v === '' ? undefined : v))
    .optional();
}

function oneOf<const T extends readonly [string, ...string[]]>(f: FieldPath, values: T, labels: Record<T[number], string>) {
  const allowed = values.map((v) => labels[v as T[number]]).join('、');
  return z.enum(values, {
    error: (iss) => (iss.input === undefined || iss.input === null ? `${L[f]}不能为空` : `${L[f]}取值无效，应为：${allowed}`),
  });
}

const idList = (f: FieldPath) =>
  z
    .array(
      z
        .string({ error: `${L[f]}编号须为文本` })
        .trim()
        .min(1, { error: `${L[f]}编号不能为空` }),
      { error: `${L[f]}须为编号列表` },
    )
    .default([]);

export const CitizenInput = z.object(
  {
    phone: z
      .string({ error: required('citizen.phone', '文本') })
      .trim()
      .regex(PHONE_PATTERN, { error: `${L['citizen.phone']}格式不正确：应为11位手机号或带区号的固定电话（如 010-12345678）` }),
    name: optionalText('citizen.name', NAME_MAX_LENGTH),
    confidential: z.boolean({ error: `${L['citizen.confidential']}须为是或否` }).default(false),
  },
  { error: required('citizen', '对象') },
);

export const PlaceInput = z.object(
  {
    district: text('place.district', { max: 50 }),
    street: optionalText('place.street', 50),
    address: optionalText('place.address', ADDRESS_MAX_LENGTH),
  },
  { error: required('place', '对象') },
);

export const LinksInput = z
  .object(
    {
      callIds: idList('links.callIds'),
      recordingIds: idList('links.recordingIds'),
      transcriptId: optionalText('links.transcriptId', 100),
    },
    { error: `${L.links}格式不正确` },
  )
  .default({ callIds: [], recordingIds: [] });

/** Types whose facts must be located: 投诉 and 举报 need a detailed address. */
export const TYPES_REQUIRING_ADDRESS: readonly OrderType[] = ['complaint', 'report'];

export const CreateWorkOrderInput = z
  .object({
    channel: oneOf('channel', CHANNELS, CHANNEL_LABELS_ZH),
    citizen: CitizenInput,
    type: oneOf('type', ORDER_TYPES, ORDER_TYPE_LABELS_ZH),
    catalogItemCode: text('catalogItemCode', { max: 64 }),
    place: PlaceInput,
    content: text('content', { min: CONTENT_MIN_LENGTH, max: CONTENT_MAX_LENGTH }),
    summary: text('summary', { max: SUMMARY_MAX_LENGTH }),
    urgency: oneOf('urgency', URGENCIES, URGENCY_LABELS_ZH).default('normal'),
    timeLimitClass: oneOf('timeLimitClass', TIME_LIMIT_CLASSES, TIME_LIMIT_CLASS_LABELS_ZH),
    links: LinksInput,
  })
  // Cross-field rules run even when other fields are wrong, so the desk sees every problem at once.
  .refine((v) => !TYPES_REQUIRING_ADDRESS.includes(v.type) || (v.place.address ?? '') !== '', {
    error: `投诉、举报类工单须填写${L['place.address']}`,
    path: ['place', 'address'],
    when: (p) => needsAddress(p.value),
  })
  .refine((v) => v.timeLimitClass !== 'urgent_dispatch' || v.urgency === 'urgent', {
    error: `${L.timeLimitClass}为紧急派单时，${L.urgency}须为紧急`,
    path: ['urgency'],
    when: (p) => field(p.value, 'timeLimitClass') === 'urgent_dispatch' && field(p.value, 'urgency') !== 'urgent',
  });
export type CreateWorkOrderInput = z.infer<typeof CreateWorkOrderInput>;
/** What callers may send: defaults (urgency, confidential, links) may be left out. */
export type CreateWorkOrderRawInput = z.input<typeof CreateWorkOrderInput>;

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function needsAddress(v: unknown): boolean {
  const type = field(v, 'type');
  const address = field(field(v, 'place'), 'address');
  return TYPES_REQUIRING_ADDRESS.includes(type as OrderType) && (typeof address !== 'string' || address.trim() === '');
}

export type ValidationResult = { ok: true; value: CreateWorkOrderInput } | { ok: false; issues: FieldIssue[] };

/** Validates creation input; on failure, one `{ field, message }` per problem, messages in Chinese. */
export function validateCreateWorkOrder(raw: unknown): ValidationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: '', message: '工单信息不能为空' }] };
  }
  const r = CreateWorkOrderInput.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issues: FieldIssue[] = [];
  for (const iss of r.error.issues) {
    const f = iss.path.map(String).join('.');
    if (!issues.some((i) => i.field === f && i.message === iss.message)) issues.push({ field: f, message: iss.message });
  }
  return { ok: false, issues };
}
