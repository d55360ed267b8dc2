import { describe, expect, it } from 'vitest';
import { loadLabelledOrders, loadSampleCatalog } from './sample.js';
import type { Catalog } from '../../contracts/catalog.js';
import { CatalogValidationError, parseCatalog } from './validate.js';

const sample = loadSampleCatalog();

/** A deep copy of the sample to break on purpose. */
const copy = (): Catalog => structuredClone(sample);

function issuesOf(data: unknown): readonly string[] {
  try {
    parseCatalog(data);
  } catch (err) {
    if (err instanceof CatalogValidationError) return err.issues;
    throw err;
  }
  throw new Error('expected the catalog to be refused');
}

describe('sample catalog', () => {
  it('meets the size requirements', () => {
    expect(sample.classes.length).toBeGreaterThanOrEqual(18);
    expect(sample.items.length).toBeGreaterThanOrEqual(200);
    expect(sample.departments.length).toBeGreaterThanOrEqual(40);
    expect(sample.districts).toHaveLength(11);
  });

  it('has city bureaus, utilities and district departments, and both kinds of responsibility', () => {
    const levels = new Set(sample.departments.map((d) => d.level));
    expect(levels).toEqual(new Set(['city', 'utility', 'district']));
    for (const name of ['市住房和建设局', '市住房公积金管理中心', '市水务集团', '市燃气集团', '示例供电局', '市热力公司']) {
      expect(sample.departments.map((d) => d.name)).toContain(name);
    }
    const kinds = sample.items.map((i) => i.responsibility.kind);
    expect(kinds.filter((k) => k === 'city').length).toBeGreaterThan(50);
    expect(kinds.filter((k) => k === 'district').length).toBeGreaterThan(50);
    for (const c of sample.classes) expect(sample.items.some((i) => i.classCode === c.code)).toBe(true);
  });

  it('validates (parsing the loaded catalog again gives the same catalog)', () => {
    expect(parseCatalog(structuredClone(sample))).toEqual(sample);
  });

  it('labelled orders are consistent with the catalog', () => {
    const orders = loadLabelledOrders();
    expect(orders.length).toBeGreaterThanOrEqual(200);
    const items = new Map(sample.items.map((i) => [i.code, i]));
    for (const o of orders) {
      const item = items.get(o.expectedItemCode);
      expect(item, o.id).toBeDefined();
      const r = item!.responsibility;
      const expected = r.kind === 'city' ? r.departmentCode : r.byDistrict[o.expectedDistrictCode ?? ''];
      expect(expected, o.id).toBe(o.expectedDepartmentCode);
    }
  });
});

describe('parseCatalog refuses inconsistent data, naming the offending code', () => {
  it('unknown department on a city-wide item', () => {
    const c = copy();
    const item = c.items.find((i) => i.code === 'C03.001')!;
    item.responsibility = { kind: 'city', departmentCode: 'city.nowhere' };
    expect(issuesOf(c)).toEqual(['item C03.001: unknown department city.nowhere']);
  });

  it('unknown department in a district map', () => {
    const c = copy();
    const item = c.items.find((i) => i.responsibility.kind === 'district')!;
    if (item.responsibility.kind !== 'district') throw new Error('unreachable');
    item.responsibility.byDistrict['futian'] = 'futian.nowhere';
    expect(issuesOf(c)).toEqual([`item ${item.code}: unknown department futian.nowhere for district futian`]);
  });

  it('duplicate codes', () => {
    const c = copy();
    c.items.push(structuredClone(c.items[0]!));
    c.departments.push(structuredClone(c.departments[0]!));
    expect(issuesOf(c)).toEqual([`duplicate department code ${c.departments[0]!.code}`, `duplicate item code ${c.items[0]!.code}`]);
  });

  it('item whose class does not exist', () => {
    const c = copy();
    c.items.push({ ...structuredClone(c.items[0]!), code: 'C99.001', classCode: 'C99' });
    expect(issuesOf(c)).toEqual(['item C99.001: class C99 does not exist']);
  });

  it('item code not under its class', () => {
    const c = copy();
    c.items[0]!.code = 'C02.900';
    expect(issuesOf(c)).toContain('item C02.900: code must start with its class code C01.');
  });

  it('district map missing a district, or naming an unknown one', () => {
    const c = copy();
    const item = c.items.find((i) => i.code === 'C04.001')!;
    if (item.responsibility.kind !== 'district') throw new Error('C04.001 is local in the sample');
    delete item.responsibility.byDistrict['dapeng'];
    item.responsibility.byDistrict['atlantis'] = 'futian.gov';
    expect(issuesOf(c)).toEqual([
      'item C04.001: district map is missing district dapeng (大鹏新区)',
      'item C04.001: district map names unknown district atlantis',
      'item C04.001: district atlantis is mapped to futian.gov, a department of district futian',
    ]);
  });

  it('district mapped to another district’s department', () => {
    const c = copy();
    const item = c.items.find((i) => i.code === 'C07.001')!;
    if (item.responsibility.kind !== 'district') throw new Error('C07.001 is local in the sample');
    item.responsibility.byDistrict['luohu'] = 'futian.urban';
    expect(issuesOf(c)).toEqual(['item C07.001: district luohu is mapped to futian.urban, a department of district futian']);
  });

  it('a place claimed by two districts', () => {
    const c = copy();
    c.districts.find((d) => d.code === 'luohu')!.places.push('科技园');
    expect(issuesOf(c)).toEqual(['district nanshan: name or place 科技园 is also used by district luohu']);
  });

  it('shape errors name the record', () => {
    const c = copy() as unknown as { items: Record<string, unknown>[]; departments: Record<string, unknown>[] };
    c.items.find((i) => i['code'] === 'C12.001')!['timeLimit'] = 'whenever';
    c.items.find((i) => i['code'] === 'C12.002')!['keywords'] = [];
    c.departments.find((d) => d['code'] === 'util.gas')!['level'] = 'federal';
    const issues = issuesOf(c);
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^department util\.gas: level: /);
    expect(issues[1]).toMatch(/^item C12\.001: timeLimit: /);
    expect(issues[2]).toBe('item C12.002: keywords: an item needs at least one keyword');
  });

  it('the error message lists every problem', () => {
    const c = copy();
    c.items[0]!.classCode = 'C77';
    c.items[1]!.responsibility = { kind: 'city', departmentCode: 'city.void' };
    const err = (() => {
      try {
        parseCatalog(c);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(CatalogValidationError);
    expect(err.message).toContain('invalid catalog (2 problems)');
    expect(err.message).toContain('class C77 does not exist');
    expect(err.message).toContain('unknown department city.void');
  });
});
