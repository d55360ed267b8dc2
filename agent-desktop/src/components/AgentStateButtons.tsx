import { App, Button, Select, Space, Tooltip, Typography } from 'antd';
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
  /** Why 示闲 is refused by the desk's own policy right now (e.g. the last call's order is not saved); null = allowed. */
  availableBlockedBy?: string | null | undefined;
}

/** 示闲 / 示忙 with a break reason; the server's ack decides, its error is shown in place. */
export function AgentStateButtons({ state, connected, setState, availableBlockedBy = null }: Props) {
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
      <Tooltip title={availableBlockedBy}>
        {/* A disabled button gets no pointer events: the wrapper carries the explanation's tooltip. */}
        <span style={{ display: 'inline-block' }} data-testid="btn-available-wrap">
          <Button
            size="small"
            type={state === 'available' ? 'primary' : 'default'}
            data-testid="btn-available"
            data-blocked={availableBlockedBy ? 'order' : undefined}
            aria-describedby={availableBlockedBy ? 'available-blocked-reason' : undefined}
            disabled={!connected || pending || state === 'available' || availableBlockedBy !== null}
            onClick={() => void request({ state: 'available' })}
          >
            {t('agent.available')}
          </Button>
        </span>
      </Tooltip>
      {availableBlockedBy && (
        <span id="available-blocked-reason" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
          {availableBlockedBy}
        </span>
      )}
      <Select<BreakReason>
        size="small"
        value={reason}
        onChange={setReason}
        aria-label={t('agent.breakReason')}
        data-testid="break-reason"
        style={{ width: 84 }}
        options={BREAK_REASONS.map((value) => ({ value, label: t(`agent.reason.${value}`) }))}
      />
      <Button size="small" data-testid="btn-break" disabled={!connected || pending} onClick={() => void request({ state: 'break', reason })}>
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

async function requestSafely(setState: Props['setState'], req: SetStateRequest): Promise<SetStateResult> {
  try {
    return await setState(req);
  } catch {
    return { ok: false, code: 'disconnected', message: 'emit failed' };
  }
}
