-- 受理 requests by their Idempotency-Key: an agent's save that is sent again (the answer was lost, the database
-- was down and the desktop retried its draft) returns the order the first one made instead of making a second.
-- Keys are the client's, so they are scoped by the user who sent them.
CREATE TABLE work_order_requests (
  user_id text NOT NULL,
  idempotency_key text NOT NULL,
  order_id text NOT NULL REFERENCES work_orders (id),
  dispatch jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX work_order_requests_created_idx ON work_order_requests (created_at);
