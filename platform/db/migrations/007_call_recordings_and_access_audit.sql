-- Call recordings (stereo: caller left, what the caller hears right), their integrity hash and storage place;
-- an audit row for every access (playback, download, refusal, integrity failure, deletion by retention); and a
-- recording that failed to start, reported on the call itself.
CREATE TABLE call_recordings (
  call_id      text PRIMARY KEY REFERENCES calls (id),
  -- the linked work order when the recording was stored (the API also resolves links made later)
  order_code   text,
  agent_id     text REFERENCES users (id),
  caller_number text NOT NULL,
  started_at   timestamptz NOT NULL,
  duration_ms  integer NOT NULL CHECK (duration_ms >= 0),
  size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  channels     integer NOT NULL CHECK (channels IN (1, 2)),
  format       text NOT NULL DEFAULT 'wav',
  storage      text NOT NULL,
  storage_key  text NOT NULL,
  status       text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored', 'deleted')),
  -- kept past the retention period whatever the orders say (e.g. a court order)
  legal_hold   boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL,
  deleted_at   timestamptz
);
CREATE INDEX call_recordings_started_idx ON call_recordings (started_at) WHERE status = 'stored';

CREATE TABLE recording_access_log (
  id        bigserial PRIMARY KEY,
  call_id   text NOT NULL,
  user_id   text,
  role      text,
  action    text NOT NULL CHECK (action IN ('metadata', 'play', 'download', 'denied', 'integrity_failed', 'retention_delete')),
  byte_range text,
  ip        text,
  at        timestamptz NOT NULL
);
CREATE INDEX recording_access_log_call_idx ON recording_access_log (call_id, at);

ALTER TABLE calls ADD COLUMN recording_error text;
