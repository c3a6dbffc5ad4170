-- Jobs and their state history; times are epoch milliseconds, as in the SQLite ledger.
CREATE TABLE jobs (
  local_id          TEXT PRIMARY KEY,
  request_id        TEXT UNIQUE,
  model             TEXT NOT NULL,
  input_json        TEXT NOT NULL,
  options_json      TEXT,
  estimate_json     TEXT,
  estimate_usd      DOUBLE PRECISION NOT NULL DEFAULT 0,
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
  inference_seconds DOUBLE PRECISION,
  local_path        TEXT,
  sha256            TEXT,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL,
  finished_at       BIGINT,
  -- insertion order: breaks ties between rows created in the same millisecond (SQLite's rowid does this there)
  row_seq           BIGINT GENERATED ALWAYS AS IDENTITY);
CREATE INDEX jobs_by_created ON jobs(created_at DESC);
CREATE INDEX jobs_by_state ON jobs(state);
CREATE TABLE job_states (
  local_id TEXT NOT NULL REFERENCES jobs(local_id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  state    TEXT NOT NULL,
  at       BIGINT NOT NULL,
  note     TEXT,
  PRIMARY KEY (local_id, seq));
