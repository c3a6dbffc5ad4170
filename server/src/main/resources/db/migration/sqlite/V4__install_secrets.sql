-- Secrets every process sharing this ledger must agree on (e.g. the key that signs cost-confirmation states), created
-- once by whichever process needs one first.
CREATE TABLE install_secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL);
