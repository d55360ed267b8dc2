import { AudioMutedOutlined, AudioOutlined, NumberOutlined, PauseCircleOutlined, PlayCircleOutlined, PoweroffOutlined } from '@ant-design/icons';
import { Button, Flex, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { formatDuration, useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import type { CallInfo } from '../softphone/softphone';
import { DtmfPad } from './DtmfPad';

interface Props {
  call: CallInfo;
  onHangup: () => void;
  onMute: (on: boolean) => void;
  onHold: (on: boolean) => void;
  onDigit: (digit: string) => boolean;
}

/** A call being connected or in progress: number, timer, mute, hold, keypad, hang up. */
export function ActiveCallCard({ call, onHangup, onMute, onHold, onDigit }: Props) {
  const t = useT();
  const [padOpen, setPadOpen] = useState(false);
  const established = call.state === 'established';
  const now = useNow(500, established);
  const elapsed = established && call.establishedAt ? formatDuration(now - call.establishedAt) : '00:00';
  const background = call.held ? '#fffbe6' : '#e6f4ff';
  const border = call.held ? '#ffe58f' : '#91caff';
  return (
    <div
      data-testid="active-call"
      data-caller={call.callerNumber ?? ''}
      data-state={call.state}
      data-held={call.held ? 'true' : 'false'}
      style={{ padding: 12, borderRadius: 6, background, border: `1px solid ${border}` }}
    >
      <Flex justify="space-between" align="baseline">
        <Typography.Text type="secondary">
          {!established ? t('softphone.connecting') : call.held ? t('softphone.onHold') : t('softphone.established')}
        </Typography.Text>
        <Typography.Text strong data-testid="call-timer" aria-label={t('softphone.timer')} style={{ fontVariantNumeric: 'tabular-nums', fontSize: 18 }}>
          {elapsed}
        </Typography.Text>
      </Flex>
      <Typography.Title
        level={3}
        style={{ margin: '4px 0' }}
        copyable={call.callerNumber ? { tooltips: [t('softphone.copyNumber'), t('softphone.copied')] } : false}
      >
        {call.callerNumber || t('softphone.unknownCaller')}
      </Typography.Title>
      {call.callerName && call.callerName !== call.callerNumber && <Typography.Text>{call.callerName}</Typography.Text>}
      <Flex gap={4} wrap>
        {call.held && (
          <Tag color="gold" data-testid="hold-indicator">
            {t('softphone.heldHint')}
          </Tag>
        )}
        {call.muted && (
          <Tag color="orange" data-testid="mute-indicator">
            {t('softphone.muted')}
          </Tag>
        )}
      </Flex>
      <Flex gap={8} style={{ marginTop: 12 }}>
        <Button
          size="large"
          icon={call.muted ? <AudioMutedOutlined /> : <AudioOutlined />}
          disabled={!established || call.held}
          onClick={() => onMute(!call.muted)}
          data-testid="btn-mute"
          data-muted={call.muted ? 'true' : 'false'}
          aria-pressed={call.muted}
          block
        >
          {call.muted ? t('softphone.unmute') : t('softphone.mute')}
        </Button>
        <Tooltip title={call.held ? t('softphone.resumeHint') : t('softphone.holdHint')}>
          <Button
            size="large"
            icon={call.held ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
            disabled={!established}
            loading={call.holdPending}
            onClick={() => onHold(!call.held)}
            data-testid="btn-hold"
            data-held={call.held ? 'true' : 'false'}
            aria-pressed={call.held}
            aria-keyshortcuts="F3"
            block
          >
            {call.held ? t('softphone.resume') : t('softphone.hold')}
          </Button>
        </Tooltip>
      </Flex>
      <Flex gap={8} style={{ marginTop: 8 }}>
        <Button
          size="large"
          icon={<NumberOutlined />}
          disabled={!established}
          onClick={() => setPadOpen((open) => !open)}
          data-testid="btn-dtmf"
          aria-expanded={padOpen}
          aria-controls="dtmf-pad"
          block
        >
          {padOpen ? t('dtmf.close') : t('dtmf.open')}
        </Button>
        <Tooltip title={t('softphone.hangupHint')}>
          <Button danger type="primary" size="large" icon={<PoweroffOutlined />} onClick={onHangup} data-testid="btn-hangup" aria-keyshortcuts="F4" block>
            {t('softphone.hangup')}
          </Button>
        </Tooltip>
      </Flex>
      {padOpen && established && (
        <div id="dtmf-pad">
          <DtmfPad disabled={call.held} onDigit={onDigit} />
        </div>
      )}
    </div>
  );
}
