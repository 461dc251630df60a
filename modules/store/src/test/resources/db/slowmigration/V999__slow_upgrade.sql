-- A slow upgrade with several statements for MigrationKillTest: new tables, data, and a change to an existing
-- table, so that a kill lands inside it. H2 commits each DDL statement on its own.
CREATE TABLE slow_a (id INT PRIMARY KEY, pad VARCHAR(200));
INSERT INTO slow_a SELECT X, REPEAT('a', 200) FROM SYSTEM_RANGE(1, 8000);
ALTER TABLE prompt ADD COLUMN slow_flag BOOLEAN DEFAULT FALSE NOT NULL;
CREATE TABLE slow_b (id INT PRIMARY KEY, a_id INT REFERENCES slow_a (id));
INSERT INTO slow_b SELECT X, X FROM SYSTEM_RANGE(1, 8000);
UPDATE prompt SET slow_flag = TRUE;
CREATE INDEX ix_slow_b ON slow_b (a_id);
