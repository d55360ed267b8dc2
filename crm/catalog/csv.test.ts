import { parse as parseRaw } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, CsvParseError, exportCatalogCsv, formatCsv, importCatalogCsv, parseCsv } from './csv.js';
import { exportCatalogJson, importCatalogJson } from './json.js';
import { loadSampleCatalog } from './sample.js';
import type { Catalog } from '../../contracts/catalog.js';
import { CatalogValidationError } from './validate.js';

const sample = loadSampleCatalog();

describe('parseCsv (RFC 4180)', () => {
  it('reads plain, quoted and empty fields, CRLF and LF, and drops the BOM and the final line break', () => {
    expect(parseCsv(`${CSV_BOM}a,b,c\r\n1,"x,y",\r\n"",2,3\n`)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x,y', ''],
      ['', '2', '3'],
    ]);
  });

  it('reads doubled quotes and line breaks inside quoted fields', () => {
    expect(parseCsv('"他说""停水了""","第一行\r\n第二行\n第三行"\r\nlast,"x"')).toEqual([
      ['他说"停水了"', '第一行\r\n第二行\n第三行'],
      ['last', 'x'],
    ]);
  });

  it('keeps a trailing empty field and empty lines as rows', () => {
    expect(parseCsv('a,\n\nb')).toEqual([['a', ''], [''], ['b']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('reports malformed quoting with the line number', () => {
    expect(() => parseCsv('a,b\n"open,field\nmore')).toThrow(new CsvParseError(2, 'unterminated quoted field'));
    expect(() => parseCsv('a,b\nx,"q"z')).toThrow(/line 2: unexpected character after a closing quote/);
    expect(() => parseCsv('a,b\nx,ab"c"')).toThrow(/line 2: a quote inside an unquoted field/);
  });

  it('formatCsv quotes only what needs quoting and parses back to the same rows', () => {
    const rows = [['plain', 'with,comma', 'with "quote"', 'two\nlines', ' padded ', '']];
    const text = formatCsv(rows);
    expect(text.startsWith(CSV_BOM)).toBe(true);
    expect(text).toBe(`${CSV_BOM}plain,"with,comma","with ""quote""","two\nlines"," padded ",\r\n`);
    expect(parseCsv(text)).toEqual(rows);
    expect(formatCsv([['a']], { bom: false })).toBe('a\r\n');
  });
});

describe('catalog CSV export / import', () => {
  it('exports UTF-8 with BOM, one row per item, responsibility flattened', () => {
    const files = exportCatalogCsv(sample);
    for (const text of Object.values(files)) expect(text.startsWith(CSV_BOM)).toBe(true);
    const rows = parseCsv(files.items);
    expect(rows).toHaveLength(sample.items.length + 1);
    const header = rows[0]!;
    expect(header.slice(0, 8)).toEqual(['code', 'class_code', 'class_name', 'name', 'time_limit', 'keywords', 'responsibility', 'department_code']);
    expect(header.slice(8)).toEqual(sample.districts.map((d) => `district:${d.code}`));
    const col = (name: string) => header.indexOf(name);
    const fund = rows.find((r) => r[0] === 'C03.001')!;
    expect(fund[col('responsibility')]).toBe('city');
    expect(fund[col('department_code')]).toBe('city.hpf');
    expect(fund[col('keywords')]).toContain('提取公积金、公积金提取');
    const noise = rows.find((r) => r[0] === 'C04.001')!;
    expect(noise[col('responsibility')]).toBe('district');
    expect(noise[col('department_code')]).toBe('');
    expect(noise[col('district:nanshan')]).toBe('nanshan.gov');
    expect(noise[col('district:shenshan')]).toBe('shenshan.urban');
  });

  it('round trip is equal, including a field with a comma, a quote and a newline', () => {
    const c: Catalog = structuredClone(sample);
    c.items[0]!.name = '物业服务纠纷，含"停车费",\n及公共收益';
    c.departments[0]!.name = '市住房和建设局, "物业科"\n（测试）';
    c.city = '示例市,"测试"';
    const files = exportCatalogCsv(c);
    expect(importCatalogCsv(files)).toEqual(c);
    // the same after an Excel-style save with LF line ends and without the BOM
    const relaxed = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice(1).replaceAll('\r\n', '\n')]));
    expect(importCatalogCsv(relaxed as typeof files)).toEqual(c);
  });

  it('exports names that look like formulas with a leading quote and imports them back unchanged', () => {
    const c: Catalog = structuredClone(sample);
    const hostile = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)'];
    hostile.forEach((name, i) => (c.items[i]!.name = name));
    c.items[4]!.name = "'=已带引号的名称"; // a name that itself starts with a quote keeps it
    c.items[5]!.name = '1-2 a=b 正常名称';
    c.items[0]!.keywords = ['=cmd', '停车费'];
    c.classes[0]!.name = '-分类';
    c.departments[0]!.name = '+部门';
    c.districts[0]!.places = ['@某街道', '某社区'];
    c.city = '=示例市';
    const files = exportCatalogCsv(c);
    // as Excel/WPS read the file: every such cell starts with the quote that makes it text
    const raw = (text: string) => parseRaw(text, { bom: true, relax_column_count: true });
    const items = raw(files.items);
    const name = items[0]!.indexOf('name');
    expect(items.slice(1, 7).map((r) => r[name])).toEqual(['\'=HYPERLINK("http://x")', "'+1", "'-1+1", "'@SUM(A1)", "''=已带引号的名称", '1-2 a=b 正常名称']);
    expect(items[1]![items[0]!.indexOf('keywords')]).toBe("'=cmd、停车费");
    expect(raw(files.classes)[1]![1]).toBe("'-分类");
    expect(raw(files.departments)[1]![1]).toBe("'+部门");
    expect(raw(files.districts)[1]![3]).toBe("'@某街道、某社区");
    expect(raw(files.meta)[2]).toEqual(['city', "'=示例市"]);
    expect(importCatalogCsv(files)).toEqual(c);
  });

  it('the sample round-trips through CSV unchanged', () => {
    expect(importCatalogCsv(exportCatalogCsv(sample))).toEqual(sample);
  });

  it('refuses an edited CSV with messages naming the item', () => {
    const files = exportCatalogCsv(sample);
    const rows = parseCsv(files.items);
    const header = rows[0]!;
    const row = rows.find((r) => r[0] === 'C04.001')!;
    row[header.indexOf('district:futian')] = '';
    row[header.indexOf('time_limit')] = 'soon';
    const city = rows.find((r) => r[0] === 'C03.001')!;
    city[header.indexOf('department_code')] = 'city.nowhere';
    let error: unknown;
    try {
      importCatalogCsv({ ...files, items: formatCsv(rows) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogValidationError);
    expect((error as CatalogValidationError).issues).toEqual([
      'item C04.001: time_limit must be one of urgent_dispatch, life_property, utility, general, complex, got "soon"',
    ]);
    row[header.indexOf('time_limit')] = 'general';
    expect(() => importCatalogCsv({ ...files, items: formatCsv(rows) })).toThrow(
      /item C03\.001: unknown department city\.nowhere[\s\S]*item C04\.001: district map is missing district futian \(福田区\)/,
    );
  });

  it('refuses a file without its columns', () => {
    const files = exportCatalogCsv(sample);
    expect(() =>
      importCatalogCsv({
        ...files,
        classes: formatCsv([
          ['code', 'title'],
          ['C01', 'x'],
        ]),
      }),
    ).toThrow(/classes\.csv: missing column name/);
  });
});

describe('catalog JSON export / import', () => {
  it('round trip is equal and the export is stable', () => {
    const json = exportCatalogJson(sample);
    expect(importCatalogJson(json)).toEqual(sample);
    expect(exportCatalogJson(importCatalogJson(json))).toBe(json);
    expect(importCatalogJson(CSV_BOM + json)).toEqual(sample);
  });

  it('refuses malformed JSON and invalid catalogs', () => {
    expect(() => importCatalogJson('{')).toThrow(CatalogValidationError);
    expect(() => importCatalogJson(JSON.stringify({ ...sample, classes: [] }))).toThrow(/item C01\.001: class C01 does not exist/);
  });
});
