-- Jobs and their state history. Identical to what kling-mcp wrote before the ledger moved to Flyway (its
-- schema_version 1): a file made by those versions is baselined at its version, never replayed.
CREATE TABLE jobs (
  local_id          TEXT PRIMARY KEY,
  request_id        TEXT UNIQUE,
  model             TEXT NOT NULL,
  input_json        TEXT NOT NULL,
  options_json      TEXT,
  estimate_json     TEXT,
  estimate_usd      REAL NOT NULL DEFAULT 0,
  idempotency_key   TEXT UNIQUE,
  status_url        TEXT,
  response_url      TEXT,
  cancel_url        TEXT,
  state             TEXT NOT NULL,
  fal_status        TEXT,
  queue_position    INTEGER,
  logs_json         TEXT,
  result_json       TEXT,
  error_json        TEXT,
  inference_seconds REAL,
  local_path        TEXT,
  sha256            TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  finished_at       INTEGER);
CREATE INDEX jobs_by_created ON jobs(created_at DESC);
CREATE INDEX jobs_by_state ON jobs(state);
CREATE TABLE job_states (
  local_id TEXT NOT NULL REFERENCES jobs(local_id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  state    TEXT NOT NULL,
  at       INTEGER NOT NULL,
  note     TEXT,
  PRIMARY KEY (local_id, seq));
