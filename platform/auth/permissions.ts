// The one role table: which roles hold each named permission, and the Chinese refusal a user without it reads.
// Routes ask for a permission (platform/http/auth-guard.ts), never for a list of roles, so who may do what is
// read and changed here. What a user may do with one particular object (an order of their department, a
// recording of their own call) stays with the feature that knows the object.
import type { Role } from '../../contracts/api.js';

export const ROLE_NAMES_ZH: Record<Role, string> = { agent: '话务员', dispatcher: '派单员', supervisor: '值班长', handler: '承办部门', admin: '系统管理员' };

/** `refusal`: the whole refusal; `what`: the action, refused as "<role name>无权<what>". */
type Grant = { readonly roles: readonly Role[]; readonly refusal: string } | { readonly roles: readonly Role[]; readonly what: string };

const DESK: readonly Role[] = ['agent', 'dispatcher', 'supervisor', 'admin'];
const MANAGEMENT: readonly Role[] = ['dispatcher', 'supervisor', 'admin'];
const ONLY_SUPERVISORS = '只有班长可以监听、强插或强制座席状态';

export const PERMISSIONS = {
  // the ACD's live queue figures (GET /api/acd/figures)
  'acd.figures.read': { roles: ['supervisor', 'dispatcher', 'admin'], refusal: '只有班长、派单员和管理员可以查看实时话务数据' },

  // work orders: the desk's entry points; what a role may do to one order is the lifecycle's decision
  'workorder.create': { roles: DESK, what: '受理工单' },
  'workorder.screen-pop': { roles: DESK, what: '查看来电弹屏' },
  'catalog.export': { roles: ['admin'], what: '导出职责清单' },
  'catalog.import': { roles: ['admin'], what: '导入职责清单' },
  'knowledge.edit': { roles: ['supervisor', 'admin'], what: '编辑知识库' },
  'report.read': { roles: MANAGEMENT, what: '查看统计报表' },
  'report.export': { roles: MANAGEMENT, what: '导出统计报表' },
  'hotspot.read': { roles: MANAGEMENT, what: '查看热点预警' },

  // transfers and 110/120 linkage sheets
  'transfer.directory.read': { roles: ['agent', 'supervisor', 'admin'], refusal: '无权查看转接号码簿' },
  'transfer.start': { roles: ['agent'], refusal: '只有座席可以转接电话' },
  /** See the transfer of one's call and complete / cancel / three-way / leave it. */
  'transfer.control': { roles: ['agent'], refusal: '只有座席可以转接电话' },
  'linkage.read': { roles: ['agent', 'supervisor', 'dispatcher', 'admin'], refusal: '无权查看联动记录' },
  /** Every sheet; without it (agents) only the sheets of one's own transfers: they carry citizens' numbers. */
  'linkage.read.all': { roles: ['supervisor', 'dispatcher', 'admin'], refusal: '无权查看联动记录' },

  // supervision and the wallboard
  /** Listen, whisper, barge: start, switch, stop and list sessions. */
  'supervision.supervise': { roles: ['supervisor'], refusal: ONLY_SUPERVISORS },
  'agent.force-state': { roles: ['supervisor'], refusal: ONLY_SUPERVISORS },
  'supervision.audit.read': { roles: ['admin'], refusal: '只有管理员可以查看监听记录' },
  'wallboard.read': { roles: ['supervisor', 'admin'], refusal: '只有班长和管理员可以查看大屏' },

  // recordings: any signed-in user may ask; recordings/access.ts decides per call (own call, department's order)
  /** Listen to any call's recording. */
  'recording.listen.any': { roles: ['supervisor', 'admin'], refusal: '您无权收听该通话录音' },
  'recording.download': { roles: ['supervisor', 'admin'], refusal: '仅值班长和管理员可以下载录音' },
} as const satisfies Record<string, Grant>;

export type Permission = keyof typeof PERMISSIONS;

const grant = (permission: Permission): Grant => PERMISSIONS[permission];

export function can(role: Role, permission: Permission): boolean {
  return grant(permission).roles.includes(role);
}

/** The refusal a user of `role` reads when they lack `permission`. */
export function refusalOf(role: Role, permission: Permission): string {
  const g = grant(permission);
  return 'refusal' in g ? g.refusal : `${ROLE_NAMES_ZH[role] ?? role}无权${g.what}`;
}
