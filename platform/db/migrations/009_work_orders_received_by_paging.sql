-- An agent's own list (WHERE received_by = $1 ORDER BY received_at DESC, id DESC) must not walk the whole table
-- newest-first looking for an agent who has no orders yet (measured: ~1 s at 1 M orders with the old index,
-- which lacked the id tie-breaker, so the planner preferred work_orders_received_idx and filtered).
DROP INDEX IF EXISTS work_orders_received_by_idx;
CREATE INDEX work_orders_received_by_idx ON work_orders (received_by, received_at DESC, id DESC);
