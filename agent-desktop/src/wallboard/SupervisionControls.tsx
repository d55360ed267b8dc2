// Supervision from the wallboard: per agent 监听 / 密语 / 强插 on a live call and 强制示忙 / 强制签出, and a bar with
// the supervisor's phone (the browser softphone of their extension, or a number reached through the trunk), the
// running session with its mode switch and 结束监听.
import { Alert, Button, Flex, Input, Popconfirm, Segmented, Space, Tag, Typography } from 'antd';
import { SUPERVISION_MODES, type SupervisionMode, type WallboardAgent } from '../../../contracts/transfer.js';
import { useSoftphone } from '../services';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import type { Supervision } from './useSupervision';

const MODE_KEYS: Record<SupervisionMode, MessageKey> = {
  listen: 'supervision.mode.listen',
  whisper: 'supervision.mode.whisper',
  barge: 'supervision.mode.barge',
};

/** How the supervisor's phone is reached: their registered softphone, else the number typed in the bar. */
export interface SupervisorPhone {
  /** The account has an extension and the browser softphone is registered. */
  softphone: boolean;
  number: string;
}

export function AgentSupervisionActions({ agent, sup, phone }: { agent: WallboardAgent; sup: Supervision; phone: SupervisorPhone }) {
  const t = useT();
  const reachable = phone.softphone || phone.number.trim() !== '';
  const onCall = agent.call?.connectedAt != null;
  const idle = sup.session !== null || sup.busy;
  return (
    <Space size={4} wrap data-testid={`wb-sup-${agent.extension}`}>
      {onCall &&
        SUPERVISION_MODES.map((mode) => (
          <Button
            key={mode}
            size="small"
            danger={mode === 'barge'}
            disabled={idle || !reachable}
            title={reachable ? undefined : t('supervision.noPhone')}
            data-testid={`wb-sup-${mode}`}
            onClick={() => void sup.start(agent.agentId, mode, phone.softphone ? undefined : phone.number.trim())}
          >
            {t(MODE_KEYS[mode])}
          </Button>
        ))}
      {agent.state !== 'offline' && (
        <>
          {agent.state !== 'break' && (
            <Popconfirm title={t('supervision.forceBreakConfirm', { agent: agent.name })} onConfirm={() => void sup.forceState(agent.agentId, 'break')}>
              <Button size="small" disabled={sup.busy} data-testid="wb-force-break">
                {t('supervision.forceBreak')}
              </Button>
            </Popconfirm>
          )}
          <Popconfirm title={t('supervision.forceLogoutConfirm', { agent: agent.name })} onConfirm={() => void sup.forceState(agent.agentId, 'offline')}>
            <Button size="small" danger disabled={sup.busy} data-testid="wb-force-logout">
              {t('supervision.forceLogout')}
            </Button>
          </Popconfirm>
        </>
      )}
    </Space>
  );
}

export function SupervisionBar({
  sup,
  agents,
  phone,
  extension,
  onNumber,
}: {
  sup: Supervision;
  agents: readonly WallboardAgent[];
  phone: SupervisorPhone;
  extension: string | null;
  onNumber: (n: string) => void;
}) {
  const t = useT();
  const { registration } = useSoftphone();
  const s = sup.session;
  const agent = s ? agents.find((a) => a.agentId === s.agentId) : undefined;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 12 }} data-testid="wb-supervision">
      <Flex gap={8} align="center" wrap>
        <Typography.Text strong>{t('supervision.phone')}</Typography.Text>
        {extension !== null && (
          <Tag color={registration === 'registered' ? 'green' : 'default'} data-testid="wb-sup-softphone" data-registration={registration}>
            {t(registration === 'registered' ? 'supervision.softphoneReady' : 'supervision.softphoneNotReady', { extension })}
          </Tag>
        )}
        {!phone.softphone && (
          <Input
            size="small"
            style={{ width: 180 }}
            placeholder={t('supervision.numberPlaceholder')}
            value={phone.number}
            onChange={(e) => onNumber(e.target.value)}
            data-testid="wb-sup-number"
          />
        )}
      </Flex>
      {s && (
        <Alert
          type={s.mode === 'listen' ? 'info' : 'warning'}
          showIcon
          data-testid="wb-sup-session"
          data-phase={s.phase}
          data-mode={s.mode}
          message={
            <Flex gap={8} align="center" wrap>
              <span>{t(s.phase === 'active' ? 'supervision.active' : 'supervision.connecting', { agent: agent?.name ?? s.agentId })}</span>
              <Segmented<SupervisionMode>
                size="small"
                value={s.mode}
                disabled={sup.busy}
                options={SUPERVISION_MODES.map((m) => ({ value: m, label: t(MODE_KEYS[m]) }))}
                onChange={(m) => void sup.switchMode(m)}
              />
              <Button size="small" danger disabled={sup.busy} onClick={() => void sup.stop()} data-testid="wb-sup-stop">
                {t('supervision.stop')}
              </Button>
            </Flex>
          }
        />
      )}
      {sup.error !== null && <Alert type="error" showIcon closable onClose={() => sup.clearError()} message={sup.error} data-testid="wb-sup-error" />}
    </Flex>
  );
}
