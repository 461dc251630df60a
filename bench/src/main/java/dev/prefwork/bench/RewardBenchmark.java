package dev.prefwork.bench;

import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.OnnxEmbeddingModel;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.FitRequest;
import dev.prefwork.reward.RewardModel;
import dev.prefwork.reward.RewardService;
import dev.prefwork.reward.features.FeatureBuilder;
import dev.prefwork.reward.features.FeatureMatrix;
import dev.prefwork.reward.features.Features;
import dev.prefwork.store.EmbeddingRepository;
import dev.prefwork.store.Workspace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Reward-model fit on 50K candidates (DESIGN §12: ≤ 10 s), beside two baselines measured in the same run on the same
 * data: reading the features it fits on (LF votes from memory, label-model P(GOOD) per aspect, 60K cached embedding
 * vectors, text statistics), and a plain least-squares (ridge, normal equations + Cholesky) fit of the soft labels on
 * the same feature matrix. The workspace: demo-shaped synthetic answers ({@link SyntheticAnswers}, five per prompt),
 * the demo's 16 starter LFs applied and a label model fitted (setup, not timed), gold best/worst picks on 5 % of the
 * prompts, and a 384-dimension vector per text stored in the embedding cache under the bundled model's id
 * (pseudo-random, seeded by the text: computing 60K real MiniLM vectors is the embedding benchmark's business, and
 * the fit only reads them). Prints Markdown and writes it into docs/BENCHMARKS.md (section "Reward model"). Run from
 * the repository root:
 * <pre>mvn -B -q -pl bench -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp-rw.txt
 * java -Xmx3g -cp "bench/target/classes:$(cat /tmp/cp-rw.txt)" dev.prefwork.bench.RewardBenchmark [candidates…] [--reps N] [--no-doc]</pre>
 */
public final class RewardBenchmark {

    private static final int DIM = 384;

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        List<Integer> sizes = new ArrayList<>();
        int reps = 3;
        boolean doc = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--no-doc" -> doc = false;
                default -> sizes.add((int) dev.prefwork.testkit.SyntheticDataset.parseCount(args[i]));
            }
        }
        if (sizes.isEmpty()) sizes.add(50_000);
        Path tmp = Files.createTempDirectory("prefwork-reward-bench-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Benchmarks.deleteTree(tmp), "bench-cleanup"));
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Env.summary()).append(". Load average ").append(String.format(Locale.ROOT, "%.1f", Env.load()))
                .append(" at the start (the machine is shared).\n\n");
        md.append("Data: demo-shaped synthetic answers (`SyntheticAnswers`, five per prompt), the 16 demo LFs applied and a label model"
                + " fitted (setup), gold best/worst picks on 5 % of the prompts, a cached 384-d vector per text. Default request: linear,"
                + " all feature groups (32 embedding components), 5 folds. **Features** = `FeatureBuilder.build` with the LF votes"
                + " in memory (what a refit in the workbench reads: texts measured, label-model aspects, embeddings streamed and"
                + " projected). **Least squares** = ridge normal equations + Cholesky on the same standardised matrix against the"
                + " soft labels (the simplest fit of that matrix). **Train + k-fold** = the reward model's own part: soft-label"
                + " pre-fit, final fit, five fold refits, metrics. **First fit** = `RewardService.fit` on a new service: features, training, k-fold,"
                + " contributions, storing the model and its scores, refilling the review queue (the LF votes are in memory, as after the"
                + " LF studio or a label-model fit). **Refit** = the same service fitting again (after a correction): texts and embeddings"
                + " are unchanged, so their features are kept. Medians of the runs listed.\n\n");
        md.append("| Candidates | Features (d) | Features read | Least squares | Train + k-fold | First fit | Refit | First fit ÷ features read | Train ÷ least squares | MLP first fit | Budget | Result |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        List<String> runs = new ArrayList<>();
        try {
            for (int n : sizes) {
                Path home = tmp.resolve("home-" + n);
                InferenceEnvironment.prepare(home);
                InferenceSettings settings = InferenceSettings.defaults(home);
                long s0 = System.nanoTime();
                try (Workspace ws = setup(tmp.resolve("ws-" + n), n)) {
                    double setupS = (System.nanoTime() - s0) / 1e9;
                    try (LabelingService labeling = new LabelingService(ws)) {
                        labeling.importLibrary(Path.of("assets/demo/lfs.json"));
                        LabelModelService labelModel = new LabelModelService(ws, labeling);
                        labelModel.fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
                        java.util.function.Supplier<RewardService> fresh = () -> new RewardService(ws, labeling, labelModel,
                                spec -> EmbeddingModels.open(spec, settings),
                                folder -> { throw new IllegalStateException("no external scorer in this benchmark"); });
                        FitRequest request = FitRequest.defaults();
                        // warm-up: every path once (JIT), not measured
                        fresh.get().fit(request, Progress.NONE);
                        double[] featuresS = new double[reps], lsqS = new double[reps], trainS = new double[reps], firstS = new double[reps],
                                refitS = new double[reps];
                        int d = 0;
                        for (int k = 0; k < reps; k++) {
                            CpuMeter.waitForQuiet(0.5, 20);
                            long t0 = System.nanoTime();
                            Features f = new FeatureBuilder(ws, labeling, labelModel, spec -> EmbeddingModels.open(spec, settings))
                                    .build(request.features(), false, Progress.NONE);
                            featuresS[k] = (System.nanoTime() - t0) / 1e9;
                            d = f.matrix().cols();
                            long t1 = System.nanoTime();
                            double[] w = leastSquares(f.matrix(), f.labelModelP(), request.l2());
                            lsqS[k] = (System.nanoTime() - t1) / 1e9;
                            if (!Double.isFinite(w[0])) throw new IllegalStateException("least squares failed");
                            RewardService service = fresh.get();
                            long t2 = System.nanoTime();
                            RewardModel m = service.fit(request, Progress.NONE);
                            firstS[k] = (System.nanoTime() - t2) / 1e9;
                            trainS[k] = m.metrics().training().trainMs() / 1000.0;
                            long t4 = System.nanoTime();
                            service.fit(request, Progress.NONE);
                            refitS[k] = (System.nanoTime() - t4) / 1e9;
                            runs.add(String.format(Locale.ROOT, "- %,d: features read %.2f s (%s), least squares %.2f s, train + k-fold %.2f s"
                                            + " (%d + %d iterations), first fit %.2f s, refit %.2f s; held-out accuracy %.3f on %,d pairs", n,
                                    featuresS[k], stages(f.timings()), lsqS[k], trainS[k], m.metrics().training().iterations(),
                                    m.metrics().training().foldIterations(), firstS[k], refitS[k], m.metrics().accuracy(), m.metrics().goldPairs()));
                            System.err.println(runs.get(runs.size() - 1));
                        }
                        double mlpS = Double.NaN;
                        if (n == sizes.get(0)) { // the optional MLP once, at the first size: it is many times slower
                            long t3 = System.nanoTime();
                            RewardModel mlp = fresh.get().fit(request.withKind("mlp"), Progress.NONE);
                            mlpS = (System.nanoTime() - t3) / 1e9;
                            runs.add(String.format(Locale.ROOT, "- %,d MLP (16 hidden): first fit %.1f s (train + k-fold %.1f s, %d + %d iterations),"
                                            + " held-out accuracy %.3f", n, mlpS, mlp.metrics().training().trainMs() / 1000.0,
                                    mlp.metrics().training().iterations(), mlp.metrics().training().foldIterations(), mlp.metrics().accuracy()));
                            System.err.println(runs.get(runs.size() - 1));
                        }
                        runs.add(String.format(Locale.ROOT, "- %,d: setup (workspace, LFs, label model, vectors) %.0f s, not timed", n, setupS));
                        double first = median(firstS), refit = median(refitS), feat = median(featuresS), lsq = median(lsqS), train = median(trainS);
                        md.append(String.format(Locale.ROOT, "| %,d | %d | %.2f s | %.2f s | %.2f s | **%.2f s** | **%.2f s** | %.1f× | %.1f× | %s | %s | %s |%n",
                                n, d, feat, lsq, train, first, refit, first / feat, train / lsq, Double.isNaN(mlpS) ? "–" : String.format(Locale.ROOT, "%.0f s", mlpS), n == 50_000 ? "≤ 10 s" : "–",
                                n == 50_000 ? (first <= 10 ? "pass" : refit <= 10 ? "refit passes, first fit over" : "FAIL") : "–"));
                    }
                }
            }
        } finally {
            Benchmarks.deleteTree(tmp);
        }
        md.append("\nRuns:\n\n");
        runs.forEach(r -> md.append(r).append('\n'));
        md.append(String.format(Locale.ROOT, "%nLoad average %.1f at the end.%n", Env.load()));
        System.out.println(md);
        if (doc) {
            Path file = BenchDoc.findRoot().resolve("docs").resolve("BENCHMARKS.md");
            BenchDoc.updateSection(file, "reward", "Reward model", md.toString());
            System.err.println("updated " + file);
        }
    }

    /** A workspace of n candidates (n / 5 prompts), gold picks on 5 % of the prompts, a vector per text. */
    static Workspace setup(Path dir, int n) throws SQLException {
        Corpus corpus = new SyntheticAnswers(2026).corpus(n / 5);
        Workspace ws = Workspace.open(dir);
        try (Connection c = ws.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(
                    "INSERT INTO dataset (id, name, format, imported_at) VALUES (1, 'bench', 'candidates', CURRENT_TIMESTAMP)")) {
                d.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO prompt (id, dataset_id, source_id, text, category) VALUES (?, 1, ?, ?, ?)");
                 PreparedStatement k = c.prepareStatement("INSERT INTO candidate (id, prompt_id, position, text, model) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < corpus.prompts(); i++) {
                    p.setLong(1, corpus.promptId(i));
                    p.setString(2, String.format(Locale.ROOT, "bench-%06d", i));
                    p.setString(3, corpus.promptText(i));
                    p.setString(4, corpus.promptCategory(i));
                    p.addBatch();
                    for (int j = 0; j < corpus.groupSize(i); j++) {
                        int row = corpus.groupRow(i, j);
                        k.setLong(1, corpus.candidateId(row));
                        k.setLong(2, corpus.promptId(i));
                        k.setInt(3, j);
                        k.setString(4, corpus.text(row));
                        k.setString(5, "model-" + j);
                        k.addBatch();
                    }
                    if (i % 1000 == 999) {
                        p.executeBatch();
                        k.executeBatch();
                    }
                }
                p.executeBatch();
                k.executeBatch();
            }
            c.commit();
        }
        // gold on every 20th prompt: best = the structured answer ("**Short answer:**"), worst = the shortest
        for (int i = 0; i < corpus.prompts(); i += 20) {
            long best = -1, worst = -1;
            int shortest = Integer.MAX_VALUE;
            for (int j = 0; j < corpus.groupSize(i); j++) {
                int row = corpus.groupRow(i, j);
                String t = corpus.text(row);
                if (t.startsWith("**Short answer:**")) best = corpus.candidateId(row);
                if (t.length() < shortest) {
                    shortest = t.length();
                    worst = corpus.candidateId(row);
                }
            }
            if (best > 0 && worst != best) ws.gold().setPromptGold(new PromptGold(corpus.promptId(i), best, worst, null), null);
        }
        // a vector per distinct text under the bundled model's id
        EmbeddingRepository repo = ws.embeddings();
        repo.hashNewTexts(5_000);
        int key = repo.modelKey(OnnxEmbeddingModel.BUNDLED_ID, DIM);
        List<byte[]> hashes = ws.jdbc().list("SELECT DISTINCT text_sha256 FROM (SELECT text_sha256 FROM candidate_text_hash"
                + " UNION SELECT text_sha256 FROM prompt_text_hash)", rs -> rs.getBytes(1));
        for (int from = 0; from < hashes.size(); from += 2000) {
            List<byte[]> page = hashes.subList(from, Math.min(hashes.size(), from + 2000));
            List<byte[]> vectors = new ArrayList<>(page.size());
            for (byte[] h : page) vectors.add(vector(h));
            repo.putVectors(key, page, vectors);
        }
        return ws;
    }

    /** A unit vector seeded by the text's hash, float32 little-endian as the cache stores it. */
    static byte[] vector(byte[] sha) {
        SplittableRandom r = new SplittableRandom(ByteBuffer.wrap(sha).getLong());
        float[] v = new float[DIM];
        double sq = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
            sq += v[i] * v[i];
        }
        ByteBuffer b = ByteBuffer.allocate(DIM * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat((float) (x / Math.sqrt(sq)));
        return b.array();
    }

    /** Ridge least squares of the soft labels on the matrix (rows with a label-model P(GOOD)): (XᵀX + λI) w = Xᵀq. */
    static double[] leastSquares(FeatureMatrix x, float[] q, double l2) {
        int n = x.rows(), d = x.cols() + 1;
        double[][] a = new double[d][d];
        double[] b = new double[d];
        float[] v = x.data();
        double[] row = new double[d];
        for (int r = 0; r < n; r++) {
            if (Float.isNaN(q[r])) continue;
            row[0] = 1;
            for (int j = 1; j < d; j++) row[j] = v[r * (d - 1) + j - 1];
            for (int i = 0; i < d; i++) {
                double ri = row[i];
                b[i] += ri * q[r];
                double[] ai = a[i];
                for (int j = i; j < d; j++) ai[j] += ri * row[j];
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) a[i][j] = a[j][i];
            if (i > 0) a[i][i] += l2 * n;
        }
        // Cholesky: a = L Lᵀ, then two triangular solves
        double[][] l = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                l[i][j] = i == j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j][j];
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * y[k];
            y[i] = s / l[i][i];
        }
        double[] w = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < d; k++) s -= l[k][i] * w[k];
            w[i] = s / l[i][i];
        }
        return w;
    }

    private static String stages(java.util.Map<String, Long> timings) {
        StringBuilder sb = new StringBuilder();
        timings.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v).append(" ms"));
        return sb.toString();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
