// The supervisors' audit trail: one row per period in one mode (listen / whisper / barge; a switch closes one
// row and opens the next), and one row per forced state or log-out.
import { randomUUID } from 'node:crypto';
import type { SupervisionAuditRow } from '../contracts/transfer.js';
import type { Database } from '../platform/db/database.js';

interface Row {
  id: string;
  supervisor_id: string;
  agent_id: string;
  call_id: string | null;
  mode: string;
  detail: string | null;
  started_at: Date;
  ended_at: Date | null;
}

export class SupervisionAudit {
  constructor(private readonly db: Database) {}

  async open(e: {
    supervisorId: string;
    agentId: string;
    callId: string | null;
    mode: string;
    detail?: string | null;
    at: number;
    endedAt?: number;
  }): Promise<string> {
    const id = randomUUID();
    await this.db.query(
      `INSERT INTO supervision_sessions (id, supervisor_id, agent_id, call_id, mode, detail, started_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, e.supervisorId, e.agentId, e.callId, e.mode, e.detail ?? null, new Date(e.at), e.endedAt === undefined ? null : new Date(e.endedAt)],
    );
    return id;
  }

  async close(id: string, at: number): Promise<void> {
    await this.db.query(`UPDATE supervision_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL`, [id, new Date(at)]);
  }

  async list(limit = 200): Promise<SupervisionAuditRow[]> {
    const { rows } = await this.db.query<Row>(`SELECT * FROM supervision_sessions ORDER BY started_at DESC LIMIT $1`, [limit]);
    return rows.map((r) => ({
      id: r.id,
      supervisorId: r.supervisor_id,
      agentId: r.agent_id,
      callId: r.call_id,
      mode: r.mode,
      detail: r.detail,
      startedAt: new Date(r.started_at).getTime(),
      endedAt: r.ended_at ? new Date(r.ended_at).getTime() : null,
    }));
  }
}
