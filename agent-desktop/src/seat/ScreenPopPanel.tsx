// 来电弹屏: as soon as a call rings, the citizen's earlier work orders and calls (GET /api/screen-pop). What the
// server masks (confidential citizens) stays masked. An order opens in the drawer.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, List, Spin, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ScreenPopResponse, WorkOrderSummary } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import type { WorkOrderApi } from '../api/work-orders';
import { formatDuration } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import { formatInstant } from '../workorders/format';
import { STATE_COLORS, STATE_KEYS, TYPE_KEYS } from '../workorders/labels';

interface Props {
  api: WorkOrderApi;
  /** The caller's number; null without a call. */
  phone: string | null;
  /** The call in progress: not listed among the earlier calls. */
  currentCallId: string | null;
  /** Changes when the server may know more (the call was named / answered / an order was saved): reload. */
  refreshKey: string;
  onOpenOrder: (code: string) => void;
}

const SHOWN_ORDERS = 5;
const SHOWN_CALLS = 5;

export function ScreenPopPanel({ api, phone, currentCallId, refreshKey, onOpenOrder }: Props) {
  const t = useT();
  const [data, setData] = useState<ScreenPopResponse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const request = useRef(0);

  const load = useCallback(async () => {
    if (!phone) return;
    const id = ++request.current;
    setLoading(true);
    try {
      const r = await api.screenPop(phone);
      if (id !== request.current) return;
      setData(r);
      setError(null);
    } catch (err) {
      if (id === request.current) setError(err);
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, [api, phone]);

  useEffect(() => {
    setData((d) => (d && phone && d.phone === phone.replace(/^(\+86|0086)/, '') ? d : null));
    setError(null);
    if (phone) void load();
  }, [phone, refreshKey, load]);

  const orders = data?.orders ?? [];
  const calls = (data?.calls ?? []).filter((c) => c.id !== currentCallId);

  return (
    <Card
      size="small"
      title={t('pop.title')}
      style={{ marginBottom: 8 }}
      data-testid="panel-screen-pop"
      data-loaded={data ? 'true' : 'false'}
      data-orders={orders.length}
      extra={
        phone && (
          <Tooltip title={t('pop.reload')}>
            <Button size="small" type="text" icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t('pop.reload')} data-testid="pop-reload" />
          </Tooltip>
        )
      }
    >
      {!phone ? (
        <Typography.Text type="secondary">{t('pop.idle')}</Typography.Text>
      ) : error && !data ? (
        <Alert type="warning" showIcon message={t('pop.failed', { message: describeError(error, t) })} data-testid="pop-error" />
      ) : !data ? (
        <Spin size="small" spinning={loading}>
          <Typography.Text type="secondary">{t('pop.loading')}</Typography.Text>
        </Spin>
      ) : (
        <>
          <Typography.Text strong>{t('pop.orders', { count: orders.length })}</Typography.Text>
          {orders.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pop.noOrders')} style={{ margin: '4px 0' }} />
          ) : (
            <List<WorkOrderSummary>
              size="small"
              dataSource={orders.slice(0, SHOWN_ORDERS)}
              data-testid="pop-orders"
              renderItem={(o) => (
                <List.Item key={o.code} data-testid={`pop-order-${o.code}`} style={{ padding: '4px 0', display: 'block' }}>
                  <Flex gap={4} wrap align="center">
                    <Button
                      type="link"
                      size="small"
                      style={{ padding: 0, fontFamily: 'monospace' }}
                      onClick={() => onOpenOrder(o.code)}
                      aria-label={t('wo.open', { code: o.code })}
                    >
                      {o.code}
                    </Button>
                    <Tag style={{ marginInlineEnd: 0 }}>{t(TYPE_KEYS[o.type])}</Tag>
                    <Tag color={STATE_COLORS[o.state]} style={{ marginInlineEnd: 0 }}>
                      {t(STATE_KEYS[o.state])}
                    </Tag>
                    {o.urgency === 'urgent' && <Tag color="red">{t('wo.urgency.urgent')}</Tag>}
                    {o.masked && (
                      <Tag color="purple" data-testid="pop-masked">
                        {t('detail.masked')}
                      </Tag>
                    )}
                  </Flex>
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                    {o.summary}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatInstant(o.receivedAt)}
                    {o.departmentName ? ` · ${o.departmentName}` : ''}
                    {o.citizen.name ? ` · ${o.citizen.name}` : ''}
                  </Typography.Text>
                </List.Item>
              )}
            />
          )}
          {orders.length > SHOWN_ORDERS && <Typography.Text type="secondary">{t('pop.more', { count: orders.length - SHOWN_ORDERS })}</Typography.Text>}
          <div style={{ marginTop: 8 }}>
            <Typography.Text strong>{t('pop.calls', { count: calls.length })}</Typography.Text>
          </div>
          {calls.length === 0 ? (
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('pop.noCalls')}
            </Typography.Paragraph>
          ) : (
            <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="pop-calls">
              {calls.slice(0, SHOWN_CALLS).map((c) => (
                <li key={c.id}>
                  <Typography.Text style={{ fontSize: 12 }}>
                    {formatInstant(c.arrivedAt)} · {t(`pop.outcome.${c.outcome ?? 'live'}`)}
                    {c.answeredAt && c.endedAt ? ` · ${formatDuration(c.endedAt - c.answeredAt)}` : ''}
                  </Typography.Text>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}
