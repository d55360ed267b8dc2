// Who may listen to or download a call recording. Recordings are personal data (the citizen's voice and number):
//  - supervisors and admins: listen and download (quality checks, complaints, evidence);
//  - the agent who took the call: listen (self-review), no download;
//  - handlers of the department holding a linked order: listen, when the hotline allows it (default on), so the
//    department hears the citizen's own words; no download;
//  - everyone else (other agents, dispatchers, other departments): refused, and the refusal is audited.
// The role-wide parts (listen to any call, download) are permissions of the one role table.
import type { Role } from '../contracts/api.js';
import { can } from '../platform/auth/permissions.js';

export interface Listener {
  id: string;
  role: Role;
  departmentCode: string | null;
}

export interface RecordingFacts {
  agentId: string | null;
  departments: readonly string[];
}

export interface AccessPolicy {
  handlersMayListen: boolean;
}

export function mayListen(u: Listener, r: RecordingFacts, p: AccessPolicy): boolean {
  if (can(u.role, 'recording.listen.any')) return true;
  if (u.role === 'agent') return r.agentId === u.id;
  if (u.role === 'handler') return p.handlersMayListen && u.departmentCode !== null && r.departments.includes(u.departmentCode);
  return false;
}

export function mayDownload(u: Listener): boolean {
  return can(u.role, 'recording.download');
}
