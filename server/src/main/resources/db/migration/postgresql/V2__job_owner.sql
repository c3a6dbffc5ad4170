-- The principal that created a job over authorized HTTP (null for local, unauthorized use).
ALTER TABLE jobs ADD COLUMN owner TEXT;
CREATE INDEX jobs_by_owner ON jobs(owner, created_at DESC);
