// HTTP request/response contracts between the hotline server and its browser clients.
// Bodies are validated with these zod schemas on the server; the desktop reuses the types.
import { z } from 'zod';

export const LoginRequest = z.object({
  username: z.string().trim().min(1, 'required').max(64),
  password: z.string().min(1, 'required').max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ROLES = ['agent', 'dispatcher', 'supervisor', 'handler', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** SIP user of the agent's softphone / desk phone, when the user has one. */
  extension: string | null;
}

export interface SipSettings {
  /** SIP-over-WebSocket URL served by Asterisk, e.g. ws://127.0.0.1:8088/ws */
  wsUrl: string;
  /** SIP domain used in the agent's AOR: sip:<extension>@<domain> */
  domain: string;
  /** Digest realm Asterisk challenges with. The SIP password is the user's login password. */
  realm: string;
}

export interface LoginResponse {
  token: string;
  user: SessionUser;
  sip: SipSettings | null;
}

export interface HealthResponse {
  status: 'ok' | 'degraded';
  asterisk: { up: boolean; ari: 'connected' | 'connecting' | 'down'; ami: 'connected' | 'down'; version?: string };
  database: { up: boolean; kind: 'pglite' | 'postgres' };
  uptimeSeconds: number;
  /** The ghost-call safety net: checks done against Asterisk's channels, and drifts repaired (should stay 0). */
  driftCheck: { checks: number; repairs: number };
  /** Call-record and agent-state writes waiting for the database (kept on disk): above 0 only during a database outage. */
  heldWrites: number;
  /** 转110/120 linkage sheets waiting for the database (kept on disk), likewise. */
  heldLinkageSheets: number;
}

/**
 * GET /api/citizen-phone (public): how the citizen phone page reaches Asterisk. The SIP account is shared by every
 * page and public by design: its endpoint can only call the service number, a bounded number of calls at once.
 */
export type CitizenPhoneResponse =
  { enabled: false } | { enabled: true; wsUrl: string; domain: string; username: string; password: string; serviceNumber: string };
