// Finding a citizen's channel in the real Asterisk by the caller number (`core show channels concise`:
// channel!context!exten!priority!state!application!data!callerid!…), for tests that hang a caller up from the
// PBX side or check where a call waits; and waiting for a call's record to end, as the API shows it.
import type { ApiUser } from './api-client.js';
import { waitUntil } from './wait.js';

interface Cli {
  cli(command: string): Promise<string>;
}

/** The caller's channel and the dialplan application it is in, or null when Asterisk has none. */
export async function callerChannel(asterisk: Cli, callerNumber: string): Promise<{ name: string; app: string } | null> {
  const fields = (await asterisk.cli('core show channels concise'))
    .split('\n')
    .map((l) => l.split('!'))
    .find((f) => f[7] === callerNumber);
  return fields ? { name: fields[0]!, app: fields[5]! } : null;
}

/** Hangs the caller up from Asterisk's side; fails when the caller has no channel. */
export async function hangUpCaller(asterisk: Cli, callerNumber: string): Promise<void> {
  const channel = await callerChannel(asterisk, callerNumber);
  if (!channel) throw new Error(`no channel of caller ${callerNumber} in Asterisk`);
  await asterisk.cli(`channel request hangup ${channel.name}`);
}

export interface EndedCallRecord {
  id: string;
  endedAt: number | null;
  outcome: string | null;
  agentId: string | null;
}

/** The call's record once it has ended, read through the screen pop of the caller's number. */
export function endedCallRecord(api: ApiUser, callerNumber: string, callId: string): Promise<EndedCallRecord> {
  return waitUntil(
    async () => {
      const pop = await api.call<{ calls: EndedCallRecord[] }>('GET', `/api/screen-pop?phone=${callerNumber}`);
      return pop.body.calls.find((c) => c.id === callId && c.endedAt !== null) ?? null;
    },
    { timeoutMs: 15_000, intervalMs: 250, what: 'the call record to end' },
  );
}
