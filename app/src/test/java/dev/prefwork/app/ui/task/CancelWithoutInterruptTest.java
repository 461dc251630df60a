package dev.prefwork.app.ui.task;

import dev.prefwork.app.ui.TestData;
import dev.prefwork.store.Workspace;
import javafx.util.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling a background task asks it to stop and never interrupts its thread: an interrupt inside H2's file I/O
 * closes the database's file channel, and H2 then closes the whole workspace (every later save fails). Here a task
 * reads the workspace in a loop, is cancelled from the task list's way in, stops at its next check, and the
 * workspace still answers.
 */
class CancelWithoutInterruptTest {

    @TempDir
    static Path tmp;

    @BeforeAll
    static void toolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @Test
    void cancellingStopsTheJobAtItsNextCheckWithoutInterruptingItAndTheWorkspaceStaysOpen() throws Exception {
        try (Workspace ws = TestData.workspace(tmp, 200);
             FxTaskExecutor executor = new FxTaskExecutor(new TaskMonitor(), (t, e) -> { }, Duration.ZERO)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            AtomicBoolean cancelled = new AtomicBoolean();
            AtomicInteger reads = new AtomicInteger();
            TaskExecutor.TaskHandle handle = executor.execute(BackgroundTask.<Void>of("Reading in a loop", p -> {
                try {
                    started.countDown();
                    while (true) {
                        ws.stats().compute(); // H2 file I/O, where an interrupt would do its damage
                        reads.incrementAndGet();
                        if (Thread.currentThread().isInterrupted()) interrupted.set(true);
                        p.checkCancelled();
                    }
                } finally {
                    ended.countDown();
                }
            }).onCancelled(() -> cancelled.set(true)));
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            while (reads.get() < 3) Thread.sleep(5);
            handle.cancel();
            assertThat(ended.await(20, TimeUnit.SECONDS)).as("the job stopped at its next check").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cancelled.get() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(cancelled).as("reported as cancelled").isTrue();
            assertThat(interrupted).as("the job's thread was interrupted").isFalse();
            assertThat(ws.stats().compute().total().prompts()).as("the workspace still answers").isEqualTo(200);
        }
    }
}
