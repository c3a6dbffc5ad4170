-- fal webhook deliveries already accepted, by signature, shared by every process on this ledger: a delivery replayed
-- to another replica behind a load balancer is refused there too. A row is kept until the delivery's timestamp leaves
-- the accepted window (after that the timestamp check refuses the delivery anyway) and then deleted.
CREATE TABLE webhook_deliveries (
  signature  TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL);
CREATE INDEX webhook_deliveries_by_expiry ON webhook_deliveries (expires_at);
