package dev.prefwork.training;

import dev.prefwork.store.TrainingRunRepository;

/** Where a training run is: its folder written, its trainer running, or how it ended. */
public enum RunStatus {
    PREPARED(TrainingRunRepository.PREPARED),
    RUNNING(TrainingRunRepository.RUNNING),
    FINISHED(TrainingRunRepository.FINISHED),
    FAILED(TrainingRunRepository.FAILED),
    CANCELLED(TrainingRunRepository.CANCELLED);

    private final String db;

    RunStatus(String db) {
        this.db = db;
    }

    /** The stored (and shown) name: running, finished … */
    public String label() {
        return db;
    }

    public boolean ended() {
        return this == FINISHED || this == FAILED || this == CANCELLED;
    }

    public static RunStatus of(String db) {
        for (RunStatus s : values()) if (s.db.equals(db)) return s;
        throw new IllegalArgumentException("unknown run status " + db);
    }
}
