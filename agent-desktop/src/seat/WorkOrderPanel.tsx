// The seat's 工单 panel: the order of the current call (form while unsaved, then what became of it), the wrap-up
// rule in words, and the agent's other unsaved drafts (earlier calls, a reload) to finish.
import { CheckCircleOutlined, FileTextOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Result, Tag, Typography } from 'antd';
import type { FieldIssue } from '../../../contracts/errors.js';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { formatInstant } from '../workorders/format';
import { STATE_COLORS, STATE_KEYS } from '../workorders/labels';
import type { StoredDraft } from './drafts';
import { OrderForm } from './OrderForm';
import type { SavedOrder } from './submit-order';
import type { CallContext, CallOutcome } from './useCallContext';

interface Props {
  api: WorkOrderApi;
  agentId: string;
  context: CallContext | null;
  agentDrafts: StoredDraft[];
  /** A live call is on (its order can be filled; other drafts wait). */
  callLive: boolean;
  syncRefusal: { key: string; message: string; fields: FieldIssue[] } | null;
  onOutcome: (key: string, outcome: CallOutcome) => void;
  onResume: (key: string) => void;
  onOpenOrder: (code: string) => void;
}

export function WorkOrderPanel({ api, agentId, context, agentDrafts, callLive, syncRefusal, onOutcome, onResume, onOpenOrder }: Props) {
  const t = useT();
  const others = agentDrafts.filter((d) => d.key !== context?.key);
  const wrapUp = context !== null && context.talked && context.ended && context.outcome === null;

  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <FileTextOutlined />
          {t('panel.workOrder')}
          {context?.callerNumber && (
            <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
              {t('order.forCall', { number: context.callerNumber })}
            </Typography.Text>
          )}
        </Flex>
      }
      data-testid="panel-work-order"
      data-call-id={context?.callId ?? ''}
      data-order-state={!context ? 'none' : (context.outcome?.kind ?? (context.talked ? 'open' : 'ringing'))}
      style={{ marginBottom: 8 }}
    >
      {wrapUp && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={t('wrapup.title')} description={t('wrapup.text')} data-testid="wrapup-notice" />
      )}
      {others.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="other-drafts"
          message={t('order.otherDrafts', { count: others.length })}
          description={
            <Flex vertical gap={4}>
              {others.map((d) => (
                <Flex key={d.key} gap={8} align="center" wrap>
                  <Typography.Text>
                    {t('order.draftOf', { number: d.callerNumber ?? t('softphone.unknownCaller'), at: formatInstant(d.startedAt) })}
                  </Typography.Text>
                  {d.pendingSubmit && <Tag color="orange">{t('order.pendingTag')}</Tag>}
                  <Button
                    size="small"
                    disabled={callLive || (context !== null && context.outcome === null && !context.ended)}
                    onClick={() => onResume(d.key)}
                    data-testid={`resume-draft-${d.key}`}
                  >
                    {t('order.resumeDraft')}
                  </Button>
                </Flex>
              ))}
            </Flex>
          }
        />
      )}
      {!context ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('order.idle')} />
      ) : context.outcome?.kind === 'saved' ? (
        <SavedView order={context.outcome.order} onOpenOrder={onOpenOrder} />
      ) : context.outcome?.kind === 'not_needed' ? (
        <div data-testid="order-not-needed" data-reason={context.outcome.reason}>
          <Result status="info" style={{ padding: '12px 0' }} title={t('order.notNeededTitle')} subTitle={t(`order.noOrder.${context.outcome.reason}`)} />
        </div>
      ) : (
        <OrderForm
          key={context.startedAt}
          api={api}
          agentId={agentId}
          context={context}
          syncRefusal={syncRefusal && syncRefusal.key === context.key ? syncRefusal : null}
          onOutcome={onOutcome}
        />
      )}
    </Card>
  );
}

function SavedView({ order, onOpenOrder }: { order: SavedOrder; onOpenOrder: (code: string) => void }) {
  const t = useT();
  const d = order.dispatch;
  const where = order.answeredOnSpot
    ? t('order.outcomeAnswered')
    : d?.kind === 'auto'
      ? t('order.outcomeAuto', { department: d.departmentName })
      : d?.kind === 'manual'
        ? t('order.outcomeManual', { reason: d.reason })
        : order.departmentName
          ? t('order.outcomeAuto', { department: order.departmentName })
          : t(STATE_KEYS[order.state]);
  return (
    <div data-testid="order-saved">
      <Result
        status="success"
        icon={<CheckCircleOutlined />}
        style={{ padding: '12px 0' }}
        title={
          <span>
            {t('order.savedTitle')}{' '}
            <Typography.Text
              copyable={{ text: order.code, tooltips: [t('order.copyCode'), t('softphone.copied')] }}
              strong
              data-testid="order-code"
              data-code={order.code}
              style={{ fontFamily: 'monospace', fontSize: 'inherit' }}
            >
              {order.code}
            </Typography.Text>
          </span>
        }
        subTitle={
          <Flex vertical gap={4} align="center">
            <span data-testid="order-dispatch" data-kind={order.answeredOnSpot ? 'answered' : (d?.kind ?? 'unknown')} data-state={order.state}>
              {where}
            </span>
            {order.answerProblem && <Alert type="warning" showIcon message={t('order.answerProblem')} data-testid="order-answer-problem" />}
          </Flex>
        }
        extra={
          <Flex gap={8} justify="center" align="center">
            <Tag color={STATE_COLORS[order.state]}>{t(STATE_KEYS[order.state])}</Tag>
            <Button size="small" onClick={() => onOpenOrder(order.code)} aria-label={t('wo.open', { code: order.code })} data-testid="open-saved-order">
              {t('order.openOrder')}
            </Button>
          </Flex>
        }
      />
    </div>
  );
}
