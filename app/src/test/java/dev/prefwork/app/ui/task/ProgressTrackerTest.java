package dev.prefwork.app.ui.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTrackerTest {

    private final AtomicLong now = new AtomicLong();
    private final ProgressTracker tracker = new ProgressTracker(now::get, Duration.ofMillis(100));

    private static long ms(long n) {
        return n * 1_000_000L;
    }

    @Test
    void throttlesUpdatesInsideTheInterval() {
        assertThat(tracker.update(1, 100, "a")).isNotNull();
        now.set(ms(50));
        assertThat(tracker.update(2, 100, "b")).as("within 100 ms").isNull();
        now.set(ms(120));
        assertThat(tracker.update(3, 100, "c")).isNotNull();
    }

    @Test
    void theFinalUpdateIsNeverThrottled() {
        assertThat(tracker.update(1, 10, "a")).isNotNull();
        now.set(ms(10));
        ProgressTracker.Snapshot last = tracker.update(10, 10, "done");
        assertThat(last).isNotNull();
        assertThat(last.fraction()).isEqualTo(1.0);
    }

    @Test
    void etaComesFromTheRateSoFar() {
        now.set(ms(2_000));
        ProgressTracker.Snapshot s = tracker.update(25, 100, "25 MB read");
        // 25 units in 2 s -> 75 more take 6 s
        assertThat(s.eta()).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.text()).isEqualTo("25 MB read · about 6 s left");
        assertThat(s.fraction()).isEqualTo(0.25);
    }

    @Test
    void noEtaBeforeTheWarmUpOrWithoutATotal() {
        now.set(ms(500));
        assertThat(tracker.update(50, 100, "x").eta()).isNull();
        now.set(ms(5_000));
        ProgressTracker.Snapshot unknown = tracker.update(50, -1, "x");
        assertThat(unknown.eta()).isNull();
        assertThat(unknown.fraction()).isEqualTo(-1);
        assertThat(unknown.text()).isEqualTo("x");
    }

    @Test
    void formatsEtas() {
        assertThat(ProgressTracker.formatEta(Duration.ofMillis(200))).isEqualTo("about 1 s left");
        assertThat(ProgressTracker.formatEta(Duration.ofSeconds(59))).isEqualTo("about 59 s left");
        assertThat(ProgressTracker.formatEta(Duration.ofSeconds(150))).isEqualTo("about 3 min left");
        assertThat(ProgressTracker.formatEta(Duration.ofMinutes(80))).isEqualTo("about 1 h 20 min left");
    }
}
