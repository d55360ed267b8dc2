// Catalog loader: shape check (zod) plus cross-reference checks. Inconsistent data is refused as a whole, with
// one message per problem naming the offending code, e.g. `item C03.015: unknown department city.foo`.
import type { ZodError } from 'zod';
import { Catalog } from '../../contracts/catalog.js';

export class CatalogValidationError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid catalog (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n- ${issues.join('\n- ')}`);
    this.name = 'CatalogValidationError';
  }
}

/** Parses and checks untrusted catalog data; throws CatalogValidationError listing every problem found. */
export function parseCatalog(input: unknown): Catalog {
  const parsed = Catalog.safeParse(input);
  if (!parsed.success) throw new CatalogValidationError(parsed.error.issues.map((i) => describeIssue(input, i)));
  const issues = checkCatalogConsistency(parsed.data);
  if (issues.length > 0) throw new CatalogValidationError(issues);
  return parsed.data;
}

/** Cross-reference checks on a well-shaped catalog; returns one message per problem (empty when consistent). */
export function checkCatalogConsistency(catalog: Catalog): string[] {
  const issues: string[] = [];

  const districts = new Map<string, Catalog['districts'][number]>();
  for (const d of catalog.districts) {
    if (districts.has(d.code)) issues.push(`duplicate district code ${d.code}`);
    districts.set(d.code, d);
  }
  // Every name, short name and place must point to exactly one district, or address detection would be ambiguous.
  const placeOwner = new Map<string, string>();
  for (const d of catalog.districts) {
    for (const term of new Set([d.name, d.shortName, ...d.places])) {
      const owner = placeOwner.get(term);
      if (owner !== undefined && owner !== d.code) issues.push(`district ${d.code}: name or place ${term} is also used by district ${owner}`);
      else placeOwner.set(term, d.code);
    }
  }

  const departments = new Map<string, Catalog['departments'][number]>();
  for (const dep of catalog.departments) {
    if (departments.has(dep.code)) issues.push(`duplicate department code ${dep.code}`);
    departments.set(dep.code, dep);
    if (dep.level === 'district') {
      if (dep.districtCode === undefined) issues.push(`department ${dep.code}: a district-level department needs a districtCode`);
      else if (!districts.has(dep.districtCode)) issues.push(`department ${dep.code}: unknown district ${dep.districtCode}`);
    } else if (dep.districtCode !== undefined) {
      issues.push(`department ${dep.code}: a ${dep.level}-level department must not have a districtCode`);
    }
  }

  const classes = new Set<string>();
  for (const c of catalog.classes) {
    if (classes.has(c.code)) issues.push(`duplicate class code ${c.code}`);
    classes.add(c.code);
  }

  const items = new Set<string>();
  for (const item of catalog.items) {
    const where = `item ${item.code}`;
    if (items.has(item.code)) issues.push(`duplicate item code ${item.code}`);
    items.add(item.code);
    if (!classes.has(item.classCode)) issues.push(`${where}: class ${item.classCode} does not exist`);
    else if (!item.code.startsWith(`${item.classCode}.`)) issues.push(`${where}: code must start with its class code ${item.classCode}.`);

    const seen = new Set<string>();
    for (const k of item.keywords) {
      if (seen.has(k)) issues.push(`${where}: duplicate keyword ${k}`);
      seen.add(k);
    }

    const r = item.responsibility;
    if (r.kind === 'city') {
      if (!departments.has(r.departmentCode)) issues.push(`${where}: unknown department ${r.departmentCode}`);
      continue;
    }
    for (const d of catalog.districts) {
      if (!Object.hasOwn(r.byDistrict, d.code)) issues.push(`${where}: district map is missing district ${d.code} (${d.name})`);
    }
    for (const [districtCode, departmentCode] of Object.entries(r.byDistrict)) {
      if (!districts.has(districtCode)) issues.push(`${where}: district map names unknown district ${districtCode}`);
      const dep = departments.get(departmentCode);
      if (dep === undefined) issues.push(`${where}: unknown department ${departmentCode} for district ${districtCode}`);
      else if (dep.level === 'district' && dep.districtCode !== districtCode) {
        issues.push(`${where}: district ${districtCode} is mapped to ${departmentCode}, a department of district ${dep.districtCode}`);
      }
    }
  }
  return issues;
}

const SECTIONS: Record<string, string> = { districts: 'district', departments: 'department', classes: 'class', items: 'item' };

/** Turns a zod issue into a message naming the record it is about, e.g. `item C03.015: keywords: …`. */
function describeIssue(input: unknown, issue: ZodError['issues'][number]): string {
  const [section, index, ...rest] = issue.path;
  const label = typeof section === 'string' ? SECTIONS[section] : undefined;
  if (label !== undefined && typeof index === 'number') {
    const record = (input as Record<string, unknown[]>)[section as string]?.[index];
    const code = record !== null && typeof record === 'object' ? (record as { code?: unknown }).code : undefined;
    const who = typeof code === 'string' && code !== '' ? `${label} ${code}` : `${label} #${index + 1}`;
    return rest.length > 0 ? `${who}: ${rest.join('.')}: ${issue.message}` : `${who}: ${issue.message}`;
  }
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
