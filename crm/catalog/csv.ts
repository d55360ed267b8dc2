// CSV import/export of a catalog, for editing in Excel/WPS. Files are UTF-8 with a BOM (so Excel shows Chinese
// correctly) and CRLF line ends. A catalog is five CSV files: meta, districts, departments, classes, items; the
// items file has one row per item with its responsibility flattened into a department_code column (city-wide
// items) or one `district:<code>` column per district (local items). List cells are joined with "、".
// Reading and writing is crm/exports/csv.ts (csv-parse / csv-stringify): cells are written formula-safe and the
// import drops exactly the quote the export added, so a name starting with "=" or "-" comes back unchanged.
import type { Catalog, CatalogItem, Department, District, Responsibility } from '../../contracts/catalog.js';
import { DEPARTMENT_LEVELS, LIST_SEPARATOR, TIME_LIMIT_CLASSES } from '../../contracts/catalog.js';
import { formatCsv, parseCsv } from '../exports/csv.js';
import { CatalogValidationError, parseCatalog } from './validate.js';

// the catalog's CSV callers (the HTTP error mapping, its tests) keep importing the reader and writer from here
export { CSV_BOM, CsvParseError, formatCsv, parseCsv } from '../exports/csv.js';

export interface CatalogCsvFiles {
  meta: string;
  districts: string;
  departments: string;
  classes: string;
  items: string;
}

const DISTRICT_COLUMN = 'district:';
const ITEM_COLUMNS = ['code', 'class_code', 'class_name', 'name', 'time_limit', 'keywords', 'responsibility', 'department_code'] as const;

export function exportCatalogCsv(catalog: Catalog): CatalogCsvFiles {
  const className = new Map(catalog.classes.map((c) => [c.code, c.name]));
  return {
    meta: formatCsv([
      ['key', 'value'],
      ['version', catalog.version],
      ['city', catalog.city],
    ]),
    districts: formatCsv([
      ['code', 'name', 'short_name', 'places'],
      ...catalog.districts.map((d) => [d.code, d.name, d.shortName, d.places.join(LIST_SEPARATOR)]),
    ]),
    departments: formatCsv([['code', 'name', 'level', 'district_code'], ...catalog.departments.map((d) => [d.code, d.name, d.level, d.districtCode ?? ''])]),
    classes: formatCsv([['code', 'name'], ...catalog.classes.map((c) => [c.code, c.name])]),
    items: formatCsv([
      [...ITEM_COLUMNS, ...catalog.districts.map((d) => `${DISTRICT_COLUMN}${d.code}`)],
      ...catalog.items.map((item) => [
        item.code,
        item.classCode,
        className.get(item.classCode) ?? '',
        item.name,
        item.timeLimit,
        item.keywords.join(LIST_SEPARATOR),
        item.responsibility.kind,
        item.responsibility.kind === 'city' ? item.responsibility.departmentCode : '',
        ...catalog.districts.map((d) => (item.responsibility.kind === 'district' ? (item.responsibility.byDistrict[d.code] ?? '') : '')),
      ]),
    ]),
  };
}

/** Reads the five CSV files back into a catalog and validates it (throws CatalogValidationError / CsvParseError). */
export function importCatalogCsv(files: CatalogCsvFiles): Catalog {
  const issues: string[] = [];
  const meta = new Map(readTable('meta', files.meta, ['key', 'value'], issues).map((r) => [r.get('key')!, r.get('value')!]));
  const districts = readTable('districts', files.districts, ['code', 'name', 'short_name', 'places'], issues).map((r): District => ({
    code: r.get('code')!,
    name: r.get('name')!,
    shortName: r.get('short_name')!,
    places: splitList(r.get('places')!),
  }));
  const departments = readTable('departments', files.departments, ['code', 'name', 'level', 'district_code'], issues).map((r, i): Department => {
    const level = r.get('level')!;
    if (!(DEPARTMENT_LEVELS as readonly string[]).includes(level)) {
      issues.push(`department ${r.get('code') || `#${i + 1}`}: level must be one of ${DEPARTMENT_LEVELS.join(', ')}, got "${level}"`);
    }
    const dep: Department = { code: r.get('code')!, name: r.get('name')!, level: level as Department['level'] };
    if (r.get('district_code') !== '') dep.districtCode = r.get('district_code')!;
    return dep;
  });
  const classes = readTable('classes', files.classes, ['code', 'name'], issues).map((r) => ({ code: r.get('code')!, name: r.get('name')! }));
  const className = new Map(classes.map((c) => [c.code, c.name]));

  const itemRows = readTable('items', files.items, [...ITEM_COLUMNS], issues);
  const items = itemRows.map((r, i): CatalogItem => {
    const code = r.get('code') || `#${i + 1}`;
    const timeLimit = r.get('time_limit')!;
    if (!(TIME_LIMIT_CLASSES as readonly string[]).includes(timeLimit)) {
      issues.push(`item ${code}: time_limit must be one of ${TIME_LIMIT_CLASSES.join(', ')}, got "${timeLimit}"`);
    }
    const listedClassName = r.get('class_name')!;
    const knownClassName = className.get(r.get('class_code')!);
    if (listedClassName !== '' && knownClassName !== undefined && listedClassName !== knownClassName) {
      issues.push(`item ${code}: class_name "${listedClassName}" does not match class ${r.get('class_code')} (${knownClassName})`);
    }
    return {
      code: r.get('code')!,
      classCode: r.get('class_code')!,
      name: r.get('name')!,
      keywords: splitList(r.get('keywords')!),
      timeLimit: timeLimit as CatalogItem['timeLimit'],
      responsibility: readResponsibility(code, r, issues),
    };
  });

  const version = meta.get('version');
  const city = meta.get('city');
  if (version === undefined) issues.push('meta: missing key version');
  if (city === undefined) issues.push('meta: missing key city');
  if (issues.length > 0) throw new CatalogValidationError(issues);
  return parseCatalog({ version, city, districts, departments, classes, items });
}

function readResponsibility(code: string, r: Map<string, string>, issues: string[]): Responsibility {
  const kind = r.get('responsibility');
  const districtCells = [...r].filter(([k, v]) => k.startsWith(DISTRICT_COLUMN) && v !== '');
  if (kind === 'city') {
    if (districtCells.length > 0) issues.push(`item ${code}: a city-wide item must leave the district columns empty`);
    return { kind: 'city', departmentCode: r.get('department_code')! };
  }
  if (kind === 'district') {
    if (r.get('department_code') !== '') issues.push(`item ${code}: a local item must leave department_code empty and fill the district columns`);
    return { kind: 'district', byDistrict: Object.fromEntries(districtCells.map(([k, v]) => [k.slice(DISTRICT_COLUMN.length), v])) };
  }
  issues.push(`item ${code}: responsibility must be city or district, got "${kind}"`);
  return { kind: 'city', departmentCode: r.get('department_code')! };
}

/** Parses one CSV file with a header row into rows keyed by column name; blank lines are skipped. */
function readTable(file: string, text: string, required: readonly string[], issues: string[]): Map<string, string>[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    issues.push(`${file}.csv: ${(err as Error).message}`);
    return [];
  }
  const [header, ...body] = rows;
  if (header === undefined) {
    issues.push(`${file}.csv: empty file (a header row is required)`);
    return [];
  }
  const columns = header.map((h) => h.trim());
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    issues.push(`${file}.csv: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    return [];
  }
  const out: Map<string, string>[] = [];
  body.forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    if (cells.length > columns.length) issues.push(`${file}.csv: record ${i + 2} has ${cells.length} fields, the header has ${columns.length}`);
    out.push(new Map(columns.map((c, j) => [c, (cells[j] ?? '').trim()])));
  });
  return out;
}

function splitList(cell: string): string[] {
  return cell
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
