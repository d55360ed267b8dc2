import { App, Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { BREAK_REASONS, type AgentState, type BreakReason } from '../../../contracts/agent-state.js';
import type { SetStateRequest } from '../../../contracts/desktop-events.js';
import { describeCode } from '../api/describe-error';
import { useT } from '../i18n/i18n';
import type { SetStateResult } from '../realtime/agent-socket';

interface Props {
  state: AgentState | null;
  connected: boolean;
  setState: (req: SetStateRequest) => Promise<SetStateResult>;
}

/** 示闲 / 示忙 with a break reason; the server's ack decides, its error is shown in place. */
export function AgentStateButtons({ state, connected, setState }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [reason, setReason] = useState<BreakReason>('rest');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const request = async (req: SetStateRequest) => {
    setPending(true);
    setError(null);
    const result = await requestSafely(setState, req);
    setPending(false);
    if (result.ok) return;
    const text = t('agent.stateFailed', { message: describeCode(result.code, t) });
    setError(text);
    void message.error(text);
  };

  return (
    <Space size={4} wrap={false}>
      <Button
        size="small"
        type={state === 'available' ? 'primary' : 'default'}
        data-testid="btn-available"
        disabled={!connected || pending || state === 'available'}
        onClick={() => void request({ state: 'available' })}
      >
        {t('agent.available')}
      </Button>
      <Select<BreakReason>
        size="small"
        value={reason}
        onChange={setReason}
        aria-label={t('agent.breakReason')}
        data-testid="break-reason"
        style={{ width: 84 }}
        options={BREAK_REASONS.map((value) => ({ value, label: t(`agent.reason.${value}`) }))}
      />
      <Button
        size="small"
        data-testid="btn-break"
        disabled={!connected || pending}
        onClick={() => void request({ state: 'break', reason })}
      >
        {t('agent.break')}
      </Button>
      {error && (
        <Typography.Text type="danger" data-testid="agent-state-error" ellipsis style={{ maxWidth: 220 }}>
          {error}
        </Typography.Text>
      )}
    </Space>
  );
}

async function requestSafely(
  setState: Props['setState'],
  req: SetStateRequest,
): Promise<SetStateResult> {
  try {
    return await setState(req);
  } catch {
    return { ok: false, code: 'disconnected', message: 'emit failed' };
  }
}
