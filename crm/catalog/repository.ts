// The responsibility catalog (职责清单) in SQL: one JSONB document per imported version, plus the departments
// registry (see migrations/002_work_orders.sql for why).
import type { Queryable } from '../../platform/db/database.js';

export interface DepartmentRecord {
  code: string;
  name: string;
  level: 'city' | 'utility' | 'district';
  districtCode: string | null;
  active: boolean;
}

export class CatalogRepository {
  constructor(private readonly db: Queryable) {}

  async activeVersionId(): Promise<number | null> {
    const { rows } = await this.db.query<{ id: number }>(`SELECT id FROM catalog_versions WHERE active`);
    return rows[0]?.id ?? null;
  }

  /** The active document as stored (validated when it was imported). */
  async loadActive(): Promise<{ id: number; document: unknown } | null> {
    const { rows } = await this.db.query<{ id: number; document: unknown }>(`SELECT id, document FROM catalog_versions WHERE active`);
    return rows[0] ?? null;
  }

  /**
   * Stores `document` as the new active version and brings the departments registry in line: listed departments
   * are inserted or updated and active, the others are kept but inactive. Run it inside a transaction.
   */
  async replace(
    document: { version: string; departments: readonly { code: string; name: string; level: string; districtCode?: string | undefined }[] },
    by: string | null,
    at: number,
  ): Promise<number> {
    await this.db.query(`UPDATE catalog_versions SET active = false WHERE active`);
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO catalog_versions (version, document, active, imported_by, imported_at) VALUES ($1, $2::jsonb, true, $3, $4) RETURNING id`,
      [document.version, JSON.stringify(document), by, new Date(at)],
    );
    const departments = document.departments.map((d) => ({ code: d.code, name: d.name, level: d.level, district_code: d.districtCode ?? null }));
    await this.db.query(
      `INSERT INTO departments (code, name, level, district_code, active, updated_at)
       SELECT x.code, x.name, x.level, x.district_code, true, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, level text, district_code text)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, district_code = EXCLUDED.district_code,
                                        active = true, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(departments), new Date(at)],
    );
    await this.db.query(`UPDATE departments SET active = false, updated_at = $2 WHERE active AND NOT (code = ANY($1::text[]))`, [
      departments.map((d) => d.code),
      new Date(at),
    ]);
    return (rows[0] as { id: number }).id;
  }

  async listDepartments(): Promise<DepartmentRecord[]> {
    const { rows } = await this.db.query<{ code: string; name: string; level: DepartmentRecord['level']; district_code: string | null; active: boolean }>(
      `SELECT code, name, level, district_code, active FROM departments ORDER BY code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, districtCode: r.district_code, active: r.active }));
  }
}
