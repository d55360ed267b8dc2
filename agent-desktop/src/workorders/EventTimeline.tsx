// 处理记录: who did what, when and why, oldest first.
import { Timeline, Typography } from 'antd';
import type { WorkOrderEventView } from '../../../contracts/work-orders.js';
import { useT } from '../i18n/i18n';
import { formatDue, formatInstant } from './format';
import { EVENT_KEYS, ROLE_KEYS, STATE_KEYS } from './labels';
import type { Reference } from './useReference';

const COLORS: Partial<Record<WorkOrderEventView['action'], string>> = {
  return: 'orange',
  reject_reply: 'orange',
  reject_extension: 'orange',
  remind: 'orange',
  escalate: 'red',
  rework: 'red',
  accept_reply: 'green',
  close: 'green',
  answer_on_spot: 'green',
};

export function EventTimeline({ events, reference }: { events: readonly WorkOrderEventView[]; reference: Reference }) {
  const t = useT();
  return (
    <Timeline
      data-testid="order-timeline"
      items={events.map((e) => {
        const role = t(ROLE_KEYS[e.actor.role]);
        const who = e.actor.role === 'system' ? role : t('work.user', { name: e.actorName ?? e.actor.id, role });
        const department = e.details.departmentId ? (reference.departmentName(e.details.departmentId) ?? e.details.departmentId) : null;
        return {
          key: `${e.version}-${e.action}`,
          color: COLORS[e.action] ?? 'blue',
          children: (
            <div data-testid={`event-${e.action}`} data-version={e.version}>
              <Typography.Text strong>{t(EVENT_KEYS[e.action])}</Typography.Text>{' '}
              <Typography.Text type="secondary">
                {formatInstant(e.at)} · {who}
              </Typography.Text>
              <div>
                <Typography.Text type="secondary">
                  {e.from === null
                    ? t('timeline.created', { to: t(STATE_KEYS[e.to]) })
                    : t('timeline.transition', { from: t(STATE_KEYS[e.from]), to: t(STATE_KEYS[e.to]) })}
                </Typography.Text>
              </div>
              {department && e.action === 'dispatch' && <div>{t('timeline.department', { department })}</div>}
              {e.details.requestedDueDate && <div>{t('timeline.requestedDue', { date: e.details.requestedDueDate })}</div>}
              {e.details.dueAt !== undefined && e.action !== 'request_extension' && <div>{t('timeline.dueAt', { due: formatDue(e.details.dueAt) })}</div>}
              {e.details.content && <div style={{ whiteSpace: 'pre-wrap' }}>{t('timeline.content', { content: e.details.content })}</div>}
              {e.reason && <div style={{ whiteSpace: 'pre-wrap' }}>{t('timeline.reason', { reason: e.reason })}</div>}
            </div>
          ),
        };
      })}
    />
  );
}
