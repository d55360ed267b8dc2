// The sample catalog of the fictional 示例市 (11 districts) and the labelled work orders used to measure
// auto-dispatch. Both live as JSON under ./data so they can be edited, diffed and re-imported as-is.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { importCatalogJson } from './json.js';
import type { Catalog } from '../../contracts/catalog.js';
import { DepartmentCode, DistrictCode, ItemCode } from '../../contracts/catalog.js';

const dataFile = (name: string) => new URL(`./data/${name}`, import.meta.url);

/** Loads and validates data/sample-catalog.json. */
export function loadSampleCatalog(): Catalog {
  return importCatalogJson(readFileSync(dataFile('sample-catalog.json'), 'utf8'));
}

export const LabelledOrder = z.object({
  id: z.string().min(1),
  /** dev: used while improving the matcher and catalog keywords; holdout: kept unseen until tuning was finished. */
  split: z.enum(['dev', 'holdout']),
  /** What the citizen said, as an agent would summarise it (or close to the citizen's own words). */
  summary: z.string().min(1),
  /** Address or location text as given; may name only a street, a landmark or nothing useful. */
  address: z.string(),
  expectedItemCode: ItemCode,
  /** The district the incident is in, when known to the labeller; null when irrelevant or unknown. */
  expectedDistrictCode: DistrictCode.nullable(),
  expectedDepartmentCode: DepartmentCode,
});
export type LabelledOrder = z.infer<typeof LabelledOrder>;

const LabelledOrderFile = z.object({ description: z.string().optional(), orders: z.array(LabelledOrder).min(1) });

/** Loads data/labelled-orders.json. */
export function loadLabelledOrders(): LabelledOrder[] {
  return LabelledOrderFile.parse(JSON.parse(readFileSync(dataFile('labelled-orders.json'), 'utf8'))).orders;
}
