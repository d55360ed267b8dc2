// Reference data the desk works with, beside the orders: the responsibility catalog (search, suggest, export,
// import), the departments and the knowledge base (知识库).
import { z } from 'zod';
import type { Catalog, DistrictMatch, ItemSuggestion } from './catalog.js';
import type { TimeLimitClass } from './work-order-schemas.js';
import type { DispatchOutcome } from './work-order-views.js';

// Catalog and departments

export const CatalogQuery = z.object({ q: z.string().trim().max(50, { error: '搜索词不能超过50个字' }).optional() });
/** The active catalog; with `q`, `items` holds only items whose code, name, class or keywords contain q. */
export type CatalogResponse = Catalog;

export const CatalogSuggestQuery = z.object({
  text: z.string({ error: '诉求文本不能为空' }).trim().min(1, { error: '诉求文本不能为空' }).max(5000, { error: '诉求文本不能超过5000个字' }),
  /** Address text for district detection; defaults to `text`. */
  address: z.string().trim().max(500, { error: '地址不能超过500个字' }).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});
export interface CatalogSuggestion extends ItemSuggestion {
  name: string;
  classCode: string;
  timeLimit: TimeLimitClass;
}
export interface CatalogSuggestResponse {
  items: CatalogSuggestion[];
  district: (DistrictMatch & { name: string }) | null;
  /** What dispatch() would decide for the best suggestion and the detected district; null without a suggestion. */
  dispatch: DispatchOutcome | null;
}

export const CATALOG_CSV_TABLES = ['meta', 'districts', 'departments', 'classes', 'items'] as const;
export type CatalogCsvTable = (typeof CATALOG_CSV_TABLES)[number];
export const CatalogExportQuery = z.object({
  format: z.enum(['json', 'csv'], { error: '导出格式须为 json 或 csv' }).default('json'),
  /** With format=csv: return this one table as a text/csv download instead of the five as JSON. */
  table: z.enum(CATALOG_CSV_TABLES, { error: `表名须为：${CATALOG_CSV_TABLES.join('、')}` }).optional(),
});
/** format=csv without `table`: the five CSV files (UTF-8 with BOM, CRLF), see crm/catalog/csv.ts. */
export type CatalogCsvExport = Record<CatalogCsvTable, string>;

export const CatalogImportRequest = z.discriminatedUnion(
  'format',
  [
    z.object({ format: z.literal('json'), catalog: z.unknown() }),
    z.object({
      format: z.literal('csv'),
      files: z.object(Object.fromEntries(CATALOG_CSV_TABLES.map((t) => [t, z.string({ error: `缺少 ${t} 表` })])) as Record<CatalogCsvTable, z.ZodString>, {
        error: 'CSV 文件不能为空',
      }),
    }),
  ],
  { error: '导入格式须为 json 或 csv' },
);
export type CatalogImportRequest = z.infer<typeof CatalogImportRequest>;
/** On a bad catalog: 400 validation_failed, one field issue per problem (field 'catalog'), nothing replaced. */
export interface CatalogImportResponse {
  version: string;
  districts: number;
  departments: number;
  classes: number;
  items: number;
}

export interface DepartmentView {
  code: string;
  name: string;
  level: 'city' | 'utility' | 'district';
  districtCode: string | null;
  /** false when the current catalog no longer lists it (kept for older orders and accounts). */
  active: boolean;
}
export interface DepartmentsResponse {
  departments: DepartmentView[];
}

// ---------------------------------------------------------------------------------------------------------------
// Knowledge base (知识库)

export const KnowledgeQuery = z.object({
  q: z.string().trim().max(100, { error: '搜索词不能超过100个字' }).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const NewKnowledgeArticle = z.object({
  title: z.string({ error: '标题不能为空' }).trim().min(1, { error: '标题不能为空' }).max(200, { error: '标题不能超过200个字' }),
  body: z.string({ error: '正文不能为空' }).trim().min(1, { error: '正文不能为空' }).max(20000, { error: '正文不能超过20000个字' }),
  keywords: z
    .array(z.string().trim().min(1, { error: '关键词不能为空' }).max(50), { error: '关键词须为列表' })
    .max(50)
    .default([]),
  catalogItemCodes: z.array(z.string().trim().min(1), { error: '关联事项须为列表' }).max(50).default([]),
});
export type NewKnowledgeArticle = z.input<typeof NewKnowledgeArticle>;
export interface KnowledgeArticle {
  id: number;
  title: string;
  body: string;
  keywords: string[];
  catalogItemCodes: string[];
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}
export interface KnowledgeListResponse {
  items: KnowledgeArticle[];
}
export interface KnowledgeArticleResponse {
  article: KnowledgeArticle;
}
