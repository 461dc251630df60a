-- H2 hands out identity values from a cache; each time it runs out (every 32 values by default) it writes the
-- sequence through its system session and commits, and with WRITE_DELAY=0 that commit stores every unsaved
-- page of the transaction that is running: a 1M-candidate import stored its pages ~37,000 times (a third of
-- its CPU at 50K, a database file 3.2x the JSONL instead of 2.1x). A crash loses at most CACHE ids: a gap in
-- the numbering, nothing else.
ALTER TABLE prompt ALTER COLUMN id SET CACHE 100000;
ALTER TABLE candidate ALTER COLUMN id SET CACHE 100000;
