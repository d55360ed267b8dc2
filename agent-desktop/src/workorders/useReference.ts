// Reference data the order screens share: departments (names, the dispatch picker) and catalog item names.
// Loaded once per page; a failure only costs the names (codes are shown instead).
import { useEffect, useMemo, useState } from 'react';
import type { DepartmentView } from '../../../contracts/work-orders.js';
import type { WorkOrderApi } from '../api/work-orders';

export interface Reference {
  departments: DepartmentView[];
  departmentName(code: string | null | undefined): string | null;
  itemName(code: string): string | null;
}

export function useReference(api: WorkOrderApi): Reference {
  const [departments, setDepartments] = useState<DepartmentView[]>([]);
  const [items, setItems] = useState<Map<string, string>>(() => new Map());

  useEffect(() => {
    let alive = true;
    api.departments().then(
      (r) => alive && setDepartments(r.departments),
      () => {},
    );
    api.catalog().then(
      (c) => alive && setItems(new Map(c.items.map((i) => [i.code, i.name]))),
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [api]);

  return useMemo(() => {
    const names = new Map(departments.map((d) => [d.code, d.name]));
    return {
      departments,
      departmentName: (code) => (code ? (names.get(code) ?? null) : null),
      itemName: (code) => items.get(code) ?? null,
    };
  }, [departments, items]);
}
