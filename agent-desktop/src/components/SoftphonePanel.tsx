import { Alert, App, Card, Space, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import type { CallOfferPush } from '../../../contracts/desktop-events.js';
import { formatDuration, useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import { useServices, useSoftphone } from '../services';
import { saveAutoAnswer } from '../session/preferences';
import { ActiveCallCard } from './ActiveCallCard';
import { AudioDevices } from './AudioDevices';
import { IncomingCallCard } from './IncomingCallCard';

interface Props {
  /** False for accounts without an extension or SIP settings. */
  enabled: boolean;
  offer: CallOfferPush | null;
}

export function SoftphonePanel({ enabled, offer }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const { phone } = useServices();
  const { call, registration, reconnect, autoAnswer } = useSoftphone();
  const now = useNow(1000, reconnect !== null);

  useEffect(() => phone.on('reconnected', () => void message.success(t('sip.reconnected'))), [phone, message, t]);

  const toggleAutoAnswer = (on: boolean) => {
    saveAutoAnswer(on);
    phone.setAutoAnswer(on);
  };
  const hold = async (on: boolean) => {
    if (!(await phone.hold(on)) && phone.getSnapshot().call.state === 'established') void message.error(t('softphone.holdFailed'));
  };
  const matchingOffer = offer && offer.callerNumber === call.callerNumber ? offer : null;

  let body;
  switch (call.state) {
    case 'ringing':
      body = <IncomingCallCard call={call} offer={matchingOffer} onAnswer={() => void phone.answer()} onHangup={() => void phone.hangup()} />;
      break;
    case 'connecting':
    case 'established':
      body = (
        <ActiveCallCard
          call={call}
          onHangup={() => void phone.hangup()}
          onMute={(on) => phone.mute(on)}
          onHold={(on) => void hold(on)}
          onDigit={(digit) => phone.sendDtmf(digit)}
        />
      );
      break;
    case 'ended':
      body = (
        <Typography.Text type="secondary" data-testid="call-ended" data-reason={call.endReason ?? ''}>
          {t('softphone.ended')}
          {call.establishedAt && call.endedAt ? ` · ${formatDuration(call.endedAt - call.establishedAt)}` : ''}
        </Typography.Text>
      );
      break;
    default:
      body = <Typography.Text type="secondary">{t('softphone.idle')}</Typography.Text>;
  }

  return (
    <Card
      size="small"
      title={t('softphone.title')}
      style={{ marginBottom: 8 }}
      data-testid="softphone-panel"
      data-call-state={call.state}
      extra={
        enabled && (
          <Space size={4}>
            <Typography.Text type="secondary">{t('softphone.autoAnswer')}</Typography.Text>
            <Switch size="small" checked={autoAnswer} onChange={toggleAutoAnswer} data-testid="auto-answer" aria-label={t('softphone.autoAnswer')} />
            <AudioDevices />
          </Space>
        )
      }
    >
      {!enabled ? (
        <Alert type="info" showIcon message={t('sip.noExtension')} />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }} size={8}>
          {reconnect && (
            <Alert
              type="warning"
              showIcon
              data-testid="sip-reconnecting"
              message={t('sip.reconnecting', {
                attempt: reconnect.attempt,
                seconds: Math.max(0, Math.ceil((reconnect.retryAt - now) / 1000)),
              })}
            />
          )}
          {registration !== 'registered' && call.state === 'idle' && !reconnect && <Alert type="warning" showIcon message={t('softphone.notReady')} />}
          {body}
        </Space>
      )}
    </Card>
  );
}
