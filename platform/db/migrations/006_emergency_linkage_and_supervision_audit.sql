-- Emergency linkage (联动) with 110/120/119: the sheet sent to the centre's webhook with a transferred call, kept
-- as an outbox row (survives restarts; retried with backoff; the row id is the idempotency key) and shown with
-- the call and its work order. And the supervisors' audit trail of listen / whisper / barge and forced states.
CREATE TABLE emergency_linkages (
  id               text PRIMARY KEY,
  call_id          text NOT NULL REFERENCES calls (id),
  -- the order the call belongs to when the sheet was written (if the agent had saved one)
  order_code       text,
  centre           text NOT NULL,
  webhook_url      text,
  sheet            jsonb NOT NULL,
  -- pending → sending → delivered | failed; 'unconfigured' when the centre has no webhook
  status           text NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'unconfigured')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  claimed_at       timestamptz,
  last_error       text,
  last_http_status integer,
  created_by       text,
  created_at       timestamptz NOT NULL,
  delivered_at     timestamptz
);
CREATE INDEX emergency_linkages_due_idx ON emergency_linkages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX emergency_linkages_call_idx ON emergency_linkages (call_id);
CREATE INDEX emergency_linkages_order_idx ON emergency_linkages (order_code);

CREATE TABLE supervision_sessions (
  id             text PRIMARY KEY,
  supervisor_id  text NOT NULL REFERENCES users (id),
  agent_id       text NOT NULL REFERENCES users (id),
  -- null for a forced state / log-out (no call involved)
  call_id        text,
  -- listen | whisper | barge | force_state | force_logout
  mode           text NOT NULL,
  detail         text,
  started_at     timestamptz NOT NULL,
  ended_at       timestamptz
);
CREATE INDEX supervision_sessions_started_idx ON supervision_sessions (started_at);
