package dev.prefwork.inference.lf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingLookup;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.OnnxEmbeddingModel;
import dev.prefwork.labeling.engine.ApplyResult;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The model-based LF templates on small imported workspaces, through the LF engine as the app runs them. */
class ModelScoreProvidersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void similarToExemplarsVotesOnParaphrasesAndNotOnUnrelatedTexts() throws Exception {
        Path jsonl = dir.resolve("refusals.jsonl");
        Files.writeString(jsonl, line("p1", "Can you write my exam essay for me?",
                "Sorry, I can't help with that request.",
                "Paris is the capital of France and its largest city.")
                + line("p2", "How do I cook pasta?",
                "Boil salted water, add the pasta and cook it for about ten minutes.",
                "I'm unable to assist with this request, sorry."));
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            new Importer(ws).importFile(jsonl, Importer.Options.DETECT, Progress.NONE);
            Corpus corpus = corpusOf(ws, 2);
            LfEngine.Config config = ModelScoreProviders.engineConfig(ws, InferenceSettings.defaults(dir));
            LfSpec refusal = spec("""
                    {"name": "refusal-like", "aspect": "helpfulness", "vote": "BAD",
                     "when": {"type": "model_score", "provider": "embedding_similarity",
                              "params": {"exemplars": ["I cannot help with that request.", "I'm sorry, but I can't assist with this."]},
                              "min": 0.6}}""");
            LfSpec onTopic = spec("""
                    {"name": "on-topic", "aspect": "helpfulness", "vote": "GOOD",
                     "when": {"type": "model_score", "provider": "prompt_similarity", "params": {}, "min": 0.3}}""");
            assertThat(LfEngine.validate(refusal, config)).isEmpty();
            try (LfEngine engine = new LfEngine(corpus, config)) {
                ApplyResult r = engine.apply(List.of(refusal, onTopic), Progress.NONE);
                assertThat(r.columns()).allMatch(ApplyResult.Column::ok);
                // rows: p1 refusal, p1 Paris, p2 pasta recipe, p2 refusal
                assertThat(r.matrix().column(0)).containsExactly(-1, 0, 0, -1);
                assertThat(r.matrix().column(1)[2]).isEqualTo((byte) 1);
                assertThat(r.matrix().column(1)[1]).isEqualTo((byte) 0);
            }
            // Every text was embedded into the cache on the way.
            assertThat(new EmbeddingLookup(ws).coverage(OnnxEmbeddingModel.BUNDLED_ID).complete()).isTrue();
        }
    }

    @Test
    void externalScoreReadsTheScorerAndScoresMissingCandidates() throws Exception {
        JsonNode pairs = JSON.readTree(tinyModels().resolve("expected.json").toFile()).get("pairs");
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < pairs.size(); i++) {
            // The importer needs two candidates a prompt: the fixture's pair first, a filler second.
            jsonl.append(line("p" + i, pairs.get(i).get("prompt").asText(), pairs.get(i).get("response").asText(), "filler " + i));
        }
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, jsonl);
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
            Corpus corpus = corpusOf(ws, pairs.size());
            ExternalScoreProvider provider = new ExternalScoreProvider(ws, InferenceSettings.defaults(dir));
            ObjectNode params = JSON.createObjectNode().put("scorer", tinyModels().resolve("scorer-one-logit").toString());
            assertThat(provider.validate(params)).isEmpty();
            float[] scores = provider.scores(params, corpus, Progress.NONE);
            for (int i = 0; i < pairs.size(); i++) {
                assertThat((double) scores[2 * i]).isCloseTo(pairs.get(i).get("one_logit").asDouble(), within(1e-4));
            }
            LfSpec high = spec("""
                    {"name": "scorer-likes-it", "aspect": "helpfulness", "vote": "GOOD",
                     "when": {"type": "model_score", "provider": "external_score", "params": %s, "min": 0.5}}""".formatted(params));
            try (LfEngine engine = new LfEngine(corpus, ModelScoreProviders.engineConfig(ws, InferenceSettings.defaults(dir)))) {
                byte[] votes = engine.apply(List.of(high), Progress.NONE).matrix().column(0);
                for (int i = 0; i < pairs.size(); i++) {
                    assertThat(votes[2 * i]).isEqualTo((byte) (pairs.get(i).get("one_logit").asDouble() >= 0.5 ? 1 : 0));
                }
            }
        }
    }

    @Test
    void badParamsAreSpecErrorsOnTheirFields() {
        LfEngine.Config config = ModelScoreProviders.engineConfig(null, InferenceSettings.defaults(dir));
        List<SpecError> emptyExemplars = LfEngine.validate(spec("""
                {"name": "x", "aspect": "helpfulness", "vote": "BAD",
                 "when": {"type": "model_score", "provider": "embedding_similarity", "params": {"exemplars": []}, "min": 0.6}}"""), config);
        assertThat(emptyExemplars).extracting(SpecError::path).containsExactly("params.exemplars");

        String missing = dir.resolve("no-such-scorer").toString().replace("\\", "\\\\");
        List<SpecError> missingFolder = LfEngine.validate(spec("""
                {"name": "x", "aspect": "helpfulness", "vote": "GOOD",
                 "when": {"type": "model_score", "provider": "external_score", "params": {"scorer": "%s"}, "min": 0.5}}""".formatted(missing)), config);
        assertThat(missingFolder).extracting(SpecError::path).containsExactly("params.scorer");
        assertThat(missingFolder.get(0).message()).contains("no folder");

        ObjectNode badModel = JSON.createObjectNode().put("model", dir.resolve("nope").toString());
        assertThat(new PromptSimilarityProvider(null, InferenceSettings.defaults(dir)).validate(badModel))
                .extracting(SpecError::path).containsExactly("model");
    }

    private static String line(String id, String prompt, String... candidates) throws Exception {
        ObjectNode o = JSON.createObjectNode().put("id", id).put("prompt", prompt);
        ArrayNode cs = o.putArray("candidates");
        for (String c : candidates) cs.addObject().put("text", c);
        return JSON.writeValueAsString(o) + "\n";
    }

    private static Corpus corpusOf(Workspace ws, int prompts) {
        Corpus.Builder b = Corpus.builder();
        List<Candidate> all = new ArrayList<>();
        for (long p = 1; p <= prompts; p++) {
            b.prompt(p, "prompt " + p, null);
            all.addAll(ws.candidates().forPrompt(p));
        }
        for (Candidate c : all) b.candidate(c.id(), c.promptId(), c.text());
        return b.build();
    }

    private static LfSpec spec(String json) {
        LfJson.Parsed<LfSpec> parsed = LfJson.parseSpec(json);
        assertThat(parsed.errors()).isEmpty();
        return parsed.value();
    }

    private static Path tinyModels() throws URISyntaxException {
        return Path.of(ModelScoreProvidersTest.class.getResource("/tiny-models/expected.json").toURI()).getParent();
    }
}
