// Records a 回访 survey's outcome on the work order as the system: the rating, then 办结 when the citizen is
// satisfied. A dissatisfied rating stays at 已评价 for the dispatch desk to send back for rework (halved time).
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../../contracts/work-order-model.js';
import type { WorkOrderService } from '../work-orders/service.js';
import type { SurveyOutcomeSink } from './survey-service.js';

export function workOrderSurveySink(service: WorkOrderService, log: Logger): SurveyOutcomeSink {
  return {
    async completed(orderCode, scores) {
      const order = await service.findByCode(orderCode);
      if (!order || order.state !== 'callback_pending') {
        log.warn({ orderCode, state: order?.state }, 'survey finished for an order no longer waiting for it');
        return;
      }
      const rated = await service.act(SYSTEM_ACTOR, orderCode, { type: 'rate', rating: scores, comment: '回访电话评价' }, order.version);
      log.info({ orderCode, scores }, 'citizen rating recorded');
      if (scores.satisfied) {
        await service.act(SYSTEM_ACTOR, orderCode, { type: 'close', comment: '回访满意，办结' }, rated.order.version);
      }
    },
    async incomplete(orderCode, reason) {
      // the order stays 待回访: the desk sees it and calls back by hand or closes it unrated with a reason
      log.info({ orderCode, reason }, 'survey call did not produce a rating');
    },
  };
}
