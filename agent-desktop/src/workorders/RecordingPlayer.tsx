// Call recordings of an order. The audio needs the bearer token, which an <audio src> cannot send, so it is
// fetched on demand (every play is audited on the server: no fetch until the user asks) as a blob and played
// from an object URL, released when the player goes away.
import { SoundOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { LinkedCall } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import { ApiError } from '../api/http';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { formatInstant } from './format';

type PlayerState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; url: string }
  | { kind: 'forbidden' }
  | { kind: 'missing'; message: string }
  | { kind: 'failed'; message: string };

/** Calls worth a player: answered ones (recorded from answer to hang-up) and those whose recording failed. */
export function callsWithRecording(calls: readonly LinkedCall[]): LinkedCall[] {
  return calls.filter((c) => c.answeredAt !== null || c.recordingError !== null);
}

export function CallRecordings({ api, calls }: { api: WorkOrderApi; calls: readonly LinkedCall[] }) {
  const t = useT();
  const shown = callsWithRecording(calls);
  if (shown.length === 0) return null;
  return (
    <Flex vertical gap={8} data-testid="order-recordings">
      {shown.map((c) => (
        <Flex key={c.id} vertical gap={4} data-testid="order-recording" data-call-id={c.id}>
          <Typography.Text type="secondary">{t('recording.call', { at: formatInstant(c.answeredAt ?? c.arrivedAt), number: c.callerNumber })}</Typography.Text>
          <RecordingPlayer api={api} call={c} />
        </Flex>
      ))}
    </Flex>
  );
}

export function RecordingPlayer({ api, call }: { api: WorkOrderApi; call: LinkedCall }) {
  const t = useT();
  const [state, setState] = useState<PlayerState>({ kind: 'idle' });
  const url = state.kind === 'ready' ? state.url : null;
  useEffect(() => (url === null ? undefined : () => URL.revokeObjectURL(url)), [url]);

  if (call.recordingError !== null) {
    return <Alert type="error" showIcon data-testid="recording-failed" message={t('recording.failed', { reason: call.recordingError })} />;
  }

  const load = async () => {
    setState({ kind: 'loading' });
    try {
      const blob = await api.recordingAudio(call.id);
      setState({ kind: 'ready', url: URL.createObjectURL(blob) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) setState({ kind: 'forbidden' });
      else if (err instanceof ApiError && err.status === 404) setState({ kind: 'missing', message: err.message });
      else setState({ kind: 'failed', message: describeError(err, t) });
    }
  };

  switch (state.kind) {
    case 'ready':
      return <audio controls autoPlay src={state.url} data-testid="recording-audio" style={{ width: '100%' }} />;
    case 'forbidden':
      return <Alert type="warning" showIcon data-testid="recording-forbidden" message={t('recording.forbidden')} />;
    case 'missing':
      return (
        <Typography.Text type="secondary" data-testid="recording-missing">
          {state.message}
        </Typography.Text>
      );
    case 'failed':
      return (
        <Alert
          type="warning"
          showIcon
          data-testid="recording-error"
          message={t('recording.loadFailed', { message: state.message })}
          action={
            <Button size="small" onClick={() => void load()}>
              {t('recording.retry')}
            </Button>
          }
        />
      );
    default:
      return (
        <Button
          icon={<SoundOutlined />}
          loading={state.kind === 'loading'}
          onClick={() => void load()}
          data-testid="recording-play"
          style={{ alignSelf: 'flex-start' }}
        >
          {t('recording.play')}
        </Button>
      );
  }
}
