// Which of an agent's phones are registered (the browser softphone "1001", the desk phone "1001-desk"), and so
// which one to ring. The engine only needs to know whether an agent has any phone at all.
import type { AgentDirectory } from './notifier.js';

export class AgentDevices {
  private readonly online = new Map<string, Set<string>>(); // by agentId

  constructor(private readonly directory: AgentDirectory) {}

  /**
   * A device registered or went away. Returns the agent and whether they have any phone now, when that
   * changed; null when it did not (or the device is nobody's seat).
   */
  changed(device: string, online: boolean): { agentId: string; online: boolean } | null {
    const agentId = this.directory.agentIdForDevice(device);
    if (!agentId) return null;
    const set = this.online.get(agentId) ?? new Set<string>();
    const before = set.size > 0;
    if (online) set.add(device);
    else set.delete(device);
    this.online.set(agentId, set);
    return before !== set.size > 0 ? { agentId, online: set.size > 0 } : null;
  }

  /** Devices registered now, as known here: after a reconnect, the ones Asterisk no longer has go offline. */
  known(): string[] {
    return [...this.online.values()].flatMap((devices) => [...devices]);
  }

  /** The agent's registered phone to ring: the browser softphone when online, else the desk phone. */
  deviceFor(agentId: string): string | undefined {
    const devices = this.directory.devicesOf(agentId);
    if (!devices) return undefined;
    const online = this.online.get(agentId) ?? new Set<string>();
    return online.has(devices.web) || !online.has(devices.desk) ? devices.web : devices.desk;
  }

  hasSeat(agentId: string): boolean {
    return this.directory.devicesOf(agentId) !== undefined;
  }
}
