-- The login audit: every login, every refused password and every throttle lock, with the address it came from.
-- The username is as typed (an unknown name is an attempt worth seeing too); passwords are never stored.
-- Attempts refused by the throttle before any password check are not rows: the lock that caused them is.
CREATE TABLE auth_events (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL,
  kind     text NOT NULL,
  username text NOT NULL,
  user_id  text,
  address  text NOT NULL,
  detail   text
);
CREATE INDEX auth_events_at_idx ON auth_events (at);
CREATE INDEX auth_events_username_at_idx ON auth_events (username, at);
