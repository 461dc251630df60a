package dev.prefwork.app.ui.task;

import dev.prefwork.core.Progress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CurrentThreadTaskExecutorTest {

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final List<String> events = new ArrayList<>();

    @Test
    void runsWorkAndCallbacksBeforeReturning() {
        executor.execute(BackgroundTask.of("t", p -> 42)
                .onSuccess(v -> events.add("ok " + v))
                .onFinished(() -> events.add("finished")));
        assertThat(events).containsExactly("ok 42", "finished");
    }

    @Test
    void failuresGoToTheTaskHandlerOrElseAreCollected() {
        executor.execute(BackgroundTask.of("own", p -> { throw new IllegalStateException("a"); })
                .onFailure(e -> events.add("handled " + e.getMessage())));
        executor.execute(BackgroundTask.of("default", p -> { throw new IllegalStateException("b"); }));
        assertThat(events).containsExactly("handled a");
        assertThat(executor.errors()).extracting(Throwable::getMessage).containsExactly("b");
    }

    @Test
    void aCancelledJobEndsInOnCancelled() {
        executor.execute(BackgroundTask.of("c", p -> { throw new Progress.Cancelled(); })
                .onSuccess(v -> events.add("success"))
                .onCancelled(() -> events.add("cancelled")));
        assertThat(events).containsExactly("cancelled");
        assertThat(executor.errors()).isEmpty();
    }
}
