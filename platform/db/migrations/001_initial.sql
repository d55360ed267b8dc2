-- Initial schema: users, agent state history, calls and each ring attempt of a call.

CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('agent', 'supervisor', 'handler', 'admin')),
  extension     text UNIQUE,
  -- scrypt$N$r$p$saltB64$hashB64
  password_hash text NOT NULL,
  -- md5(extension:realm:password) hex, so Asterisk digest auth needs no plaintext SIP secret
  sip_ha1       text,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_state_log (
  id         bigserial PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id),
  from_state text NOT NULL,
  to_state   text NOT NULL,
  reason     text,
  cause      text NOT NULL,
  at         timestamptz NOT NULL
);
CREATE INDEX agent_state_log_user_at_idx ON agent_state_log (user_id, at);

CREATE TABLE calls (
  id             text PRIMARY KEY,
  channel_id     text NOT NULL,
  caller_number  text NOT NULL,
  dialed_number  text NOT NULL,
  queue          text,
  agent_id       text REFERENCES users (id),
  arrived_at     timestamptz NOT NULL,
  queued_at      timestamptz,
  offered_at     timestamptz,
  answered_at    timestamptz,
  ended_at       timestamptz,
  outcome        text CHECK (outcome IN ('answered', 'abandoned', 'failed')),
  hangup_cause   text,
  recording_name text
);
CREATE INDEX calls_arrived_at_idx ON calls (arrived_at);
CREATE INDEX calls_caller_number_idx ON calls (caller_number);

-- One row per ring attempt, so rings an agent missed stay visible after the call is answered elsewhere.
CREATE TABLE call_offers (
  id         bigserial PRIMARY KEY,
  call_id    text NOT NULL REFERENCES calls (id),
  agent_id   text NOT NULL REFERENCES users (id),
  offered_at timestamptz NOT NULL,
  result     text CHECK (result IN ('answered', 'missed', 'caller_gone', 'failed')),
  ended_at   timestamptz
);
CREATE INDEX call_offers_call_id_idx ON call_offers (call_id);
CREATE INDEX call_offers_agent_offered_idx ON call_offers (agent_id, offered_at);
