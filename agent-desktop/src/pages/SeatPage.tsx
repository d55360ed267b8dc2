import { Alert, App, Col, Layout, Row } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FieldIssue } from '../../../contracts/errors.js';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { SoftphonePanel } from '../components/SoftphonePanel';
import { StateBar } from '../components/StateBar';
import { useCallShortcuts } from '../hooks/useCallShortcuts';
import { useLeaveGuard } from '../hooks/useLeaveGuard';
import { useMicrophoneCheck } from '../hooks/useMicrophoneCheck';
import { useT } from '../i18n/i18n';
import { useAgentSocket } from '../realtime/useAgentSocket';
import { useDrafts, type StoredDraft } from '../seat/drafts';
import { ScreenPopPanel } from '../seat/ScreenPopPanel';
import type { SubmitResult } from '../seat/submit-order';
import { useCallContext } from '../seat/useCallContext';
import { useDraftSync } from '../seat/useDraftSync';
import { WorkOrderPanel } from '../seat/WorkOrderPanel';
import { availabilityBlock } from '../seat/wrap-up-policy';
import { useServices, useSoftphone } from '../services';
import { TransferPanel } from '../transfer/TransferPanel';
import { TranscriptPanel } from '../transcript/TranscriptPanel';
import type { StoredSession } from '../session/session-store';
import { OrderDrawer } from '../workorders/OrderDrawer';
import { useReference } from '../workorders/useReference';
import { useWorkOrderApi } from '../workorders/useWorkOrderApi';

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
  const { message } = App.useApp();
  const { phone } = useServices();
  const { registrationError, call } = useSoftphone();
  const agent = useAgentSocket(session.token, onExpired);
  const api = useWorkOrderApi(session.token, onExpired);
  const reference = useReference(api);
  const { sip } = session;
  const agentId = session.user.id;
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

  // ---- the call the panels work on, its order and the wrap-up rule ----
  const { context, resume, setOutcome } = useCallContext({ agentId, call, offer: agent.offer, connectedCallId: agent.connectedCallId });
  const agentDrafts = useDrafts(agentId);
  const [syncRefusal, setSyncRefusal] = useState<{ key: string; message: string; fields: FieldIssue[] } | null>(null);
  const onSynced = useCallback(
    (draft: StoredDraft, result: SubmitResult) => {
      if (result.kind === 'saved') {
        setOutcome(draft.key, { kind: 'saved', order: result.order, at: Date.now() });
        void message.success(t('order.savedLater', { code: result.order.code }));
      } else if (result.kind === 'invalid') {
        setSyncRefusal({ key: draft.key, message: result.message, fields: result.fields });
        void message.error(t('order.savedLaterRefused'));
      }
    },
    [setOutcome, message, t],
  );
  useDraftSync(api, agentId, agent.connected, onSynced);
  const block = availabilityBlock(context, agentDrafts);
  const blockText = block ? t('wrapup.blocked', { count: block.count }) : null;

  // The ACD signs an agent off when their phone drops off the network; after a reconnect they must say they are back.
  const agentState = agent.agentState?.state ?? null;
  const previousState = useRef<string | null>(null);
  const signingOut = useRef(false);
  const [droppedOffline, setDroppedOffline] = useState(false);
  useEffect(() => {
    const before = previousState.current;
    previousState.current = agentState;
    if (agentState !== 'offline') setDroppedOffline(false);
    else if (before && before !== 'offline' && !signingOut.current) setDroppedOffline(true);
  }, [agentState]);

  const [openOrder, setOpenOrder] = useState<string | null>(null);
  const savedCode = context?.outcome?.kind === 'saved' ? context.outcome.order.code : '';
  const popRefresh = `${context?.callId ?? ''}|${agent.connectedCallId ?? ''}|${savedCode}`;

  // Tell the ACD we are gone before the socket closes; never let a slow server block signing out.
  const logout = async () => {
    signingOut.current = true;
    await Promise.race([agent.setState({ state: 'offline' }), new Promise((resolve) => setTimeout(resolve, 1500))]);
    onLogout();
  };

  const authRejected = registrationError?.reason === 'auth_failed';
  const inCall = call.state === 'ringing' || call.state === 'connecting' || call.state === 'established';

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: '#fff', padding: '0 12px', height: 48, lineHeight: '48px', borderBottom: '1px solid #f0f0f0' }}>
        <StateBar user={session.user} agent={agent} logoutDisabled={inCall} onLogout={() => void logout()} availableBlockedBy={blockText} />
      </Layout.Header>
      {agent.settled && !agent.connected && <Alert type="error" banner message={t('socket.disconnected')} data-testid="socket-banner" />}
      {phoneEnabled && (!secret || authRejected) && (
        <PasswordPrompt rejected={authRejected} extension={extension} username={session.user.username} onSubmit={(password) => onSecret({ value: password })} />
      )}
      {droppedOffline && agent.connected && <Alert type="warning" banner showIcon message={t('agent.droppedOffline')} data-testid="offline-after-drop" />}
      {microphone === 'denied' && <Alert type="error" banner message={t('softphone.noMicrophone')} data-testid="mic-denied" />}
      <Layout.Content style={{ padding: 8 }}>
        <Row gutter={8}>
          <Col xs={24} lg={8} xxl={6}>
            <SoftphonePanel enabled={phoneEnabled} offer={agent.offer} />
            <ScreenPopPanel
              api={api}
              phone={context?.callerNumber ?? null}
              currentCallId={context?.callId ?? null}
              refreshKey={popRefresh}
              onOpenOrder={setOpenOrder}
            />
            <TransferPanel
              token={session.token}
              callId={agent.connectedCallId}
              live={call.state === 'established'}
              pushed={agent.transfer}
              pushLive={agent.connected}
              onExpired={onExpired}
            />
          </Col>
          <Col xs={24} lg={16} xxl={18}>
            <WorkOrderPanel
              api={api}
              agentId={agentId}
              context={context}
              agentDrafts={agentDrafts}
              callLive={inCall}
              syncRefusal={syncRefusal}
              onOutcome={setOutcome}
              onResume={resume}
              onOpenOrder={setOpenOrder}
            />
            <TranscriptPanel callId={context?.callId ?? agent.connectedCallId} />
          </Col>
        </Row>
      </Layout.Content>
      <OrderDrawer api={api} reference={reference} code={openOrder} onClose={() => setOpenOrder(null)} onChanged={() => {}} />
    </Layout>
  );
}
