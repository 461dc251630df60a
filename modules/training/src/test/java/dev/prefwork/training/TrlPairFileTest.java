package dev.prefwork.training;

import dev.prefwork.core.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrlPairFileTest {

    @TempDir
    Path tmp;

    private TrlPairFile file(String... lines) throws Exception {
        Path f = tmp.resolve("pairs.jsonl");
        Files.write(f, List.of(lines), StandardCharsets.UTF_8);
        return new TrlPairFile(f);
    }

    @Test
    void standardAndConversationalPairsAreCountedAndCopied() throws Exception {
        TrlPairFile f = file(
                "{\"prompt\": \"Book business class?\", \"chosen\": \"Economy under 6 h.\", \"rejected\": \"Yes.\", \"prompt_id\": \"p1\"}",
                "",
                "{\"prompt\": [{\"role\": \"user\", \"content\": \"Hotel cap?\"}], \"chosen\": [{\"role\": \"assistant\", \"content\": \"£140.\"}],"
                        + " \"rejected\": [{\"role\": \"assistant\", \"content\": \"None.\"}]}",
                "{\"chosen\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}],"
                        + " \"rejected\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Go away.\"}]}");
        assertThat(f.check()).isEqualTo(new PairSource.PairSummary(3, 2));
        Path target = tmp.resolve("out").resolve("train.jsonl");
        Files.createDirectories(target.getParent());
        assertThat(f.writeTo(target).pairs()).isEqualTo(3);
        assertThat(Files.readAllLines(target)).hasSize(3).first().asString().contains("prompt_id");
    }

    @Test
    void problemsNameFileLineAndField() throws Exception {
        assertThatThrownBy(() -> file("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}",
                "{\"prompt\": \"p\", \"chosen\": \"c\"}").check())
                .isInstanceOf(InputException.class).hasMessage("pairs.jsonl:2: field 'rejected': is missing");
        assertThatThrownBy(() -> file("{\"prompt\": \"p\", \"chosen\": 3, \"rejected\": \"r\"}").check())
                .hasMessage("pairs.jsonl:1: field 'chosen': must be a string when the prompt is one");
        assertThatThrownBy(() -> file("{\"prompt\": \"p\", \"chosen\": \" \", \"rejected\": \"r\"}").check())
                .hasMessage("pairs.jsonl:1: field 'chosen': is empty");
        assertThatThrownBy(() -> file("not json").check()).hasMessageStartingWith("pairs.jsonl:1: not valid JSON");
        assertThatThrownBy(() -> file("[1, 2]").check()).hasMessage("pairs.jsonl:1: must be a JSON object");
        assertThatThrownBy(() -> file("{\"prompt\": [{\"role\": \"user\"}], \"chosen\": [], \"rejected\": []}").check())
                .hasMessage("pairs.jsonl:1: field 'prompt': message 1 needs string 'role' and 'content'");
        assertThatThrownBy(() -> file("{\"chosen\": [{\"role\": \"assistant\", \"content\": \"a\"}], \"rejected\": [{\"role\": \"assistant\", \"content\": \"b\"}]}").check())
                .hasMessageContaining("field 'prompt': is missing");
        assertThatThrownBy(() -> file("", " ").check()).hasMessage("pairs.jsonl: holds no pairs");
        assertThatThrownBy(() -> new TrlPairFile(tmp.resolve("nope.jsonl")).check()).hasMessageEndingWith("no such file");
    }

    @Test
    void notUtf8IsNamedWithItsLine() throws Exception {
        Path f = tmp.resolve("latin1.jsonl");
        Files.write(f, "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}\n{\"prompt\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> new TrlPairFile(f).check()).hasMessageContaining("not UTF-8");
    }

    @Test
    void aFailedWriteLeavesNoFile() throws Exception {
        TrlPairFile f = file("{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\"}", "{}");
        Path target = tmp.resolve("train.jsonl");
        assertThatThrownBy(() -> f.writeTo(target)).isInstanceOf(InputException.class);
        assertThat(target).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("pairs.jsonl");
        }
    }
}
