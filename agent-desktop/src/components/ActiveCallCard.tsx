import { AudioMutedOutlined, AudioOutlined, PoweroffOutlined } from '@ant-design/icons';
import { Button, Flex, Tooltip, Typography } from 'antd';
import { formatDuration, useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import type { CallInfo } from '../softphone/softphone';

interface Props {
  call: CallInfo;
  onHangup: () => void;
  onMute: (on: boolean) => void;
}

/** A call being connected or in progress: number, timer, mute, hang up. */
export function ActiveCallCard({ call, onHangup, onMute }: Props) {
  const t = useT();
  const established = call.state === 'established';
  const now = useNow(500, established);
  const elapsed = established && call.establishedAt ? formatDuration(now - call.establishedAt) : '00:00';
  return (
    <div
      data-testid="active-call"
      data-caller={call.callerNumber ?? ''}
      data-state={call.state}
      style={{ padding: 12, borderRadius: 6, background: '#e6f4ff', border: '1px solid #91caff' }}
    >
      <Flex justify="space-between" align="baseline">
        <Typography.Text type="secondary">
          {established ? t('softphone.established') : t('softphone.connecting')}
        </Typography.Text>
        <Typography.Text strong data-testid="call-timer" style={{ fontVariantNumeric: 'tabular-nums', fontSize: 18 }}>
          {elapsed}
        </Typography.Text>
      </Flex>
      <Typography.Title level={3} style={{ margin: '4px 0' }} copyable>
        {call.callerNumber || t('softphone.unknownCaller')}
      </Typography.Title>
      {call.callerName && call.callerName !== call.callerNumber && <Typography.Text>{call.callerName}</Typography.Text>}
      {call.muted && (
        <div>
          <Typography.Text type="warning">{t('softphone.muted')}</Typography.Text>
        </div>
      )}
      <Flex gap={8} style={{ marginTop: 12 }}>
        <Button
          size="large"
          icon={call.muted ? <AudioMutedOutlined /> : <AudioOutlined />}
          disabled={!established}
          onClick={() => onMute(!call.muted)}
          data-testid="btn-mute"
          data-muted={call.muted ? 'true' : 'false'}
          aria-pressed={call.muted}
          block
        >
          {call.muted ? t('softphone.unmute') : t('softphone.mute')}
        </Button>
        <Tooltip title={t('softphone.hangupHint')}>
          <Button danger type="primary" size="large" icon={<PoweroffOutlined />} onClick={onHangup} data-testid="btn-hangup" block>
            {t('softphone.hangup')}
          </Button>
        </Tooltip>
      </Flex>
    </div>
  );
}
