import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../contracts/api.js';
import { can, PERMISSIONS, refusalOf, type Permission } from './permissions.js';

const holders = (p: Permission): Role[] => ROLES.filter((r) => can(r, p));

describe('the role table', () => {
  it('grants what each route granted when it listed its roles itself', () => {
    const expected: Record<Permission, Role[]> = {
      'acd.figures.read': ['dispatcher', 'supervisor', 'admin'],
      'workorder.create': ['agent', 'dispatcher', 'supervisor', 'admin'],
      'workorder.screen-pop': ['agent', 'dispatcher', 'supervisor', 'admin'],
      'catalog.export': ['admin'],
      'catalog.import': ['admin'],
      'knowledge.edit': ['supervisor', 'admin'],
      'report.read': ['dispatcher', 'supervisor', 'admin'],
      'report.export': ['dispatcher', 'supervisor', 'admin'],
      'hotspot.read': ['dispatcher', 'supervisor', 'admin'],
      'transfer.directory.read': ['agent', 'supervisor', 'admin'],
      'transfer.start': ['agent'],
      'transfer.control': ['agent'],
      'linkage.read': ['agent', 'dispatcher', 'supervisor', 'admin'],
      'linkage.read.all': ['dispatcher', 'supervisor', 'admin'],
      'supervision.supervise': ['supervisor'],
      'agent.force-state': ['supervisor'],
      'supervision.audit.read': ['admin'],
      'wallboard.read': ['supervisor', 'admin'],
      'recording.listen.any': ['supervisor', 'admin'],
      'recording.download': ['supervisor', 'admin'],
    };
    expect(Object.fromEntries(Object.keys(PERMISSIONS).map((p) => [p, holders(p as Permission)]))).toEqual(expected);
  });

  it('no permission is held by a handler: departments work through their orders only', () => {
    expect(Object.keys(PERMISSIONS).filter((p) => can('handler', p as Permission))).toEqual([]);
  });

  it('refuses in Chinese, naming the role where the route did', () => {
    expect(refusalOf('handler', 'workorder.create')).toBe('承办部门无权受理工单');
    expect(refusalOf('supervisor', 'catalog.import')).toBe('值班长无权导入职责清单');
    expect(refusalOf('agent', 'acd.figures.read')).toBe('只有班长、派单员和管理员可以查看实时话务数据');
    expect(refusalOf('admin', 'supervision.supervise')).toBe('只有班长可以监听、强插或强制座席状态');
  });
});
