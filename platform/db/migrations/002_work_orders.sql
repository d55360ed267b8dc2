-- Work orders (工单): the responsibility catalog, departments, orders and their history, daily order-code
-- counters, links to calls, the SMS outbox and the knowledge base. Runs on PGlite and PostgreSQL alike.

-- ---------------------------------------------------------------------------------------------------------
-- Catalog (职责清单) as a versioned JSONB document, plus a departments registry.
--
-- Why a document and not classes/items/responsibility tables: the catalog is only ever used whole (dispatch,
-- suggestItems and detectDistrict index the complete catalog in memory), validated whole (parseCatalog's
-- cross-reference checks) and replaced whole (CSV/JSON import). Normalized tables would be reassembled into the
-- same object on every load and would need a multi-table diff on every import; a document per version makes
-- "replace atomically" a single INSERT + flag flip and keeps every earlier version for audit ("which catalog
-- dispatched this order?"). The server keeps the active version in memory and reloads when the active id changes.
--
-- Departments get their own table because other rows point at them (a handler's department, the department
-- holding an order): an import upserts them and marks the ones it no longer lists inactive instead of deleting
-- them, so older orders and accounts keep a valid reference and a name. Districts are looked up only through
-- the in-memory catalog (detectDistrict), nothing references them, so they live in the document only.
CREATE TABLE catalog_versions (
  id          bigserial PRIMARY KEY,
  version     text NOT NULL,
  document    jsonb NOT NULL,
  active      boolean NOT NULL DEFAULT false,
  imported_by text,
  imported_at timestamptz NOT NULL
);
-- at most one active catalog
CREATE UNIQUE INDEX catalog_versions_one_active_idx ON catalog_versions ((true)) WHERE active;

CREATE TABLE departments (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  level         text NOT NULL CHECK (level IN ('city', 'utility', 'district')),
  district_code text,
  active        boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL
);

-- ---------------------------------------------------------------------------------------------------------
-- Users: the dispatch desk role, and the department a handler belongs to.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('agent', 'dispatcher', 'supervisor', 'handler', 'admin'));
ALTER TABLE users ADD COLUMN department_code text REFERENCES departments (code);

-- ---------------------------------------------------------------------------------------------------------
-- Work orders. Scalar facts are columns (filters, indexes, reports); the lists the lifecycle appends to
-- (replies, returns, extensions, ratings, deadline actions, links) are JSONB arrays in the shapes of
-- crm/work-orders/model.ts. Instants are timestamptz (ms precision round-trips exactly).
CREATE TABLE work_orders (
  id                  text PRIMARY KEY,
  code                text NOT NULL,
  -- optimistic locking: + 1 with every event; UPDATE … WHERE id = $1 AND version = $2
  version             integer NOT NULL CHECK (version >= 1),
  state               text NOT NULL CHECK (state IN ('received', 'dispatched', 'signed', 'in_progress', 'replied',
                                                    'callback_pending', 'rated', 'closed', 'archived', 'returned')),
  state_since         timestamptz NOT NULL,
  channel             text NOT NULL,
  citizen_phone       text NOT NULL,
  -- digits only, +86/0086/0 prefix of a mobile number removed: what screen pop and progress queries match
  citizen_phone_norm  text NOT NULL,
  citizen_name        text,
  confidential        boolean NOT NULL DEFAULT false,
  type                text NOT NULL,
  catalog_item_code   text NOT NULL,
  district            text NOT NULL,
  street              text,
  address             text,
  content             text NOT NULL,
  summary             text NOT NULL,
  urgency             text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  time_limit_class    text NOT NULL,
  links               jsonb NOT NULL DEFAULT '{}',
  received_at         timestamptz NOT NULL,
  received_by         text NOT NULL,
  updated_at          timestamptz NOT NULL,
  department_code     text REFERENCES departments (code),
  dispatched_at       timestamptz,
  dispatch_count      integer NOT NULL DEFAULT 0,
  dispatch_started_at timestamptz,
  dispatch_due_at     timestamptz,
  dispatch_basis      text,
  resolve_started_at  timestamptz NOT NULL,
  resolve_due_at      timestamptz NOT NULL,
  resolve_basis       text NOT NULL,
  answer              text,
  replies             jsonb NOT NULL DEFAULT '[]',
  returns             jsonb NOT NULL DEFAULT '[]',
  extensions          jsonb NOT NULL DEFAULT '[]',
  ratings             jsonb NOT NULL DEFAULT '[]',
  rework_count        integer NOT NULL DEFAULT 0,
  special_supervision boolean NOT NULL DEFAULT false,
  deadline_actions    jsonb NOT NULL DEFAULT '[]',
  closed_at           timestamptz,
  archived_at         timestamptz,
  -- the earliest reminder/escalation not yet taken (null: none pending); the deadline scheduler polls this
  next_deadline_at    timestamptz,
  -- lower-cased code + summary + content + place, whitespace removed: the text search column (see below)
  search_text         text NOT NULL,
  created_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX work_orders_code_idx ON work_orders (code);
CREATE INDEX work_orders_phone_idx ON work_orders (citizen_phone_norm, received_at DESC);
CREATE INDEX work_orders_state_department_idx ON work_orders (state, department_code);
CREATE INDEX work_orders_department_received_idx ON work_orders (department_code, received_at DESC, id DESC);
CREATE INDEX work_orders_received_idx ON work_orders (received_at DESC, id DESC);
CREATE INDEX work_orders_received_by_idx ON work_orders (received_by, received_at DESC);
CREATE INDEX work_orders_resolve_due_idx ON work_orders (resolve_due_at)
  WHERE state IN ('received', 'returned', 'dispatched', 'signed', 'in_progress');
CREATE INDEX work_orders_next_deadline_idx ON work_orders (next_deadline_at) WHERE next_deadline_at IS NOT NULL;
-- Text search (`q`): indexed by 005_work_order_search_grams.sql (2-character grams of search_text, GIN).

-- One row per lifecycle event (creation, every action, every reminder/escalation).
CREATE TABLE work_order_events (
  id               bigserial PRIMARY KEY,
  order_id         text NOT NULL REFERENCES work_orders (id),
  -- the order's version after this event: a second writer with the same base version collides here too
  version          integer NOT NULL,
  action           text NOT NULL,
  from_state       text,
  to_state         text NOT NULL,
  actor_id         text NOT NULL,
  actor_role       text NOT NULL,
  actor_department text,
  at               timestamptz NOT NULL,
  reason           text,
  details          jsonb NOT NULL DEFAULT '{}',
  UNIQUE (order_id, version)
);
CREATE INDEX work_order_events_at_idx ON work_order_events (at);

-- Per local (UTC+8) day counter for order codes GDyyyymmdd-nnnnnn. Incremented in its own statement before the
-- order's transaction, so a number is never handed out twice, even when that transaction later rolls back.
CREATE TABLE order_code_sequences (
  day  date PRIMARY KEY,
  last integer NOT NULL CHECK (last >= 1)
);

CREATE TABLE work_order_calls (
  order_id  text NOT NULL REFERENCES work_orders (id),
  call_id   text NOT NULL REFERENCES calls (id),
  linked_at timestamptz NOT NULL,
  PRIMARY KEY (order_id, call_id)
);
CREATE INDEX work_order_calls_call_idx ON work_order_calls (call_id);

-- ---------------------------------------------------------------------------------------------------------
-- SMS outbox: rows are written in the same transaction as the event that causes them; a worker sends them.
CREATE TABLE sms_outbox (
  id              bigserial PRIMARY KEY,
  order_id        text REFERENCES work_orders (id),
  to_phone        text NOT NULL,
  template        text NOT NULL,
  params          jsonb NOT NULL DEFAULT '{}',
  -- the rendered Chinese text, fixed when enqueued
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claimed_at      timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
CREATE INDEX sms_outbox_due_idx ON sms_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX sms_outbox_order_idx ON sms_outbox (order_id);

-- ---------------------------------------------------------------------------------------------------------
-- Knowledge base (知识库) for agents.
CREATE TABLE knowledge_articles (
  id                 bigserial PRIMARY KEY,
  title              text NOT NULL,
  body               text NOT NULL,
  keywords           jsonb NOT NULL DEFAULT '[]',
  catalog_item_codes jsonb NOT NULL DEFAULT '[]',
  -- lower-cased title + keywords + body, whitespace removed (same search approach as work_orders)
  search_text        text NOT NULL,
  created_by         text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
