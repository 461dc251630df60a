package dev.prefwork.app.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbedCommandTest {

    @Test
    void theProgressBarShowsTheShareDoneBesideTheServicesMessage() {
        assertThat(EmbedCommand.TerminalProgressBar.line(15, 60, "Embedding with m: 15 of 60 texts, 30 texts/s"))
                .isEqualTo("[#######-----------------------]  25% Embedding with m: 15 of 60 texts, 30 texts/s");
        assertThat(EmbedCommand.TerminalProgressBar.line(60, 60, "done")).startsWith("[" + "#".repeat(30) + "] 100% ");
        assertThat(EmbedCommand.TerminalProgressBar.line(0, -1, "Preparing texts…")).isEqualTo("Preparing texts…");
    }
}
