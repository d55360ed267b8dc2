import { Tag } from 'antd';
import type { AgentState } from '../../../contracts/agent-state.js';
import type { AgentStatePush } from '../../../contracts/desktop-events.js';
import { formatDuration, useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';

const COLORS: Record<AgentState | 'unknown', string> = {
  unknown: 'default',
  offline: 'default',
  available: 'success',
  reserved: 'warning',
  on_call: 'processing',
  wrap_up: 'purple',
  break: 'orange',
  missed: 'error',
};

/** Shows the state the server pushed, with its reason and how long the agent has been in it. */
export function AgentStateTag({ push }: { push: AgentStatePush | null }) {
  const t = useT();
  const now = useNow(1000, push !== null);
  // 'unknown' until the server's first push, so nobody mistakes a default for the server's word.
  const state = push?.state ?? 'unknown';
  const name = t(`agent.state.${state}`);
  const label = push?.state === 'break' && push.reason ? t('agent.stateWithReason', { state: name, reason: t(`agent.reason.${push.reason}`) }) : name;
  // Wrap-up counts down to its automatic end; other states count up.
  const clock = push ? (push.until ? formatDuration(Date.parse(push.until) - now) : formatDuration(now - Date.parse(push.since))) : '';
  return (
    <Tag color={COLORS[state]} data-testid="agent-state" data-state={state} style={{ marginInlineEnd: 0 }}>
      {label} {clock}
    </Tag>
  );
}
