-- An account locks before 100 consecutive failed sign-in attempts whatever its tenant sets
-- (NIST SP 800-63B 5.2.2); the application caps the threshold too. A tenant at 100 gets 99.
UPDATE tenants SET lockout_threshold = 99 WHERE lockout_threshold > 99;
ALTER TABLE tenants DROP CONSTRAINT tenants_lockout_threshold_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_lockout_threshold_check CHECK (lockout_threshold BETWEEN 1 AND 99);
