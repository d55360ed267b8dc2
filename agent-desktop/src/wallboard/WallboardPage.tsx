// 实时监控大屏 for supervisors: per queue waiting calls, longest wait, service level and abandons (the ACD's own
// figures); an agent grid with state, time in state and current call; alerts for suspected emergencies, calls
// longer than N minutes (?longCallMinutes=, default 10), callers waiting longer than 15 s, recordings that
// failed and new 未诉先办 hotspots. Supervisors listen / whisper / barge and force states from the agent grid; their phone is the browser
// softphone of their extension (registered here with the login password held in memory) or a number.
import { Alert, Button, Card, Col, Layout, List, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type ComponentProps } from 'react';
import type { Figures, QueueFigures } from '../../../contracts/figures.js';
import type { WallboardAgent } from '../../../contracts/transfer.js';
import { formatDuration, useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { PasswordPrompt } from '../components/PasswordPrompt';
import type { SeatPage } from '../pages/SeatPage';
import { useServices, useSoftphone } from '../services';
import { AgentSupervisionActions, SupervisionBar } from './SupervisionControls';
import { useSupervision } from './useSupervision';
import { useWallboard } from './useWallboard';

const WAIT_ALERT_MS = 15_000;

function longCallMinutes(): number {
  const n = Number(new URLSearchParams(window.location.search).get('longCallMinutes'));
  return Number.isFinite(n) && n > 0 ? n : 10;
}

/** As the seat page: the session and the login password (= SIP password) held in memory by the app. */
type Props = ComponentProps<typeof SeatPage>;

export function WallboardPage({ session, secret, onSecret, onLogout, onExpired }: Props) {
  const t = useT();
  const now = useNow(1000, true);
  const { figures, agents, emergencies, recordingFailures, hotspots } = useWallboard(session.token, onExpired);
  const supervising = session.user.role === 'supervisor';
  const sup = useSupervision(session.token, session.user.id, onExpired);
  const { phone } = useServices();
  const { registration, registrationError } = useSoftphone();
  const { sip } = session;
  const extension = supervising && sip !== null ? session.user.extension : null;
  const [number, setNumber] = useState('');

  useEffect(() => {
    if (!sip || !extension || !secret) return;
    // the only calls to this phone are the supervision legs the supervisor has just asked for
    const autoAnswerBefore = phone.getSnapshot().autoAnswer;
    phone.setAutoAnswer(true);
    phone.start({ wsUrl: sip.wsUrl, domain: sip.domain, extension, password: secret.value });
    return () => {
      phone.stop();
      phone.setAutoAnswer(autoAnswerBefore);
    };
  }, [phone, sip?.wsUrl, sip?.domain, extension, secret]);
  const supPhone = { softphone: extension !== null && registration === 'registered', number };
  const authRejected = registrationError?.reason === 'auth_failed';
  const longCallMs = longCallMinutes() * 60_000;
  const queues: [string, QueueFigures][] = Object.entries(figures?.queues ?? {});
  const total: Partial<Figures> = figures?.total ?? {};

  const alerts: { key: string; type: 'error' | 'warning'; text: string }[] = [
    ...emergencies.map((e) => ({
      key: `e-${e.callId}-${e.at}`,
      type: 'error' as const,
      text: t('wallboard.alert.emergency', { keyword: e.keyword, number: e.callerNumber }),
    })),
    ...recordingFailures.map((r) => ({
      key: `r-${r.callId}-${r.at}`,
      type: 'error' as const,
      text: t('wallboard.alert.recordingFailed', { callId: r.callId, reason: r.reason }),
    })),
    ...hotspots.map((h) => ({
      key: `h-${h.id}`,
      type: 'warning' as const,
      text: t('wallboard.alert.hotspot', { item: h.catalogItemName, place: `${h.district}${h.place}`, count: h.count, baseline: h.baseline.toFixed(1) }),
    })),
    ...queues
      .filter(([, q]) => (q.longestWaitMs ?? 0) > WAIT_ALERT_MS)
      .map(([id, q]) => ({
        key: `w-${id}`,
        type: 'warning' as const,
        text: t('wallboard.alert.longWait', { queue: id, seconds: Math.round((q.longestWaitMs ?? 0) / 1000) }),
      })),
    ...agents
      .filter((a) => a.call?.connectedAt && now - Date.parse(a.call.connectedAt) > longCallMs)
      .map((a) => ({ key: `c-${a.agentId}`, type: 'warning' as const, text: t('wallboard.alert.longCall', { agent: a.name, minutes: longCallMinutes() }) })),
  ];

  const columns = [
    { title: t('wallboard.agent'), key: 'name', render: (_: unknown, a: WallboardAgent) => `${a.name}（${a.extension}）` },
    {
      title: t('wallboard.state'),
      key: 'state',
      render: (_: unknown, a: WallboardAgent) => <Tag data-testid="wb-agent-state">{t(`agent.state.${a.state}` as MessageKey)}</Tag>,
    },
    { title: t('wallboard.inState'), key: 'since', render: (_: unknown, a: WallboardAgent) => formatDuration(Math.max(0, now - Date.parse(a.since))) },
    {
      title: t('wallboard.call'),
      key: 'call',
      render: (_: unknown, a: WallboardAgent) =>
        a.call ? (
          <span data-testid="wb-agent-call">
            {a.call.callerNumber}
            {a.call.connectedAt && ` · ${formatDuration(Math.max(0, now - Date.parse(a.call.connectedAt)))}`}
            {a.call.transfer && a.call.transfer !== 'ended' && <Tag color="orange">{t(`transfer.phase.${a.call.transfer}` as MessageKey)}</Tag>}
          </span>
        ) : (
          '—'
        ),
    },
    ...(supervising
      ? [
          {
            title: t('supervision.actions'),
            key: 'sup',
            render: (_: unknown, a: WallboardAgent) => <AgentSupervisionActions agent={a} sup={sup} phone={supPhone} />,
          },
        ]
      : []),
  ];

  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="wallboard">
      <Layout.Header style={{ background: '#001529', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ color: '#fff', margin: 0 }}>
          {t('wallboard.title')}
        </Typography.Title>
        <Button onClick={onLogout}>{t('wallboard.logout')}</Button>
      </Layout.Header>
      {extension !== null && (!secret || authRejected) && (
        <PasswordPrompt rejected={authRejected} extension={extension} username={session.user.username} onSubmit={(password) => onSecret({ value: password })} />
      )}
      <Layout.Content style={{ padding: 12 }}>
        <Row gutter={12} data-testid="wb-total" data-waiting={total.waiting ?? 0} data-answered={total.answered ?? 0} data-abandoned={total.abandoned ?? 0}>
          <Col span={6}>
            <Card>
              <Statistic title={t('wallboard.waiting')} value={total.waiting ?? 0} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic title={t('wallboard.longestWait')} value={Math.round((total.longestWaitMs ?? 0) / 1000)} suffix={t('wallboard.seconds')} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic title={t('wallboard.serviceLevel')} value={total.serviceLevel == null ? '—' : `${Math.round(total.serviceLevel * 100)}%`} />
            </Card>
          </Col>
          <Col span={6}>
            <Card>
              <Statistic title={t('wallboard.abandoned')} value={total.abandoned ?? 0} />
            </Card>
          </Col>
        </Row>
        <Row gutter={12} style={{ marginTop: 12 }}>
          <Col span={16}>
            <Card size="small" title={t('wallboard.queues')} style={{ marginBottom: 12 }}>
              <Table
                size="small"
                pagination={false}
                rowKey={([id]) => id}
                dataSource={queues}
                onRow={([id, q]) =>
                  ({ 'data-testid': `wb-queue-${id}`, 'data-waiting': q.waiting ?? 0, 'data-answered': q.answered ?? 0 }) as React.HTMLAttributes<HTMLElement>
                }
                columns={[
                  { title: t('wallboard.queue'), key: 'id', render: (_: unknown, [id]) => id },
                  { title: t('wallboard.waiting'), key: 'w', render: (_: unknown, [, q]) => q.waiting ?? 0 },
                  {
                    title: t('wallboard.longestWait'),
                    key: 'l',
                    render: (_: unknown, [, q]) => `${Math.round((q.longestWaitMs ?? 0) / 1000)}${t('wallboard.seconds')}`,
                  },
                  {
                    title: t('wallboard.serviceLevel'),
                    key: 's',
                    render: (_: unknown, [, q]) => (q.serviceLevel == null ? '—' : `${Math.round(q.serviceLevel * 100)}%`),
                  },
                  { title: t('wallboard.answered'), key: 'a', render: (_: unknown, [, q]) => q.answered ?? 0 },
                  { title: t('wallboard.abandoned'), key: 'x', render: (_: unknown, [, q]) => q.abandoned ?? 0 },
                ]}
              />
            </Card>
            <Card size="small" title={t('wallboard.agents')}>
              {supervising && <SupervisionBar sup={sup} agents={agents} phone={supPhone} extension={extension} onNumber={setNumber} />}
              <Table
                size="small"
                pagination={false}
                rowKey="agentId"
                dataSource={agents}
                columns={columns}
                onRow={(a) => ({ 'data-testid': `wb-agent-${a.extension}`, 'data-state': a.state }) as React.HTMLAttributes<HTMLElement>}
              />
            </Card>
          </Col>
          <Col span={8}>
            <Card size="small" title={t('wallboard.alerts')} data-testid="wb-alerts">
              {alerts.length === 0 ? (
                <Typography.Text type="secondary">{t('wallboard.noAlerts')}</Typography.Text>
              ) : (
                <List
                  dataSource={alerts}
                  renderItem={(a) => <Alert key={a.key} type={a.type} showIcon message={a.text} style={{ marginBottom: 6 }} data-testid="wb-alert" />}
                />
              )}
            </Card>
          </Col>
        </Row>
      </Layout.Content>
    </Layout>
  );
}
