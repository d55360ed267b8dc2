// The active catalog, cached in memory and reloaded when another import (this or another process) activated a
// new version: one indexed one-row query per use.
import type { Catalog } from '../../contracts/catalog.js';
import type { Database } from '../../platform/db/database.js';
import { CatalogRepository, type DepartmentRecord } from './repository.js';

export interface CatalogSnapshot {
  versionId: number | null;
  catalog: Catalog;
  /** Every department ever imported (inactive ones too, for the names on older orders). */
  departments: ReadonlyMap<string, DepartmentRecord>;
}

const EMPTY_CATALOG: Catalog = { version: '', city: '', districts: [], departments: [], classes: [], items: [] };

export class CatalogStore {
  private cache: CatalogSnapshot | null = null;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  /** Never call inside another transaction on PGlite (one connection): read it before. */
  async snapshot(): Promise<CatalogSnapshot> {
    const repo = new CatalogRepository(this.db);
    const id = await repo.activeVersionId();
    if (this.cache && this.cache.versionId === id) return this.cache;
    const active = await repo.loadActive();
    const departments = new Map((await repo.listDepartments()).map((d) => [d.code, d]));
    this.cache = { versionId: active?.id ?? null, catalog: (active?.document as Catalog | undefined) ?? EMPTY_CATALOG, departments };
    return this.cache;
  }

  /** Replaces the active catalog (already validated) atomically; the previous versions stay stored. */
  async replace(catalog: Catalog, by: string | null): Promise<CatalogSnapshot> {
    await this.db.transaction((tx) => new CatalogRepository(tx).replace(catalog, by, this.now()));
    this.cache = null;
    return this.snapshot();
  }

  async isEmpty(): Promise<boolean> {
    return (await new CatalogRepository(this.db).activeVersionId()) === null;
  }
}
