// Where the catalog (职责清单) sends a new order, and the checks on a department chosen by hand.
import type { Actor, WorkOrder } from '../../contracts/work-order-model.js';
import { SYSTEM_ACTOR } from '../../contracts/work-order-model.js';
import { MOVES } from '../../contracts/work-order-states.js';
import type { DispatchOutcome } from '../../contracts/work-order-views.js';
import { detectDistrict, dispatch as dispatchByCatalog } from '../catalog/dispatch.js';
import type { CatalogSnapshot } from '../catalog/store.js';
import { WorkOrderError } from './errors.js';

export type { DispatchOutcome } from '../../contracts/work-order-views.js';

/** The catalog's decision for the order's item and district, to an active department of the registry. */
export function decideDispatch(snap: CatalogSnapshot, order: WorkOrder): DispatchOutcome {
  const { catalog } = snap;
  const district = detectDistrict(catalog, order.place.district) ?? detectDistrict(catalog, [order.place.street ?? '', order.place.address ?? ''].join(' '));
  const r = dispatchByCatalog(catalog, { itemCode: order.catalogItemCode, district: district?.districtCode ?? null });
  if (r.kind === 'manual') return { kind: 'manual', code: r.code, reason: r.reason };
  const dep = snap.departments.get(r.departmentCode);
  if (!dep || !dep.active) {
    return { kind: 'manual', code: 'district_unmapped', reason: `承办部门 ${r.departmentCode} 不在部门名录中，转人工派单` };
  }
  return { kind: 'auto', departmentCode: r.departmentCode, departmentName: dep.name, itemCode: r.itemCode, reason: r.reason };
}

/** A department chosen by hand must be in the registry and active. */
export function checkDepartment(snap: CatalogSnapshot, departmentId: unknown): void {
  if (typeof departmentId !== 'string' || departmentId.trim() === '') return; // the core answers department_required
  const dep = snap.departments.get(departmentId);
  if (!dep) throw new WorkOrderError('validation_failed', `承办部门不存在：${departmentId}`, 'departmentId');
  if (!dep.active) throw new WorkOrderError('validation_failed', `承办部门已停用：${dep.name}`, 'departmentId');
}

/**
 * Auto-dispatch is recorded as done by the system. The lifecycle table (states.ts) only lets the dispatch desk
 * roles dispatch; until it lists 'system' too, the rules are applied with dispatcher authority and the event
 * keeps the system actor.
 */
export function dispatchActor(): Actor {
  return MOVES.dispatch.roles.includes('system') ? SYSTEM_ACTOR : { id: SYSTEM_ACTOR.id, role: 'dispatcher', departmentId: null };
}
