// 统计报表 for dispatchers, supervisors and admins (path /reports): the 三率 on one screen, call and order figures
// of a day/week/month (China local time), daily bars, breakdowns, CSV/Excel export; and the 未诉先办 hotspot list.
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Flex, Input, Layout, Row, Segmented, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { HotspotAlertView, HotspotListResponse, Rate, ReportPeriod, ReportResponse } from '../../../contracts/reports.js';
import { describeError } from '../api/describe-error';
import { useT, type Translate } from '../i18n/i18n';
import type { StoredSession } from '../session/session-store';
import { WorkHeader } from '../workorders/WorkHeader';
import { BarChart, RankBars } from './BarChart';
import { reportsApi } from './reports-api';

interface Props {
  session: StoredSession;
  onLogout: () => void;
  onExpired: () => void;
}

/** Today in China local time (UTC+8), whatever the browser's zone. */
function todayLocal(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const pct = (r: Rate) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export function ReportsPage({ session, onLogout, onExpired }: Props) {
  const t = useT();
  const api = useMemo(() => reportsApi(session.token, onExpired), [session.token, onExpired]);
  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="reports-page">
      <Layout.Header style={{ background: '#fff', padding: '0 12px', height: 48, lineHeight: '48px', borderBottom: '1px solid #f0f0f0' }}>
        <WorkHeader title={t('reports.title')} user={session.user} onLogout={onLogout} />
      </Layout.Header>
      <Layout.Content style={{ padding: '0 12px 12px' }}>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'figures', label: <span data-testid="reports-tab-figures">{t('reports.tab.figures')}</span>, children: <Figures api={api} /> },
            { key: 'hotspots', label: <span data-testid="reports-tab-hotspots">{t('reports.tab.hotspots')}</span>, children: <Hotspots api={api} /> },
          ]}
        />
      </Layout.Content>
    </Layout>
  );
}

function Figures({ api }: { api: ReturnType<typeof reportsApi> }) {
  const t = useT();
  const [period, setPeriod] = useState<ReportPeriod>('day');
  const [date, setDate] = useState(todayLocal);
  const [report, setReport] = useState<ReportResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    api
      .report(period, date)
      .then((r) => {
        setReport(r);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err, t)))
      .finally(() => setLoading(false));
  }, [api, period, date, t]);
  useEffect(load, [load]);

  const download = (format: 'csv' | 'xlsx') => void api.download(period, date, format).catch((err: unknown) => setError(describeError(err, t)));

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} align="center" wrap>
        <Segmented<ReportPeriod>
          value={period}
          onChange={setPeriod}
          options={(['day', 'week', 'month'] as const).map((p) => ({ value: p, label: <span data-testid={`period-${p}`}>{t(`reports.period.${p}`)}</span> }))}
        />
        <Input
          type="date"
          aria-label={t('reports.date')}
          value={date}
          onChange={(e) => e.target.value && setDate(e.target.value)}
          style={{ width: 160 }}
          data-testid="report-date"
        />
        {report && <Typography.Text type="secondary">{t('reports.range', { first: report.firstDate, last: report.lastDate })}</Typography.Text>}
        <Button icon={<ReloadOutlined />} onClick={load} loading={loading}>
          {t('reports.refresh')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => download('csv')} data-testid="export-csv">
          {t('reports.csv')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => download('xlsx')} data-testid="export-xlsx">
          {t('reports.xlsx')}
        </Button>
      </Flex>
      {error && <Alert type="error" showIcon message={t('reports.failed', { message: error })} />}
      {report && <ReportView report={report} t={t} />}
    </Flex>
  );
}

function ReportView({ report: r, t }: { report: ReportResponse; t: Translate }) {
  const secs = (n: number | null) => (n === null ? t('reports.none') : t('reports.seconds', { n: Math.round(n) }));
  return (
    <>
      <Card size="small" title={t('reports.threeRates')} data-testid="three-rates">
        <Row gutter={16}>
          {(['response', 'resolution', 'satisfaction'] as const).map((k) => (
            <Col span={8} key={k}>
              <Statistic title={t(`reports.rate.${k}`)} value={pct(r.threeRates[k])} valueStyle={{ fontSize: 32 }} />
              <RateBar value={r.threeRates[k]} />
            </Col>
          ))}
        </Row>
      </Card>
      <Row gutter={12}>
        <Col span={12}>
          <Card size="small" title={t('reports.calls')} data-testid="call-figures">
            <Row gutter={[8, 8]}>
              <Col span={6}>
                <Statistic title={t('reports.calls.arrived')} value={r.calls.arrived} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.offered')} value={r.calls.offered} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.answered')} value={r.calls.answered} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.abandoned')} value={r.calls.abandoned} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.answerRate15s')} value={pct(r.calls.answerRate15s)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.connectionRate')} value={pct(r.calls.connectionRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.asa')} value={secs(r.calls.asaSeconds)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.calls.aht')} value={secs(r.calls.ahtSeconds)} />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small" title={t('reports.orders')} data-testid="order-figures">
            <Row gutter={[8, 8]}>
              <Col span={6}>
                <Statistic title={t('reports.orders.received')} value={r.orders.received} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.answeredOnSpot')} value={r.orders.answeredOnSpot} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.firstDispatch')} value={pct(r.orders.firstDispatchSuccessRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.onTimeSign')} value={pct(r.orders.onTimeSignRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.onTimeClosure')} value={pct(r.orders.onTimeClosureRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.closed1d')} value={pct(r.orders.closedWithin1DayRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.closed3d')} value={pct(r.orders.closedWithin3DaysRate)} />
              </Col>
              <Col span={6}>
                <Statistic title={t('reports.orders.reworks')} value={`${r.orders.reworkOrders} / ${r.orders.reworks}`} />
              </Col>
            </Row>
          </Card>
        </Col>
      </Row>
      {r.daily.length > 1 && (
        <Card size="small" title={t('reports.daily')}>
          <BarChart
            testId="daily-chart"
            labels={r.daily.map((d) => d.date)}
            series={[
              { name: t('reports.daily.offered'), color: '#91caff', values: r.daily.map((d) => d.offered) },
              { name: t('reports.daily.answered'), color: '#1677ff', values: r.daily.map((d) => d.answered) },
              { name: t('reports.daily.orders'), color: '#faad14', values: r.daily.map((d) => d.ordersReceived) },
            ]}
          />
        </Card>
      )}
      <Row gutter={12}>
        <Col span={8}>
          <Card size="small" title={t('reports.byType')}>
            <RankBars items={r.orders.byType} testId="by-type" />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={t('reports.byClass')}>
            <RankBars items={r.orders.byClass} testId="by-class" />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={t('reports.byDistrict')}>
            <RankBars items={r.orders.byDistrict} testId="by-district" />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function RateBar({ value }: { value: Rate }) {
  return (
    <div style={{ height: 8, background: '#f0f0f0', borderRadius: 4 }}>
      <div
        style={{
          height: 8,
          width: `${(value ?? 0) * 100}%`,
          background: (value ?? 0) >= 0.9 ? '#52c41a' : (value ?? 0) >= 0.7 ? '#faad14' : '#ff4d4f',
          borderRadius: 4,
        }}
      />
    </div>
  );
}

function Hotspots({ api }: { api: ReturnType<typeof reportsApi> }) {
  const t = useT();
  const [data, setData] = useState<HotspotListResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api
      .hotspots()
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err, t)));
  }, [api, t]);
  useEffect(load, [load]);
  if (error) return <Alert type="error" showIcon message={t('reports.failed', { message: error })} />;
  if (!data) return null;
  return (
    <Flex vertical gap={8} data-testid="hotspot-list">
      <Flex gap={8} align="center">
        <Typography.Text type="secondary">{t('hotspots.window', { hours: data.windowHours })}</Typography.Text>
        <Button size="small" icon={<ReloadOutlined />} onClick={load}>
          {t('reports.refresh')}
        </Button>
      </Flex>
      {data.alerts.length === 0 ? (
        <Empty description={t('hotspots.empty')} />
      ) : (
        <Table<HotspotAlertView>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={data.alerts}
          columns={[
            { title: t('hotspots.item'), render: (_, a) => `${a.catalogItemName}（${a.catalogItemCode}）` },
            {
              title: t('hotspots.place'),
              render: (_, a) => (
                <>
                  {a.district} {a.place} <Tag>{t(`hotspots.kind.${a.placeKind}`)}</Tag>
                </>
              ),
            },
            { title: t('hotspots.count'), dataIndex: 'count' },
            { title: t('hotspots.baseline'), render: (_, a) => a.baseline.toFixed(2) },
            {
              title: t('hotspots.orders'),
              render: (_, a) =>
                a.orders.map((o) => (
                  <Tag key={o.code} title={o.summary}>
                    {o.code}
                  </Tag>
                )),
            },
          ]}
        />
      )}
    </Flex>
  );
}
