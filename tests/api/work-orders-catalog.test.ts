// The work-order API's reference data: the responsibility catalog (search, suggest, export, import) and the
// knowledge base.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CatalogCsvExport, CatalogResponse, CatalogSuggestResponse, DepartmentsResponse, KnowledgeListResponse } from '../../contracts/work-orders.js';
import { loadSampleCatalog } from '../../crm/catalog/sample.js';
import { db, call, useWorkOrderApi } from './work-orders-harness.js';

useWorkOrderApi();

describe('catalog and knowledge', () => {
  it('searches, suggests and exports the catalog', async () => {
    const all = (await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>();
    expect(all.items.length).toBeGreaterThan(100);
    const hpf = (await call('GET', `/api/catalog?q=${encodeURIComponent('公积金')}`, 'agent1')).json<CatalogResponse>();
    expect(hpf.items.length).toBeGreaterThan(3);
    expect(hpf.items.every((i) => i.code.startsWith('C03.') || i.keywords.some((k) => k.includes('公积金')) || i.name.includes('公积金'))).toBe(true);

    const s = (
      await call('GET', `/api/catalog/suggest?text=${encodeURIComponent('楼上装修噪音太吵了')}&address=${encodeURIComponent('南山区桃源街道')}`, 'agent1')
    ).json<CatalogSuggestResponse>();
    expect(s.items[0]).toMatchObject({ itemCode: 'C04.001', name: '住宅装修噪声扰民' });
    expect(s.district).toMatchObject({ districtCode: 'nanshan', name: '南山区' });
    expect(s.dispatch).toMatchObject({ kind: 'auto' });
    expect((await call('GET', '/api/catalog/suggest', 'agent1')).json().error.fields[0]).toMatchObject({ field: 'text', message: '诉求文本不能为空' });

    expect((await call('GET', '/api/catalog/export?format=json', 'agent1')).statusCode).toBe(403);
    const json = await call('GET', '/api/catalog/export?format=json', 'admin1');
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body)).toEqual(loadSampleCatalog());
    const csv = (await call('GET', '/api/catalog/export?format=csv', 'admin1')).json<CatalogCsvExport>();
    expect(Object.keys(csv).sort()).toEqual(['classes', 'departments', 'districts', 'items', 'meta']);
    const items = await call('GET', '/api/catalog/export?format=csv&table=items', 'admin1');
    expect(items.headers['content-type']).toContain('text/csv');
    expect(items.body.startsWith('\uFEFFcode,class_code')).toBe(true);
  });

  it('imports a catalog atomically (admin only) and refuses an inconsistent one whole', async () => {
    const sample = loadSampleCatalog();
    expect((await call('POST', '/api/catalog/import', 'sup1', { format: 'json', catalog: sample })).statusCode).toBe(403);

    const broken = {
      ...sample,
      version: 'broken',
      items: [...sample.items, { ...sample.items[0]!, responsibility: { kind: 'city', departmentCode: 'city.nowhere' } }],
    };
    const refused = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: broken });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('职责清单校验失败');
    expect(refused.json().error.fields.map((f: { message: string }) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('duplicate item code'), expect.stringContaining('unknown department city.nowhere')]),
    );
    expect((await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>().version).toBe(sample.version);

    const next = {
      ...sample,
      version: '2026.1-test',
      departments: [...sample.departments, { code: 'city.test', name: '市测试局', level: 'city' as const }],
    };
    const ok = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: next });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: '2026.1-test', items: sample.items.length, departments: sample.departments.length + 1 });
    expect((await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>().version).toBe('2026.1-test');

    // back to the sample through CSV: the department only the test version had stays, inactive
    const csv = (await call('GET', '/api/catalog/export?format=csv', 'admin1')).json<CatalogCsvExport>();
    const sampleCsv = { ...csv, meta: csv.meta.replace('2026.1-test', sample.version), departments: csv.departments.replace(/\r\ncity\.test,[^\r\n]*/, '') };
    const back = await call('POST', '/api/catalog/import', 'admin1', { format: 'csv', files: sampleCsv });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ version: sample.version, departments: sample.departments.length });
    const deps = (await call('GET', '/api/departments', 'agent1')).json<DepartmentsResponse>().departments;
    expect(deps.find((d) => d.code === 'city.test')).toMatchObject({ active: false });
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM catalog_versions`);
    expect(rows[0]!.n).toBe(3);
  });

  it('keeps a knowledge base searchable by words; only supervisors and admins write', async () => {
    const article = {
      title: '住房公积金租房提取办理指南',
      body: '租房提取住房公积金需提供身份证、租赁合同备案证明，可在网上办事大厅申请，每季度可提取一次。',
      keywords: ['租房提取', '提取公积金'],
      catalogItemCodes: ['C03.001'],
    };
    expect((await call('POST', '/api/knowledge', 'agent1', article)).statusCode).toBe(403);
    const created = await call('POST', '/api/knowledge', 'sup1', article);
    expect(created.statusCode, created.body).toBe(201);
    await call('POST', '/api/knowledge', 'admin1', { title: '燃气报修电话', body: '燃气泄漏请立即拨打燃气集团抢修热线。', keywords: ['燃气泄漏'] });
    const bad = await call('POST', '/api/knowledge', 'sup1', { ...article, title: '', catalogItemCodes: [] });
    expect(bad.json().error.fields).toEqual([{ field: 'title', message: '标题不能为空' }]);
    const badItem = await call('POST', '/api/knowledge', 'sup1', { ...article, catalogItemCodes: ['C03.001', 'Z99.999'] });
    expect(badItem.json().error.fields).toEqual([{ field: 'catalogItemCodes.1', message: '事项目录编码不存在：Z99.999' }]);

    const sentence = (await call('GET', `/api/knowledge?q=${encodeURIComponent('市民想提取公积金付房租')}`, 'agent1')).json<KnowledgeListResponse>();
    expect(sentence.items.map((a) => a.title)).toEqual(['住房公积金租房提取办理指南']);
    const words = (await call('GET', `/api/knowledge?q=${encodeURIComponent('租赁合同 身份证')}`, 'agent1')).json<KnowledgeListResponse>();
    expect(words.items.map((a) => a.title)).toEqual(['住房公积金租房提取办理指南']);
    expect((await call('GET', `/api/knowledge?q=${encodeURIComponent('身份证 燃气')}`, 'agent1')).json<KnowledgeListResponse>().items).toEqual([]);
    expect((await call('GET', '/api/knowledge', 'agent1')).json<KnowledgeListResponse>().items).toHaveLength(2);
  });

  it('exports names that look like spreadsheet formulas as text and imports them back unchanged', async () => {
    const sample = loadSampleCatalog();
    const hostile = structuredClone(sample);
    hostile.version = '2026.1-formula';
    hostile.items[0]!.name = '=HYPERLINK("http://x")';
    hostile.items[1]!.name = '-1+1 住房公积金';
    hostile.classes[0]!.name = '@SUM(A1)';
    const imported = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: hostile });
    expect(imported.statusCode, imported.body).toBe(200);

    const items = await call('GET', '/api/catalog/export?format=csv&table=items', 'admin1');
    expect(items.headers['content-type']).toContain('text/csv');
    const code = hostile.items[0]!.code;
    expect(items.body).toContain(`\r\n${code},${hostile.items[0]!.classCode},'@SUM(A1),"'=HYPERLINK(""http://x"")",`);
    expect(items.body).toContain(`,'-1+1 住房公积金,`);
    // as a spreadsheet reads the file, no cell starts with a formula character
    for (const cell of parse(items.body, { bom: true, relax_column_count: true }).flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // the five files, imported back as they were exported (and as Excel saves them, with LF line ends), give the same catalog
    const csv = (await call('GET', '/api/catalog/export?format=csv', 'admin1')).json<CatalogCsvExport>();
    const edited = { ...csv, meta: csv.meta.replace('2026.1-formula', '2026.1-formula-back'), items: csv.items.replaceAll('\r\n', '\n') };
    const back = await call('POST', '/api/catalog/import', 'admin1', { format: 'csv', files: edited });
    expect(back.statusCode, back.body).toBe(200);
    const json = await call('GET', '/api/catalog/export?format=json', 'admin1');
    expect(JSON.parse(json.body)).toEqual({ ...hostile, version: '2026.1-formula-back' });

    const restored = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: sample });
    expect(restored.statusCode, restored.body).toBe(200);
  });
});
