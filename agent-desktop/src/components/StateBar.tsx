import { LogoutOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Divider, Flex, Typography } from 'antd';
import type { SessionUser } from '../../../contracts/api.js';
import { useT } from '../i18n/i18n';
import type { AgentSocketState } from '../realtime/useAgentSocket';
import { AgentStateButtons } from './AgentStateButtons';
import { AgentStateTag } from './AgentStateTag';
import { LanguageSwitch } from './LanguageSwitch';
import { NetworkQuality } from './NetworkQuality';
import { SipBadge } from './SipBadge';

interface Props {
  user: SessionUser;
  agent: AgentSocketState;
  logoutDisabled: boolean;
  onLogout: () => void;
  /** See AgentStateButtons. */
  availableBlockedBy?: string | null | undefined;
}

/** One dense line: who I am, am I reachable (SIP, agent state, network), and the state buttons. */
export function StateBar({ user, agent, logoutDisabled, onLogout, availableBlockedBy }: Props) {
  const t = useT();
  return (
    <Flex align="center" gap={12} style={{ height: '100%', overflowX: 'auto' }}>
      <Typography.Text strong style={{ whiteSpace: 'nowrap' }} data-testid="agent-name">
        <UserOutlined /> {user.displayName}
      </Typography.Text>
      {user.extension && (
        <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }} data-testid="agent-extension">
          <PhoneOutlined /> {t('agent.extension', { extension: user.extension })}
        </Typography.Text>
      )}
      <Divider type="vertical" />
      <SipBadge />
      <AgentStateTag push={agent.agentState} />
      <AgentStateButtons
        state={agent.agentState?.state ?? null}
        connected={agent.connected}
        setState={agent.setState}
        availableBlockedBy={availableBlockedBy}
      />
      <div style={{ flex: 1 }} />
      <NetworkQuality />
      <LanguageSwitch />
      <Button type="text" size="small" icon={<LogoutOutlined />} disabled={logoutDisabled} onClick={onLogout} data-testid="btn-logout">
        {t('session.logout')}
      </Button>
    </Flex>
  );
}
