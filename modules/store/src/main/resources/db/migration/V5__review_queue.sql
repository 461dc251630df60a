-- Prefwork workspace schema v5 (Compare & label): the needs-review queue, the queue a labelling session worked
-- in and why it ended, and the time the expert spent on each prompt in each session.

-- Prompts flagged for the expert's review (the Rankings step fills it: low margin, disagreement with gold or a
-- high-accuracy LF). reviewed_at is set by the first gold judgment on the prompt after it was flagged.
CREATE TABLE review_item (
    prompt_id   BIGINT PRIMARY KEY REFERENCES prompt (id),
    reason      VARCHAR(2000),
    priority    DOUBLE PRECISION NOT NULL DEFAULT 0,
    source      VARCHAR(200),
    added_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    reviewed_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX ix_review_item_order ON review_item (priority DESC, prompt_id);

-- The queue the session walked (LabelQueue.key(): "unlabelled", "category:…", "random:<seed>", "review") and
-- how it ended: 'idle', 'close' (the workbench or the workspace was closed), 'unclean' (found open at start).
ALTER TABLE labeling_session ADD COLUMN queue VARCHAR(400);
ALTER TABLE labeling_session ADD COLUMN end_reason VARCHAR(16);

-- Time per prompt: active milliseconds (idle gaps excluded) and judgments, per session and prompt.
CREATE TABLE session_prompt (
    session_id    BIGINT NOT NULL REFERENCES labeling_session (id),
    prompt_id     BIGINT NOT NULL REFERENCES prompt (id),
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    active_ms     BIGINT NOT NULL DEFAULT 0,
    judgments     INT NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, prompt_id)
);
CREATE INDEX ix_session_prompt_prompt ON session_prompt (prompt_id);
