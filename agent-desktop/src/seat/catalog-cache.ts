// The catalog's districts (and their streets / landmarks) for the address inputs, loaded once per page.
import type { CatalogResponse, District } from '../../../contracts/work-orders.js';
import type { WorkOrderApi } from '../api/work-orders';

let pending: Promise<CatalogResponse> | null = null;

export function loadCatalog(api: Pick<WorkOrderApi, 'catalog'>): Promise<CatalogResponse> {
  pending ??= api.catalog().catch((err: unknown) => {
    pending = null;
    throw err;
  });
  return pending;
}

export type { District };
