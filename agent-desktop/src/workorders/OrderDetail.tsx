// One order in full: facts, the action buttons the server allows this user now (legalActions), the open
// action form, and the history. Used in the drawer of the department portal and of the dispatch desk.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Divider, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkOrderAction, WorkOrderActionResponse, WorkOrderDetailResponse, WorkOrderView } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import { ApiError } from '../api/http';
import type { WorkOrderApi } from '../api/work-orders';
import { useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import { ActionForm, isFormAction, type FormAction } from './ActionForm';
import { EventTimeline } from './EventTimeline';
import { formatInstant } from './format';
import { BUTTON_KEYS, CHANNEL_KEYS, EVENT_KEYS, EXTENSION_STATUS_KEYS, STATE_COLORS, STATE_KEYS, TIME_LIMIT_KEYS, TYPE_KEYS, URGENCY_KEYS } from './labels';
import { DueCell } from './OrderTable';
import { CallRecordings, callsWithRecording } from './RecordingPlayer';
import type { Reference } from './useReference';

/** Actions that move the order forward get the primary style; refusals the danger style. */
const PRIMARY: readonly WorkOrderAction[] = ['sign', 'start', 'reply', 'dispatch', 'accept_reply', 'approve_extension', 'close'];
const DANGER: readonly WorkOrderAction[] = ['return', 'reject_reply', 'reject_extension'];

interface Props {
  api: WorkOrderApi;
  reference: Reference;
  code: string;
  /** After a successful action: the lists refresh. */
  onChanged: (response: WorkOrderActionResponse) => void;
}

export function OrderDetail({ api, reference, code, onChanged }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [data, setData] = useState<WorkOrderDetailResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [active, setActive] = useState<FormAction | null>(null);
  const request = useRef(0);
  // After an action the form closes; focus goes back to the action bar instead of getting lost on <body>.
  const actionBar = useRef<HTMLElement>(null);

  const load = useCallback(async () => {
    const id = ++request.current;
    setLoading(true);
    try {
      const r = await api.detail(code);
      if (id !== request.current) return;
      setData(r);
      setError(null);
      setActive((a) => (a !== null && r.legalActions.includes(a) ? a : null));
    } catch (err) {
      if (id === request.current) setError(err);
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, [api, code]);

  useEffect(() => {
    setData(null);
    setActive(null);
    void load();
  }, [load]);

  const done = (r: WorkOrderActionResponse) => {
    setData((d) => (d ? { ...d, order: r.order, legalActions: r.legalActions, events: [...d.events, r.event] } : d));
    setActive(null);
    requestAnimationFrame(() => actionBar.current?.focus());
    void message.success(t('action.done', { action: t(EVENT_KEYS[r.event.action]) }));
    onChanged(r);
  };

  if (!data) {
    return (
      <div data-testid="order-detail" data-loading={loading}>
        {loading && <Spin style={{ display: 'block', margin: '48px auto' }} />}
        {!loading && error !== null && (
          <Alert
            type="error"
            showIcon
            data-testid="detail-error"
            message={error instanceof ApiError && error.status === 404 ? t('detail.notFound') : t('detail.failed', { message: describeError(error, t) })}
            action={
              <Button size="small" onClick={() => void load()}>
                {t('detail.reload')}
              </Button>
            }
          />
        )}
      </div>
    );
  }

  const { order, events, legalActions, calls } = data;
  const actions = legalActions.filter(isFormAction);
  return (
    <div data-testid="order-detail" data-code={order.code} data-version={order.version}>
      {/* Who/what/state and the actions stay in view while the facts and history scroll. */}
      <div style={{ position: 'sticky', top: -12, zIndex: 2, background: '#fff', padding: '12px 0 4px', marginTop: -12 }}>
        <Flex align="center" gap={8} wrap style={{ marginBottom: 12 }}>
          <Typography.Text strong style={{ fontFamily: 'monospace', fontSize: 16 }} copyable>
            {order.code}
          </Typography.Text>
          <Tag color={STATE_COLORS[order.state]} data-testid="order-state" data-state={order.state}>
            {t(STATE_KEYS[order.state])}
          </Tag>
          {order.urgency === 'urgent' && <Tag color="red">{t('wo.urgency.urgent')}</Tag>}
          {order.specialSupervision && <Tag color="magenta">{t('wo.specialSupervision')}</Tag>}
          {order.reworkCount > 0 && <Tag color="volcano">{t('wo.reworkCount', { count: order.reworkCount })}</Tag>}
          <div style={{ flex: 1 }} />
          <Button size="small" icon={<ReloadOutlined />} loading={loading} onClick={() => void load()} data-testid="detail-refresh">
            {t('wo.refresh')}
          </Button>
        </Flex>

        <section aria-label={t('detail.actions')} ref={actionBar} tabIndex={-1} style={{ outline: 'none' }}>
          {actions.length === 0 ? (
            <Typography.Text type="secondary" data-testid="no-actions" style={{ display: 'block', marginBottom: 12 }}>
              {t('detail.noActions')}
            </Typography.Text>
          ) : (
            <Space wrap style={{ marginBottom: 12 }}>
              {actions.map((a) => (
                <Button
                  key={a}
                  type={PRIMARY.includes(a) ? 'primary' : 'default'}
                  danger={DANGER.includes(a)}
                  aria-expanded={active === a}
                  data-testid={`action-${a}`}
                  onClick={() => setActive((cur) => (cur === a ? null : a))}
                >
                  {t(BUTTON_KEYS[a])}
                </Button>
              ))}
            </Space>
          )}
        </section>
      </div>
      {active !== null && (
        <ActionForm
          key={active}
          api={api}
          reference={reference}
          order={order}
          action={active}
          onDone={done}
          onCancel={() => setActive(null)}
          onRefresh={() => void load()}
        />
      )}

      {error !== null && !loading && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="detail-error"
          message={t('detail.failed', { message: describeError(error, t) })}
        />
      )}
      <OrderFacts order={order} reference={reference} callCount={calls.length} />
      {callsWithRecording(calls).length > 0 && (
        <>
          <Divider orientation="left" plain style={{ margin: '16px 0 12px' }}>
            {t('recording.title')}
          </Divider>
          <CallRecordings api={api} calls={calls} />
        </>
      )}

      <Divider orientation="left" plain style={{ margin: '16px 0 12px' }}>
        {t('detail.history')}
      </Divider>
      <EventTimeline events={events} reference={reference} />
    </div>
  );
}

function OrderFacts({ order, reference, callCount }: { order: WorkOrderView; reference: Reference; callCount: number }) {
  const t = useT();
  const now = useNow(60_000);
  const department = (code: string | null) => (code ? (reference.departmentName(code) ?? code) : '—');
  const itemName = reference.itemName(order.catalogItemCode);
  const place = [order.place.district, order.place.street, order.place.address].filter(Boolean).join(' ');

  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, md: 2, lg: 2, xl: 2, xxl: 2 }}
      labelStyle={{ whiteSpace: 'nowrap', width: 96 }}
      items={[
        { key: 'type', label: t('detail.field.type'), children: t(TYPE_KEYS[order.type]) },
        {
          key: 'urgency',
          label: t('detail.field.urgency'),
          children: order.urgency === 'urgent' ? <Tag color="red">{t(URGENCY_KEYS.urgent)}</Tag> : t(URGENCY_KEYS.normal),
        },
        { key: 'channel', label: t('detail.field.channel'), children: t(CHANNEL_KEYS[order.channel]) },
        { key: 'timeLimit', label: t('detail.field.timeLimitClass'), children: t(TIME_LIMIT_KEYS[order.timeLimitClass]) },
        {
          key: 'item',
          label: t('detail.field.item'),
          span: 2,
          children: itemName ? `${order.catalogItemCode} ${itemName}` : order.catalogItemCode,
        },
        {
          key: 'citizen',
          label: t('detail.field.citizen'),
          span: 2,
          children: (
            <Space wrap size={4}>
              <span data-testid="citizen-phone">{order.citizen.phone}</span>
              <span>{order.citizen.name ?? t('detail.anonymous')}</span>
              {order.citizen.confidential && <Tag color="orange">{t('detail.confidential')}</Tag>}
              {order.masked && <Tag>{t('detail.masked')}</Tag>}
            </Space>
          ),
        },
        { key: 'place', label: t('detail.field.place'), span: 2, children: place || '—' },
        {
          key: 'department',
          label: t('detail.field.department'),
          children: order.departmentName ?? department(order.departmentId),
        },
        { key: 'received', label: t('detail.field.receivedAt'), children: formatInstant(order.receivedAt) },
        {
          key: 'due',
          label: t('detail.field.due'),
          span: 2,
          children: <DueCell order={{ state: order.state, overdue: order.overdue, dueAt: order.resolveDeadline.dueAt }} now={now} />,
        },
        ...(order.dispatchDeadline && (order.state === 'received' || order.state === 'returned')
          ? [
              {
                key: 'dispatchDue',
                label: t('detail.field.dispatchDue'),
                span: 2,
                children: (
                  <DueCell order={{ state: order.state, overdue: now >= order.dispatchDeadline.dueAt, dueAt: order.dispatchDeadline.dueAt }} now={now} />
                ),
              },
            ]
          : []),
        { key: 'summary', label: t('detail.field.summary'), span: 2, children: order.summary },
        {
          key: 'content',
          label: t('detail.field.content'),
          span: 2,
          children: <div style={{ whiteSpace: 'pre-wrap' }}>{order.content}</div>,
        },
        ...(order.answer
          ? [{ key: 'answer', label: t('detail.field.answer'), span: 2, children: <div style={{ whiteSpace: 'pre-wrap' }}>{order.answer}</div> }]
          : []),
        ...(order.replies.length > 0
          ? [
              {
                key: 'replies',
                label: t('detail.field.replies'),
                span: 2,
                children: (
                  <div data-testid="order-replies">
                    {order.replies.map((r) => (
                      <div key={r.at} style={{ marginBottom: 6 }}>
                        <Typography.Text type="secondary">
                          {t('detail.replyBy', { department: department(r.departmentId), at: formatInstant(r.at) })}
                        </Typography.Text>{' '}
                        {r.late && <Tag color="error">{t('detail.late')}</Tag>}
                        <div style={{ whiteSpace: 'pre-wrap' }}>{r.content}</div>
                      </div>
                    ))}
                  </div>
                ),
              },
            ]
          : []),
        ...(order.returns.length > 0
          ? [
              {
                key: 'returns',
                label: t('detail.field.returns'),
                span: 2,
                children: order.returns.map((r) => (
                  <div key={r.at}>{t('detail.returnText', { department: department(r.departmentId), at: formatInstant(r.at), reason: r.reason })}</div>
                )),
              },
            ]
          : []),
        ...(order.extensions.length > 0
          ? [
              {
                key: 'extensions',
                label: t('detail.field.extensions'),
                span: 2,
                children: order.extensions.map((e) => (
                  <div key={e.requestedAt}>
                    {t('detail.extensionText', {
                      date: e.requestedDueDate,
                      status: t(EXTENSION_STATUS_KEYS[e.status]),
                      reason: e.reason,
                    })}
                    {e.decisionComment ? ` — ${e.decisionComment}` : ''}
                  </div>
                )),
              },
            ]
          : []),
        ...(order.ratings.length > 0
          ? [
              {
                key: 'ratings',
                label: t('detail.field.ratings'),
                span: 2,
                children: order.ratings.map((r) => (
                  <div key={r.at}>
                    <Tag color={r.satisfied ? 'success' : 'error'}>{t(r.satisfied ? 'detail.rating.satisfied' : 'detail.rating.dissatisfied')}</Tag>
                    {t('detail.rating.scores', { speed: r.speed, result: r.result, attitude: r.attitude, quality: r.replyQuality })}
                    {r.comment ? ` — ${r.comment}` : ''}
                  </div>
                )),
              },
            ]
          : []),
        ...(callCount > 0 ? [{ key: 'calls', label: t('detail.field.calls'), span: 2, children: t('detail.callsCount', { count: callCount }) }] : []),
      ]}
    />
  );
}
