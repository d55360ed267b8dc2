// JSON import/export of a whole catalog. The export is stable (fixed key order, 2-space indent, trailing newline)
// so that exported files diff cleanly; the import refuses anything parseCatalog would refuse.
import type { Catalog, CatalogItem, Department, District, ItemClass, Responsibility } from '../../contracts/catalog.js';
import { CatalogValidationError, parseCatalog } from './validate.js';

export function exportCatalogJson(catalog: Catalog): string {
  const ordered: Catalog = {
    version: catalog.version,
    city: catalog.city,
    districts: catalog.districts.map((d): District => ({ code: d.code, name: d.name, shortName: d.shortName, places: [...d.places] })),
    departments: catalog.departments.map((d): Department =>
      d.districtCode === undefined
        ? { code: d.code, name: d.name, level: d.level }
        : { code: d.code, name: d.name, level: d.level, districtCode: d.districtCode },
    ),
    classes: catalog.classes.map((c): ItemClass => ({ code: c.code, name: c.name })),
    items: catalog.items.map((i): CatalogItem => ({
      code: i.code,
      classCode: i.classCode,
      name: i.name,
      keywords: [...i.keywords],
      timeLimit: i.timeLimit,
      responsibility: orderResponsibility(i.responsibility, catalog),
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Parses catalog JSON (a leading UTF-8 BOM is tolerated) and validates it. */
export function importCatalogJson(text: string): Catalog {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CatalogValidationError([`not valid JSON: ${(err as Error).message}`]);
  }
  return parseCatalog(data);
}

function orderResponsibility(r: Responsibility, catalog: Catalog): Responsibility {
  if (r.kind === 'city') return { kind: 'city', departmentCode: r.departmentCode };
  // districts in catalog order first, then anything else (which validation will report)
  const byDistrict: Record<string, string> = {};
  for (const d of catalog.districts) {
    if (Object.hasOwn(r.byDistrict, d.code)) byDistrict[d.code] = r.byDistrict[d.code]!;
  }
  for (const [k, v] of Object.entries(r.byDistrict)) if (!Object.hasOwn(byDistrict, k)) byDistrict[k] = v;
  return { kind: 'district', byDistrict };
}
