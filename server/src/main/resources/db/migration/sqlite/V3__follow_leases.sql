-- Which server process follows an unfinished job in the background, and until when (epoch millis) its claim holds.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
