package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code prefwork reward fit|show} and {@code prefwork scores} on the demo workspace, with the tiny test embedder (a
 * real ONNX model) so the fit embeds in a moment: the metrics in text and JSON, the per-candidate scores file, and
 * bad input named with exit code 2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardCliTest {

    private static final String EMBEDDER = Path.of("../modules/inference/src/test/resources/tiny-models/embedder").toAbsolutePath().toString();

    @TempDir
    static Path dir;
    private Path ws;
    private String previousHome;

    @BeforeAll
    void demo() {
        previousHome = System.getProperty("prefwork.home");
        System.setProperty("prefwork.home", dir.resolve("home").toString());
        ws = dir.resolve("demo");
        PrefworkCliTest.Run init = cli("init", ws.toString(), "--demo");
        assertThat(init.code()).as(init.err()).isZero();
    }

    @AfterAll
    void restore() {
        if (previousHome == null) System.clearProperty("prefwork.home");
        else System.setProperty("prefwork.home", previousHome);
    }

    @Test
    void fitPrintsHeldOutAccuracyAboveBothBaselinesThenScoresWritesEveryCandidate() throws IOException {
        PrefworkCliTest.Run json = cli("reward", "fit", ws.toString(), "--embedding-model", EMBEDDER, "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertThat(root.get("kind").asText()).isEqualTo("linear");
        assertThat(root.get("candidates").asInt()).isEqualTo(330);
        assertThat(root.get("folds").asInt()).isEqualTo(5);
        assertThat(root.get("labelledPrompts").asInt()).isEqualTo(24);
        double model = root.at("/pairwiseAccuracy/reward-model/accuracy").asDouble();
        assertThat(model).isGreaterThan(root.at("/pairwiseAccuracy/lf-majority/accuracy").asDouble())
                .isGreaterThan(root.at("/pairwiseAccuracy/length/accuracy").asDouble());
        assertThat(root.get("beatsBaselines").asBoolean()).isTrue();
        assertThat(root.at("/pairwiseAccuracy/reward-model/perFold").size()).isEqualTo(5);
        assertThat(root.at("/calibration/bins").size()).isEqualTo(10);
        assertThat(root.get("lengthSpearman").isNumber()).isTrue();
        assertThat(root.get("reviewFlagged").asInt()).isGreaterThanOrEqualTo(10);
        assertThat(root.get("lfVersionIds").size()).isEqualTo(16);
        assertThat(root.get("stale").asBoolean()).isFalse();

        PrefworkCliTest.Run show = cli("reward", "show", ws.toString(), "--weights");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("Reward model #" + root.get("id").asInt()).contains("up to date")
                .contains("Held-out pairwise accuracy").contains("LF majority vote").contains("Longer is better")
                .contains("beats both").contains("Calibration").contains("(bias)").contains("LF: Refusal or deflection");

        PrefworkCliTest.Run queue = cli("reward", "queue", ws.toString(), "--kind", "informative", "--limit", "5", "--json");
        assertThat(queue.code()).as(queue.err()).isZero();
        JsonNode items = new ObjectMapper().readTree(queue.out());
        assertThat(items.size()).isEqualTo(5);
        for (JsonNode i : items) assertThat(i.get("reason").asText()).startsWith("most informative: ");
        PrefworkCliTest.Run review = cli("reward", "queue", ws.toString());
        assertThat(review.code()).as(review.err()).isZero();
        assertThat(review.out()).doesNotContain("most informative").containsAnyOf("least sure", "contradicts");
        assertThat(cli("reward", "queue", ws.toString(), "--kind", "nope").code()).isEqualTo(2);

        Path out = dir.resolve("scores.jsonl");
        PrefworkCliTest.Run scores = cli("scores", ws.toString(), "--out", out.toString());
        assertThat(scores.code()).as(scores.err()).isZero();
        assertThat(scores.out()).contains("Wrote 330 scores");
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(330);
        ObjectMapper m = new ObjectMapper();
        Set<String> keys = new HashSet<>();
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            assertThat(n.fieldNames()).toIterable().containsExactly("prompt_id", "candidate_index", "model", "score", "p_good");
            assertThat(n.get("prompt_id").asText()).startsWith("demo-");
            assertThat(n.get("candidate_index").asInt()).isBetween(0, 4);
            assertThat(n.get("model").asText()).isNotBlank();
            double s = n.get("score").asDouble(), p = n.get("p_good").asDouble();
            assertThat(p).isCloseTo(1 / (1 + Math.exp(-s)), within(1e-5));
            keys.add(n.get("prompt_id").asText() + "#" + n.get("candidate_index").asInt());
        }
        assertThat(keys).hasSize(330).contains("demo-policy-01#0", "demo-policy-01#4");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(f -> f.endsWith(".tmp"));
    }

    @Test
    void aComparativeLfsPairVotesBecomeTheFitsPairTargets() throws IOException {
        Path other = dir.resolve("demo-comparative");
        assertThat(cli("init", other.toString(), "--demo").code()).isZero();
        Path file = dir.resolve("shorter.json");
        Files.writeString(file, """
                {"format":"prefwork-lfs","version":1,"lfs":[
                  {"name":"Much longer","aspect":"helpfulness","vote":"BAD","kind":"comparative","ratio":{"unit":"words","min":2}}]}
                """);
        assertThat(cli("lf", "add", other.toString(), "--file", file.toString()).code()).isZero();
        PrefworkCliTest.Run apply = cli("lf", "apply", other.toString(), "--json");
        assertThat(apply.code()).as(apply.err()).isZero();
        JsonNode lf = new ObjectMapper().readTree(apply.out()).get("pairLfs").get("lfs").get(0);
        int votes = lf.get("pairs").asInt();
        assertThat(votes).as("pairs with one side twice as long").isPositive();

        PrefworkCliTest.Run fit = cli("reward", "fit", other.toString(), "--embedding-model", EMBEDDER, "--json", "--no-review-queue");
        assertThat(fit.code()).as(fit.err()).isZero();
        // one LF: each pair it votes on is one target of weight 1 towards the longer side
        assertThat(new ObjectMapper().readTree(fit.out()).get("pairTargets").asInt()).isEqualTo(votes);
    }

    @Test
    void lengthControlGoldWeightKnnAndPairTargetFlagsReachTheFit() throws IOException {
        PrefworkCliTest.Run on = cli("reward", "fit", ws.toString(), "--embedding-model", EMBEDDER, "--json", "--length-control", "on",
                "--gold-weight", "4", "--knn", "off", "--pair-target-weight", "0.5", "--no-review-queue");
        assertThat(on.code()).as(on.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(on.out());
        assertThat(root.at("/lengthControl/mode").asText()).isEqualTo("on");
        assertThat(root.at("/lengthControl/applied").asBoolean()).isTrue();
        assertThat(root.at("/lengthControl/controlledSpearmanWithinPrompt").asDouble())
                .isEqualTo(root.at("/lengthSpearmanWithinPrompt").asDouble());
        assertThat(root.at("/goldWeight/used").asText()).isEqualTo("4");
        assertThat(root.at("/goldWeight/chosenByCrossValidation").asBoolean()).isFalse();
        assertThat(root.get("featureGroups")).extracting(JsonNode::asText).doesNotContain("gold-knn");
        assertThat(root.get("pairTargets").asInt()).isZero(); // the demo has no comparative LF

        PrefworkCliTest.Run auto = cli("reward", "fit", ws.toString(), "--embedding-model", EMBEDDER, "--json", "--length-control", "off",
                "--no-review-queue");
        assertThat(auto.code()).as(auto.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(auto.out());
        assertThat(a.at("/lengthControl/applied").asBoolean()).isFalse();
        assertThat(a.at("/lengthControl/plainSpearmanWithinPrompt").asDouble()).isEqualTo(a.at("/lengthSpearmanWithinPrompt").asDouble());
        assertThat(a.at("/goldWeight/chosenByCrossValidation").asBoolean()).isTrue();
        assertThat(a.at("/goldWeight/curve").size()).isEqualTo(6);
        assertThat(a.get("featureGroups")).extracting(JsonNode::asText).contains("gold-knn");
        PrefworkCliTest.Run text = cli("reward", "show", ws.toString());
        assertThat(text.out()).contains("Length control (off): off").contains("Gold weight: ").contains("chosen by k-fold");

        for (String[] bad : new String[][]{{"--length-control", "sometimes"}, {"--gold-weight", "-1"}, {"--knn", "maybe"},
                {"--pair-target-weight", "-2"}}) {
            PrefworkCliTest.Run r = cli("reward", "fit", ws.toString(), bad[0], bad[1]);
            assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains(bad[0].substring(2).replace("-", " ").split(" ")[0]);
        }
    }

    @Test
    void badInputIsNamedWithExitCode2() throws IOException {
        assertThat(cli("reward", "fit", dir.resolve("nowhere").toString()).code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        PrefworkCliTest.Run model = cli("reward", "fit", ws.toString(), "--model", "forest");
        assertThat(model.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(model.err()).contains("--model 'forest'");
        PrefworkCliTest.Run features = cli("reward", "fit", ws.toString(), "--features", "lf-votes,vibes");
        assertThat(features.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(features.err()).contains("unknown feature group 'vibes'");
        PrefworkCliTest.Run scorer = cli("reward", "fit", ws.toString(), "--scorer", dir.resolve("no-model").toString());
        assertThat(scorer.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(scorer.err()).contains("--scorer").contains("no such folder");
        PrefworkCliTest.Run folds = cli("reward", "fit", ws.toString(), "--folds", "1");
        assertThat(folds.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(folds.err()).contains("--folds");

        Path empty = dir.resolve("empty");
        assertThat(cli("init", empty.toString()).code()).isZero();
        PrefworkCliTest.Run none = cli("scores", empty.toString(), "--out", dir.resolve("x.jsonl").toString());
        assertThat(none.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(none.err()).contains("no reward model fitted");
        PrefworkCliTest.Run folder = cli("scores", ws.toString(), "--out", dir.resolve("missing").resolve("x.jsonl").toString());
        assertThat(folder.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(folder.err()).contains("does not exist");
        PrefworkCliTest.Run nothing = cli("reward", "fit", empty.toString());
        assertThat(nothing.code()).isEqualTo(PrefworkCli.EXIT_BAD_INPUT);
        assertThat(nothing.err()).contains("no candidates");

        for (String[] help : new String[][]{{"reward", "--help"}, {"reward", "fit", "--help"}, {"reward", "show", "--help"}, {"scores", "--help"}}) {
            PrefworkCliTest.Run r = cli(help);
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: prefwork " + String.join(" ", List.of(help).subList(0, help.length - 1)));
        }
        assertThat(cli("--help").out()).contains("reward").contains("scores");
    }
}
