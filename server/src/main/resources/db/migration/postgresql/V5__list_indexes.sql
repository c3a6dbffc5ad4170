-- list_jobs at 10,000+ rows: each filter it offers (state, model, since; owner has its own index) walks an index in
-- created_at order instead of sorting every matching row, and the cost totals are read from the index alone (the
-- trailing columns make it covering), not from the wide rows. The old single-column indexes are prefixes of these.
CREATE INDEX jobs_by_state_created ON jobs(state, created_at DESC, estimate_usd);
CREATE INDEX jobs_by_model_created ON jobs(model, created_at DESC, state, estimate_usd);
CREATE INDEX jobs_by_created_totals ON jobs(created_at DESC, state, estimate_usd);
DROP INDEX jobs_by_state;
DROP INDEX jobs_by_created;
