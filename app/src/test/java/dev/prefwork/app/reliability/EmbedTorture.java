package dev.prefwork.app.reliability;

import dev.prefwork.core.Progress;
import dev.prefwork.inference.EmbeddingService;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.OnnxEmbeddingModel;
import dev.prefwork.inference.Vectors;
import dev.prefwork.store.EmbeddingRepository;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.SyntheticDataset;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filling the embedding cache with the bundled MiniLM (one transaction per batch of 32 texts), importing a few
 * more prompts whenever nothing is left to embed. After a kill: every stored vector has the model's dimension,
 * finite values and unit length; every text hash is the SHA-256 of its text; the cache never shrinks; and an
 * acknowledged run left nothing pending for the texts it saw.
 */
final class EmbedTorture implements TortureOperation {

    private long vectorsBefore;

    @Override
    public void prepare(Path dir, Path scratch) {
        try (Workspace ws = Workspace.open(dir)) {
            Path file = SyntheticDataset.builder().prompts(20).candidatesPerPrompt(4).seed(13).build()
                    .writeJsonl(scratch.resolve("synthetic.jsonl")).file();
            new Importer(ws).importFile(file, Importer.Options.DETECT, Progress.NONE);
        }
    }

    @Override
    public int maxStepsBeforeKill() {
        return 2;
    }

    @Override
    public void work(ChildContext ctx) throws Exception {
        Path data = ctx.home();
        InferenceEnvironment.prepare(data);
        try (Workspace ws = ctx.openWorkspace(); OnnxEmbeddingModel model = OnnxEmbeddingModel.bundledMiniLm(InferenceSettings.defaults(data))) {
            EmbeddingService service = new EmbeddingService(ws);
            ctx.ready();
            for (int i = 0; ; i++) {
                ctx.journal().begin("embed");
                EmbeddingService.Report r = service.embedMissing(model, Progress.NONE);
                ctx.journal().ack("embed", r.computed(), r.pending());
                String name = "more-" + ctx.token() + "-" + i;
                Path file = SyntheticDataset.builder().prompts(6).candidatesPerPrompt(4).seed(ctx.random().nextLong()).idPrefix(name + "-").build()
                        .writeJsonl(ctx.scratch().resolve(name + ".jsonl")).file();
                ctx.journal().begin("import", name);
                new Importer(ws).importFile(file, new Importer.Options(null, name), Progress.NONE);
                ctx.journal().ack("import", name);
            }
        }
    }

    @Override
    public void check(CheckContext ctx) {
        Workspace ws = ctx.workspace();
        for (EmbeddingRepository.ModelInfo m : ws.embeddings().models()) {
            for (byte[] v : ws.jdbc().list("SELECT vector FROM embedding WHERE model_id = ?", rs -> rs.getBytes(1), m.key())) {
                float[] f = Vectors.fromBytes(v);
                assertThat(f).as("a vector of %s", m.name()).hasSize(m.dimension());
                double norm = Math.sqrt(Vectors.dot(f, f));
                assertThat(norm).as("a stored vector's length (normalised)").isBetween(0.999, 1.001);
            }
        }
        ws.jdbc().list("SELECT c.id, c.text, h.text_sha256 FROM candidate c JOIN candidate_text_hash h ON h.candidate_id = c.id",
                rs -> {
                    assertThat(Arrays.equals(rs.getBytes(3), EmbeddingRepository.sha256(rs.getString(2))))
                            .as("the text hash of candidate %d", rs.getLong(1)).isTrue();
                    return null;
                });
        ws.jdbc().list("SELECT p.id, p.text, h.text_sha256 FROM prompt p JOIN prompt_text_hash h ON h.prompt_id = p.id",
                rs -> {
                    assertThat(Arrays.equals(rs.getBytes(3), EmbeddingRepository.sha256(rs.getString(2))))
                            .as("the text hash of prompt %d", rs.getLong(1)).isTrue();
                    return null;
                });
        long vectors = ws.jdbc().count("SELECT COUNT(*) FROM embedding");
        assertThat(vectors).as("vectors in the cache (never fewer after a kill)").isGreaterThanOrEqualTo(vectorsBefore);
        vectorsBefore = vectors;
        boolean embeddedAll = false;
        for (Journal.Entry e : ctx.lastRun()) {
            if (e.kind().equals("ack") && e.field(0).equals("embed")) embeddedAll = true;
            if (e.kind().equals("begin") && e.field(0).equals("import")) embeddedAll = false;
        }
        if (embeddedAll) {
            int key = ws.embeddings().findModelKey(OnnxEmbeddingModel.BUNDLED_ID).orElseThrow();
            assertThat(ws.embeddings().countPending(key)).as("texts left unembedded after an acknowledged run").isZero();
        }
    }
}
