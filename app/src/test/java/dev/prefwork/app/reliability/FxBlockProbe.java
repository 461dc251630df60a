package dev.prefwork.app.reliability;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long the JavaFX thread is ever kept from its work: a thread posts a probe every 5 ms and records
 * how long each waited to run (the longest wait is the longest the FX thread was busy or blocked), and an
 * {@link AnimationTimer} records the longest gap between pulses. For reports, not assertions: the numbers depend
 * on the machine.
 */
final class FxBlockProbe implements AutoCloseable {

    private final ScheduledExecutorService poster = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fx-block-probe");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong maxWaitNanos = new AtomicLong();
    private final AtomicLong maxPulseGapNanos = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    /** Posting time of the oldest probe not yet run (0: none waiting). */
    private final AtomicLong waitingSince = new AtomicLong();
    private volatile long sampledAge;
    private volatile String sampledStack = "";
    private final AnimationTimer pulses = new AnimationTimer() {
        long last;

        @Override
        public void handle(long now) {
            if (last != 0) maxPulseGapNanos.accumulateAndGet(now - last, Math::max);
            last = now;
        }
    };

    FxBlockProbe() {
        Platform.runLater(pulses::start);
        poster.scheduleAtFixedRate(() -> {
            long posted = System.nanoTime();
            long oldest = waitingSince.get();
            if (oldest == 0) {
                waitingSince.compareAndSet(0, posted);
                Platform.runLater(() -> {
                    maxWaitNanos.accumulateAndGet(System.nanoTime() - posted, Math::max);
                    probes.incrementAndGet();
                    waitingSince.set(0);
                });
            } else if (posted - oldest > sampledAge) {
                // the FX thread is late: remember what it is doing at the longest wait seen
                sampledAge = posted - oldest;
                sampledStack = fxStack();
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
    }

    long maxWaitMillis() {
        return maxWaitNanos.get() / 1_000_000;
    }

    long maxPulseGapMillis() {
        return maxPulseGapNanos.get() / 1_000_000;
    }

    /** The FX thread's state and top frames when it was latest, for the report. */
    String whileLate() {
        return sampledStack;
    }

    private static String fxStack() {
        for (var e : Thread.getAllStackTraces().entrySet()) {
            if (!e.getKey().getName().equals("JavaFX Application Thread")) continue;
            StringBuilder sb = new StringBuilder(e.getKey().getState().toString());
            StackTraceElement[] st = e.getValue();
            for (int i = 0; i < Math.min(12, st.length); i++) sb.append("\n    at ").append(st[i]);
            return sb.toString();
        }
        return "";
    }

    long probes() {
        return probes.get();
    }

    @Override
    public void close() {
        poster.shutdownNow();
        Platform.runLater(pulses::stop);
    }
}
