-- Sessions are stateless signed tokens; this is how one is ended before it expires: a token issued before
-- sessions_valid_from is refused (logging out, an administrator ending a user's sessions). NULL: none ended.
ALTER TABLE users ADD COLUMN sessions_valid_from timestamptz;
