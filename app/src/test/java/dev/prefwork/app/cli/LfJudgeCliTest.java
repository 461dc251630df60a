package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** Comparative and judge LFs through `lf add`, `lf apply`, `lf judge-estimate` and `lf judge`, against a loopback server. */
class LfJudgeCliTest {

    @TempDir
    Path dir;

    @Test
    void comparativeAndJudgeLfsWithoutCode() throws Exception {
        try (OpenAiTestServer server = OpenAiTestServer.start("judge-1")) {
            server.answerWith(r -> r.prompt().contains("Sorry") ? "No" : "Yes");
            Path ws = dir.resolve("demo");
            assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
            Path file = dir.resolve("lfs.json");
            Files.writeString(file, """
                    {"format":"prefwork-lfs","version":1,"lfs":[
                      {"name":"Answers rather than refuses","aspect":"helpfulness","vote":"BAD","kind":"comparative",
                       "when":{"type":"phrase_list","list":"refusal"}},
                      {"name":"Judge: helpful","aspect":"helpfulness","vote":"GOOD","kind":"judge",
                       "judge":{"base_url":"%s","model":"judge-1","template":"Q: {prompt}\\nA: {response}\\nHelpful? yes or no","answer":"yes_no"}}]}
                    """.formatted(server.baseUrl()));
            PrefworkCliTest.Run add = cli("lf", "add", ws.toString(), "--file", file.toString());
            assertThat(add.code()).as(add.err()).isZero();
            assertThat(add.out()).contains("Added 2 new LFs");

            PrefworkCliTest.Run est = cli("lf", "judge-estimate", ws.toString(), "--lf", "judge: helpful", "--json");
            assertThat(est.code()).as(est.err()).isZero();
            JsonNode e = new ObjectMapper().readTree(est.out());
            assertThat(e.get("questions").asInt()).isEqualTo(330);
            assertThat(e.get("toAsk").asInt()).isEqualTo(330);
            assertThat(e.get("etaSeconds").isNull()).isTrue();
            assertThat(server.completionRequests()).isEmpty();

            PrefworkCliTest.Run preview = cli("lf", "judge", ws.toString(), "--lf", "Judge: helpful", "--preview", "5");
            assertThat(preview.code()).as(preview.err()).isZero();
            assertThat(preview.out()).contains("5 questions: 5 asked, 0 answered before");
            assertThat(server.completionRequests()).hasSize(5);

            PrefworkCliTest.Run after = cli("lf", "judge-estimate", ws.toString(), "--lf", "Judge: helpful");
            assertThat(after.out()).contains("325 of 330 questions to ask (5 answered before)").contains("ms per answer");

            PrefworkCliTest.Run apply = cli("lf", "apply", ws.toString(), "--json");
            assertThat(apply.code()).as(apply.err()).isZero();
            JsonNode a = new ObjectMapper().readTree(apply.out());
            JsonNode judgeRow = null;
            for (JsonNode row : a.get("lfs")) if (row.get("name").asText().equals("Judge: helpful")) judgeRow = row;
            assertThat(judgeRow).isNotNull();
            assertThat(judgeRow.get("hits").asInt()).as("only the 5 answered candidates can vote").isBetween(1, 5);
            JsonNode pairs = a.get("pairLfs");
            assertThat(pairs.get("totalPairs").asInt()).isEqualTo(66 * 10);
            assertThat(pairs.get("lfs").get(0).get("name").asText()).isEqualTo("Answers rather than refuses");
            assertThat(pairs.get("lfs").get(0).get("pairs").asInt()).isPositive();
            assertThat(server.completionRequests()).as("apply never asks").hasSize(5);

            PrefworkCliTest.Run notJudge = cli("lf", "judge-estimate", ws.toString(), "--lf", "Answers rather than refuses");
            assertThat(notJudge.code()).isEqualTo(2);
            assertThat(notJudge.err()).contains("is not a judge LF");
        }
    }
}
