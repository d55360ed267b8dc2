// Demo data: a few earlier work orders, so that the screen pop has something to show when a newcomer calls from
// the citizen page with one of these numbers. Created through the real service (validation, codes, auto-dispatch,
// 直办), by the demo agent 1001, only when the order table is empty.
import type { Database } from '../../platform/db/database.js';
import type { CreateWorkOrderRawInput } from '../../contracts/work-order-schemas.js';
import type { WorkOrderService } from '../work-orders/service.js';

/** The numbers the README suggests typing on the citizen page. */
export const DEMO_CITIZEN_PHONES = ['13800138000', '13912345678'] as const;

interface DemoOrder {
  input: CreateWorkOrderRawInput;
  answerOnSpot?: string;
}

const [ZHANG, LI] = DEMO_CITIZEN_PHONES;

const ORDERS: DemoOrder[] = [
  {
    input: {
      channel: 'phone',
      citizen: { phone: ZHANG, name: '张先生' },
      type: 'complaint',
      catalogItemCode: 'C04.001',
      place: { district: '南山区', street: '南头街道', address: '南山区南头街道南联社区向南四区3栋' },
      content: '市民反映楼下商铺装修，晚上十点后仍在施工，噪音很大，影响休息，请相关部门处理。',
      summary: '商铺夜间装修噪音扰民',
      timeLimitClass: 'general',
    },
  },
  {
    input: {
      channel: 'phone',
      citizen: { phone: ZHANG, name: '张先生' },
      type: 'consultation',
      catalogItemCode: 'C03.001',
      place: { district: '南山区' },
      content: '市民咨询离职后如何提取住房公积金，需要准备哪些材料。',
      summary: '咨询离职提取公积金',
      timeLimitClass: 'general',
    },
    answerOnSpot: '离职后账户封存满6个月，可携带身份证和银行卡到公积金服务网点或通过网上营业厅办理销户提取。',
  },
  {
    input: {
      channel: 'wechat',
      citizen: { phone: ZHANG, name: '张先生', confidential: true },
      type: 'report',
      catalogItemCode: 'C04.001',
      place: { district: '南山区', street: '南头街道', address: '南山区南头街道某小区5栋' },
      content: '市民举报邻居违规拆改承重墙，请相关部门核查（市民要求保密）。',
      summary: '举报违规拆改承重墙',
      timeLimitClass: 'general',
    },
  },
  {
    input: {
      channel: 'phone',
      citizen: { phone: LI, name: '李女士' },
      type: 'help',
      catalogItemCode: 'C03.001',
      place: { district: '福田区', street: '香蜜湖街道', address: '福田区香蜜湖街道香梅路1号' },
      content: '市民求助：公积金账户被冻结，无法办理租房提取，请公积金中心协助核实。',
      summary: '公积金账户冻结无法提取',
      timeLimitClass: 'general',
    },
  },
];

/** Creates the demo orders when there are none yet; returns their codes. */
export async function seedDemoOrders(db: Database, service: WorkOrderService, agentId: string): Promise<string[]> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM work_orders');
  if ((rows[0]?.n ?? 0) > 0) return [];
  const actor = { id: agentId, role: 'agent' as const, departmentId: null };
  const codes: string[] = [];
  for (const o of ORDERS) {
    const r = await service.create(actor, o.input, { answerOnSpot: o.answerOnSpot });
    codes.push(r.order.code);
  }
  return codes;
}
