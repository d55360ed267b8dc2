import { Alert, Col, Layout, Row } from 'antd';
import { useEffect } from 'react';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { PlaceholderPanel } from '../components/PlaceholderPanel';
import { SoftphonePanel } from '../components/SoftphonePanel';
import { StateBar } from '../components/StateBar';
import { useCallShortcuts } from '../hooks/useCallShortcuts';
import { useLeaveGuard } from '../hooks/useLeaveGuard';
import { useMicrophoneCheck } from '../hooks/useMicrophoneCheck';
import { useT } from '../i18n/i18n';
import { useAgentSocket } from '../realtime/useAgentSocket';
import { useServices, useSoftphone } from '../services';
import type { StoredSession } from '../session/session-store';

/** A password held in memory only; a new object per entry so re-entering the same text still re-registers. */
export interface SipSecret {
  readonly value: string;
}

interface Props {
  session: StoredSession;
  secret: SipSecret | null;
  onSecret: (secret: SipSecret) => void;
  onLogout: () => void;
  onExpired: () => void;
}

export function SeatPage({ session, secret, onSecret, onLogout, onExpired }: Props) {
  const t = useT();
  const { phone } = useServices();
  const { registrationError, call } = useSoftphone();
  const agent = useAgentSocket(session.token, onExpired);
  const { sip } = session;
  const extension = session.user.extension;
  const phoneEnabled = sip !== null && extension !== null;

  useEffect(() => {
    if (!sip || !extension || !secret) return;
    phone.start({ wsUrl: sip.wsUrl, domain: sip.domain, extension, password: secret.value });
    return () => phone.stop();
  }, [phone, sip?.wsUrl, sip?.domain, extension, secret]);

  useCallShortcuts(phone);
  useLeaveGuard(phone);
  const microphone = useMicrophoneCheck(phoneEnabled);

  // Tell the ACD we are gone before the socket closes; never let a slow server block signing out.
  const logout = async () => {
    await Promise.race([agent.setState({ state: 'offline' }), new Promise((resolve) => setTimeout(resolve, 1500))]);
    onLogout();
  };

  const authRejected = registrationError?.reason === 'auth_failed';
  const inCall = call.state === 'ringing' || call.state === 'connecting' || call.state === 'established';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{ background: '#fff', padding: '0 12px', height: 48, lineHeight: '48px', borderBottom: '1px solid #f0f0f0' }}
      >
        <StateBar user={session.user} agent={agent} logoutDisabled={inCall} onLogout={() => void logout()} />
      </Layout.Header>
      {agent.settled && !agent.connected && (
        <Alert type="error" banner message={t('socket.disconnected')} data-testid="socket-banner" />
      )}
      {phoneEnabled && (!secret || authRejected) && (
        <PasswordPrompt
          rejected={authRejected}
          extension={extension}
          username={session.user.username}
          onSubmit={(password) => onSecret({ value: password })}
        />
      )}
      {microphone === 'denied' && (
        <Alert type="error" banner message={t('softphone.noMicrophone')} data-testid="mic-denied" />
      )}
      <Layout.Content style={{ padding: 8 }}>
        <Row gutter={8}>
          <Col xs={24} lg={8} xxl={6}>
            <SoftphonePanel enabled={phoneEnabled} offer={agent.offer} />
            <PlaceholderPanel title={t('panel.transfer')} testId="panel-transfer" />
          </Col>
          <Col xs={24} lg={16} xxl={18}>
            <PlaceholderPanel title={t('panel.workOrder')} testId="panel-work-order" />
            <PlaceholderPanel title={t('panel.transcript')} testId="panel-transcript" />
          </Col>
        </Row>
      </Layout.Content>
    </Layout>
  );
}
