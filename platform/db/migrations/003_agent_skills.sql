-- Agents' skills (level 1–5), groups (班组) and site (职场) for skills-based routing.
CREATE TABLE agent_skills (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  skill   text NOT NULL,
  level   integer NOT NULL CHECK (level BETWEEN 1 AND 5),
  PRIMARY KEY (user_id, skill)
);

CREATE TABLE agent_profiles (
  user_id     text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  groups      text[] NOT NULL DEFAULT '{}',
  site        text,
  -- NULL: every queue whose skills the agent has
  queues      text[]
);
