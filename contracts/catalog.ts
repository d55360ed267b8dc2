// Responsibility catalog (职责清单): classes of citizen requests, the items inside them, and which department
// each item is dispatched to — either one city-wide department, or (属地, local responsibility) one department
// per district. These zod schemas check the shape of one catalog; validate.ts adds the cross-reference checks.
import { z } from 'zod';

/**
 * Default time-limit class of an item (the handling deadline is decided per class by policy, not here):
 * - urgent_dispatch: must be dispatched at once (pipe burst, gas leak, waterlogging, landslide risk)
 * - life_property:   threatens life or property (loose manhole cover, falling tiles, food poisoning)
 * - utility:         water / power / gas / heating service interruption
 * - general:         ordinary complaints, requests and consultations
 * - complex:         needs coordination or investigation (wage arrears, illegal buildings, demolition)
 */
export const TIME_LIMIT_CLASSES = ['urgent_dispatch', 'life_property', 'utility', 'general', 'complex'] as const;
export const TimeLimitClass = z.enum(TIME_LIMIT_CLASSES);
export type TimeLimitClass = z.infer<typeof TimeLimitClass>;

export const DEPARTMENT_LEVELS = ['city', 'utility', 'district'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

/** Separator for list cells (keywords, places) in CSV exports; list entries may not contain it. */
export const LIST_SEPARATOR = '、';

const listEntry = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .refine((v) => !v.includes(LIST_SEPARATOR) && !/[\r\n]/.test(v), `must not contain "${LIST_SEPARATOR}" or a line break`);

export const DistrictCode = z.string().regex(/^[a-z][a-z0-9-]*$/, 'district code must be lowercase letters, digits or -');
export const DepartmentCode = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'department code must be dot-separated lowercase segments, e.g. city.housing');
export const ClassCode = z.string().regex(/^[A-Z][A-Z0-9]*$/, 'class code must be uppercase letters and digits, e.g. C03');
export const ItemCode = z.string().regex(/^[A-Z][A-Z0-9]*\.\d{3,4}$/, 'item code must be CLASS.NNN, e.g. C03.015');

export const District = z.object({
  code: DistrictCode,
  /** Full name as written in addresses, e.g. 南山区 */
  name: z.string().trim().min(1),
  /** Short form citizens say, e.g. 南山 */
  shortName: z.string().trim().min(1),
  /** Streets (街道), towns and landmarks that identify the district in an address without naming it. */
  places: z.array(listEntry),
});
export type District = z.infer<typeof District>;

export const Department = z.object({
  code: DepartmentCode,
  name: z.string().trim().min(1),
  level: z.enum(DEPARTMENT_LEVELS),
  /** Required for district-level departments, absent otherwise. */
  districtCode: DistrictCode.optional(),
});
export type Department = z.infer<typeof Department>;

export const ItemClass = z.object({
  code: ClassCode,
  name: z.string().trim().min(1),
});
export type ItemClass = z.infer<typeof ItemClass>;

export const CityResponsibility = z.object({
  kind: z.literal('city'),
  departmentCode: DepartmentCode,
});
export const DistrictResponsibility = z.object({
  kind: z.literal('district'),
  /** districtCode → departmentCode; must name every district of the catalog. */
  byDistrict: z.record(DistrictCode, DepartmentCode),
});
export const Responsibility = z.discriminatedUnion('kind', [CityResponsibility, DistrictResponsibility]);
export type Responsibility = z.infer<typeof Responsibility>;

export const CatalogItem = z.object({
  code: ItemCode,
  classCode: ClassCode,
  name: z.string().trim().min(1),
  /** Words citizens use; matched as substrings of a summary or transcript (see dispatch.ts suggestItems). */
  keywords: z.array(listEntry).min(1, 'an item needs at least one keyword'),
  timeLimit: TimeLimitClass,
  responsibility: Responsibility,
});
export type CatalogItem = z.infer<typeof CatalogItem>;

export const Catalog = z.object({
  version: z.string().trim().min(1),
  city: z.string().trim().min(1),
  districts: z.array(District),
  departments: z.array(Department),
  classes: z.array(ItemClass),
  items: z.array(CatalogItem),
});
export type Catalog = z.infer<typeof Catalog>;

// What auto-dispatch and the text helpers answer (crm/catalog/dispatch.ts computes them).
export type ManualReasonCode = 'no_item' | 'unknown_item' | 'district_missing' | 'unknown_district' | 'district_unmapped';

export type DispatchResult =
  { kind: 'auto'; departmentCode: string; itemCode: string; reason: string } | { kind: 'manual'; code: ManualReasonCode; reason: string; itemCode?: string };

export interface ItemSuggestion {
  itemCode: string;
  score: number;
  /** The item's keywords found whole in the text, strongest first. */
  matchedKeywords: string[];
  /** Weaker evidence: the start or end of one of the item's keywords found in the text (工资 of 拖欠工资). */
  matchedFragments: { fragment: string; keyword: string }[];
}

export interface DistrictMatch {
  districtCode: string;
  /** The text that identified the district, e.g. 南山区, 南山 or 科技园. */
  matched: string;
  via: 'name' | 'short_name' | 'place';
}
