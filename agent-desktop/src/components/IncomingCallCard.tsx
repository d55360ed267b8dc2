import { PhoneOutlined, PoweroffOutlined } from '@ant-design/icons';
import { Button, Flex, Tooltip, Typography } from 'antd';
import type { CallOfferPush } from '../../../contracts/desktop-events.js';
import { useT } from '../i18n/i18n';
import type { CallInfo } from '../softphone/softphone';

interface Props {
  call: CallInfo;
  /** The ACD's offer for this call, when it matches the ringing number. */
  offer: CallOfferPush | null;
  onAnswer: () => void;
  onHangup: () => void;
}

export function IncomingCallCard({ call, offer, onAnswer, onHangup }: Props) {
  const t = useT();
  return (
    <div
      data-testid="incoming-call"
      data-caller={call.callerNumber ?? ''}
      style={{ padding: 12, borderRadius: 6, background: '#fff7e6', border: '1px solid #ffd591' }}
    >
      <Typography.Text type="secondary">{t('softphone.incoming')}</Typography.Text>
      <Typography.Title level={3} style={{ margin: '4px 0' }} data-testid="caller-number" copyable>
        {call.callerNumber || t('softphone.unknownCaller')}
      </Typography.Title>
      {call.callerName && call.callerName !== call.callerNumber && <Typography.Text data-testid="caller-name">{call.callerName}</Typography.Text>}
      {offer?.callback && (
        <Typography.Text strong type="warning" data-testid="callback-offer">
          {t('softphone.callback', { number: offer.callerNumber })}
        </Typography.Text>
      )}
      {offer && !offer.callback && (
        <Flex gap={12}>
          <Typography.Text type="secondary">{t('softphone.queue', { queue: offer.queue })}</Typography.Text>
          <Typography.Text type="secondary">{t('softphone.waited', { seconds: Math.round(offer.waitedMs / 1000) })}</Typography.Text>
        </Flex>
      )}
      <Flex gap={8} style={{ marginTop: 12 }}>
        <Tooltip title={t('softphone.answerHint')}>
          <Button type="primary" size="large" icon={<PhoneOutlined />} onClick={onAnswer} data-testid="btn-answer" aria-keyshortcuts="F2" block>
            {t('softphone.answer')}
          </Button>
        </Tooltip>
        <Tooltip title={t('softphone.hangupHint')}>
          <Button danger size="large" icon={<PoweroffOutlined />} onClick={onHangup} data-testid="btn-hangup" aria-keyshortcuts="F4" block>
            {t('softphone.hangup')}
          </Button>
        </Tooltip>
      </Flex>
    </div>
  );
}
