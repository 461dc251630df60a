package dev.prefwork.app.ui.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SerialTaskQueueTest {

    @Test
    void jobsRunOneAtATimeInOrderAndFailuresGoToTheirHandler() {
        ManualTaskExecutor executor = new ManualTaskExecutor();
        List<String> log = new ArrayList<>();
        List<String> unhandled = new ArrayList<>();
        SerialTaskQueue q = new SerialTaskQueue(executor, (title, e) -> unhandled.add(title + ": " + e.getMessage()));
        q.submit(BackgroundTask.of("a", p -> log.add("a")).onSuccess(v -> log.add("a done")));
        q.submit(BackgroundTask.<Object>of("b", p -> {
            throw new IllegalStateException("boom");
        }).onFailure(e -> log.add("b failed")));
        q.submit(BackgroundTask.<Object>of("c", p -> {
            throw new IllegalStateException("bang");
        }));
        q.submit(BackgroundTask.of("d", p -> log.add("d")));
        assertThat(executor.queued()).as("one at a time").isEqualTo(1);
        assertThat(q.pending()).isEqualTo(4);
        executor.runNext();
        assertThat(executor.queued()).isEqualTo(1);
        executor.runAll();
        assertThat(log).containsExactly("a", "a done", "b failed", "d");
        assertThat(unhandled).containsExactly("c: bang");
        assertThat(q.pending()).isZero();
    }

    @Test
    void drainWaitsForTheJobInFlightThenRunsTheRestHereAndRefusesMore() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        TaskExecutor async = new TaskExecutor() {
            @Override
            public <V> TaskHandle execute(BackgroundTask<V> task) {
                pool.execute(() -> {
                    try {
                        task.work().run(dev.prefwork.core.Progress.NONE);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    // callbacks would run on the UI thread; the UI thread is busy draining, so they never run here
                });
                return TaskHandle.DONE;
            }
        };
        SerialTaskQueue q = new SerialTaskQueue(async, (t, e) -> { });
        q.submit(BackgroundTask.of("slow", p -> {
            started.countDown();
            release.await(5, TimeUnit.SECONDS);
            log.add("slow");
            return null;
        }));
        q.submit(BackgroundTask.of("next", p -> log.add("next")));
        started.await(5, TimeUnit.SECONDS);
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
            }
            release.countDown();
        });
        releaser.start();
        assertThat(q.drain(5_000)).isNull();
        assertThat(log).containsExactly("slow", "next");
        q.submit(BackgroundTask.of("late", p -> log.add("late")));
        assertThat(log).hasSize(2);
        assertThat(q.isClosed()).isTrue();
        pool.shutdownNow();
    }
}
