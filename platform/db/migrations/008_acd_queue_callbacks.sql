-- Queue callbacks (acd/callback-offer.ts, acd/callback-dialer.ts): a caller who chose a callback leaves the queue
-- with the outcome 'callback' (not an abandon: their place is kept); the callback's progress is kept on the
-- same call record, so the citizen's case has one row from the first ring to the agent who called back.
ALTER TABLE calls DROP CONSTRAINT IF EXISTS calls_outcome_check;
ALTER TABLE calls ADD CONSTRAINT calls_outcome_check CHECK (outcome IN ('answered', 'abandoned', 'failed', 'callback'));
ALTER TABLE calls ADD COLUMN callback_number text;
ALTER TABLE calls ADD COLUMN callback_requested_at timestamptz;
-- requested: waiting for its turn or being dialled; connected: the citizen pressed 1 and an agent talks to them;
-- abandoned: every attempt failed (callback_attempts, last reason in callback_last_failure)
ALTER TABLE calls ADD COLUMN callback_status text CHECK (callback_status IN ('requested', 'connected', 'abandoned'));
ALTER TABLE calls ADD COLUMN callback_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN callback_last_failure text;
ALTER TABLE calls ADD COLUMN callback_agent_id text REFERENCES users (id);
ALTER TABLE calls ADD COLUMN callback_connected_at timestamptz;
