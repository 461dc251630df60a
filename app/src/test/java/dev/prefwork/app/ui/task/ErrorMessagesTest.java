package dev.prefwork.app.ui.task;

import dev.prefwork.core.InputException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMessagesTest {

    @Test
    void inputErrorsAreShownAsWritten() {
        InputException e = new InputException("data.jsonl", 7, "candidates", "expected a list");
        assertThat(ErrorMessages.userMessage(e)).isEqualTo("data.jsonl:7: field 'candidates': expected a list");
        assertThat(ErrorMessages.isExpected(e)).isTrue();
        assertThat(ErrorMessages.userMessage(new ExecutionException(e))).isEqualTo(e.getMessage());
    }

    @Test
    void unexpectedErrorsSayWhatKindTheyAre() {
        assertThat(ErrorMessages.userMessage(new IllegalStateException("boom")))
                .isEqualTo("Unexpected error (IllegalStateException): boom");
        assertThat(ErrorMessages.userMessage(new NullPointerException())).isEqualTo("Unexpected error (NullPointerException).");
        assertThat(ErrorMessages.isExpected(new IllegalStateException())).isFalse();
    }
}
