package dev.prefwork.reward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.PairScorer;
import dev.prefwork.inference.ScoringService;
import dev.prefwork.labeling.analysis.GoldVector;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.features.FeatureBuilder;
import dev.prefwork.reward.features.FeatureColumn;
import dev.prefwork.reward.features.FeatureMatrix;
import dev.prefwork.reward.features.FeatureSpec;
import dev.prefwork.reward.features.Features;
import dev.prefwork.reward.features.Pca;
import dev.prefwork.reward.train.GoldPairs;
import dev.prefwork.reward.train.MlpScorer;
import dev.prefwork.reward.train.RewardLoss;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.LabelModelRunRepository;
import dev.prefwork.store.ReviewRepository;
import dev.prefwork.store.RewardModelRepository.ModelToSave;
import dev.prefwork.store.RewardModelRepository.Scores;
import dev.prefwork.store.RewardModelRepository.StoredModel;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.Workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reward models of one workspace (DESIGN §7): fits one on the features {@link FeatureBuilder} builds and the expert's
 * gold, evaluates it by k-fold beside the baselines, stores it with its scores per candidate and the data its metrics
 * came from, refills the needs-review queue, and answers what the Rankings view, the CLI and curation ask of it: the
 * latest model and whether it is stale, its scores for every candidate ({@link #latestScores()}), and its rankings
 * ({@link #rankings()}). Calls are serialised.
 */
public final class RewardService {

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** What the features JSON holds besides the columns. */
    record StoredFeatures(List<FeatureColumn> columns, List<ExplanationGroup> explanations, String embeddingModelId,
                          PcaLayout pca, List<String> notes, String otherScores) {
    }

    /**
     * Weak pairwise targets for the reward model's Bradley–Terry term: comparative labeling functions ("prefer the one
     * that follows the format the prompt asks for") say which of two candidates of a prompt is better. The composition
     * root supplies it; {@link #NONE} has none.
     */
    @FunctionalInterface
    public interface PairTargetSource {
        PairTargetSource NONE = progress -> List.of();

        /** The current pair targets over the workspace's candidates (applying what is not applied, with progress). */
        List<PairTarget> pairTargets(Progress progress);
    }

    /** Where the embedding components sit in the weights BLOB, after the scorer's parameters. */
    record PcaLayout(int dimension, int components) {
    }

    private final Workspace workspace;
    private final LabelingService labeling;
    private final LabelModelService labelModel;
    private final Function<String, EmbeddingModel> embeddingModels;
    private final Function<Path, PairScorer> externalScorers;
    private final PairTargetSource pairTargetSource;

    private Rankings cachedRankings;
    private FeatureBuilder features;
    private Scores cachedScores;

    /**
     * A service that reads models and scores only (curation, exports, the Compare view's badges): {@link #fit} needs
     * the labeling services and model openers of the other constructor.
     */
    public RewardService(Workspace workspace) {
        this(workspace, null, null, null, null, PairTargetSource.NONE);
    }

    /**
     * @param embeddingModels opens the embedding model a feature spec names ("bundled" or a folder)
     * @param externalScorers opens an external ONNX scorer from its folder (for the optional baseline)
     */
    public RewardService(Workspace workspace, LabelingService labeling, LabelModelService labelModel,
                         Function<String, EmbeddingModel> embeddingModels, Function<Path, PairScorer> externalScorers) {
        this(workspace, labeling, labelModel, embeddingModels, externalScorers, PairTargetSource.NONE);
    }

    /** @param pairTargets the comparative LFs' pair targets, added to each fit's own (see {@link FitRequest#pairTargets()}) */
    public RewardService(Workspace workspace, LabelingService labeling, LabelModelService labelModel,
                         Function<String, EmbeddingModel> embeddingModels, Function<Path, PairScorer> externalScorers,
                         PairTargetSource pairTargets) {
        this.pairTargetSource = pairTargets == null ? PairTargetSource.NONE : pairTargets;
        this.workspace = workspace;
        this.labeling = labeling;
        this.labelModel = labelModel;
        this.embeddingModels = embeddingModels;
        this.externalScorers = externalScorers;
    }

    // ---- fitting ------------------------------------------------------------------------------------------------

    /** Builds the features, fits, evaluates, stores the model with its scores (one transaction) and returns it. */
    public synchronized RewardModel fit(FitRequest request, Progress progress) {
        if (labeling == null) throw new IllegalStateException("this reward service only reads models; build it with the labeling services to fit");
        long t0 = System.nanoTime();
        String goldKey = workspace.bulk().goldKey();
        Features f = features().build(request.features(), request.refreshLabelModel(), progress);
        progress.checkCancelled();
        CandidateIndex index = f.index();
        BulkReader bulk = workspace.bulk();
        List<PromptGold> picks = bulk.goldPicks();
        GoldPairs pairs = GoldPairs.build(index, bulk.goldLabels(), picks, bulk.goldPreferences(), bulk.goldRatings());
        List<Long> best = new ArrayList<>(), worst = new ArrayList<>();
        for (PromptGold g : picks) {
            if (g.bestCandidateId() != null) best.add(g.bestCandidateId());
            if (g.worstCandidateId() != null) worst.add(g.worstCandidateId());
        }
        byte[] gold = GoldVector.build(index.candidateIds(), bulk.goldLabels(), best, worst);

        double[] external = null;
        String externalId = null;
        if (request.externalScorer() != null) {
            progress.update(0, -1, "Loading the external scorer");
            try (PairScorer scorer = externalScorers.apply(request.externalScorer())) {
                ScoringService scoring = new ScoringService(workspace);
                scoring.scoreMissing(scorer, progress);
                externalId = scorer.id();
                double[] ext = new double[index.rows()];
                Arrays.fill(ext, Double.NaN);
                scoring.forEachScore(scorer.id(), (score, candidateId) -> {
                    int r = index.rowOf(candidateId);
                    if (r >= 0) ext[r] = score.score();
                });
                external = ext;
            }
        }

        List<PairTarget> targets = new ArrayList<>(request.pairTargets());
        targets.addAll(pairTargetSource.pairTargets(progress));
        progress.checkCancelled();
        RewardFitter.Outcome o = RewardFitter.fit(f, pairs, gold, request.withPairTargets(targets), external, externalId, progress);
        progress.checkCancelled();
        progress.update(0, -1, "Saving the reward model");
        Scores scores = scores(f, o);
        double[] weights = weights(o.theta(), f.pca());
        RewardModel.Parameters params = new RewardModel.Parameters(request.kind(), request.l2(), request.embeddingPenalty(),
                request.lossWeights(), request.folds(), request.seed(), request.kind().equals(MlpScorer.KIND) ? request.hidden() : 0,
                request.maxIterations(), externalId);
        StoredFeatures features = new StoredFeatures(f.matrix().columns(), f.matrix().explanations(), f.embeddingModelId(),
                f.pca() == null ? null : new PcaLayout(f.pca().dimension(), f.pca().components()), o.metrics().notes(),
                o.otherScores() == null ? null : encode(o.otherScores()));
        long[] versions = f.votes() == null ? new long[0]
                : f.votes().columns().stream().mapToLong(c -> c.versionId()).toArray();
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        long id = workspace.rewardModels().save(new ModelToSave(request.kind(), json(f.spec()), json(features), json(params), weights,
                json(o.metrics()), f.labelModelRun() == null ? null : f.labelModelRun().id(), versions, f.candidateSet(), goldKey,
                elapsed, scores));
        RewardModel model = model(workspace.rewardModels().get(id).orElseThrow());
        cachedRankings = Rankings.of(model, scores, otherScores(id));
        if (request.updateReviewQueue()) {
            ReviewQueue.store(workspace, cachedRankings, cachedRankings.weigh(java.util.Map.of()));
        }
        progress.update(1, 1, "Done");
        return model;
    }

    /** One builder per service, so a refit on unchanged candidates reuses the texts' and embeddings' features. */
    private FeatureBuilder features() {
        if (features == null) features = new FeatureBuilder(workspace, labeling, labelModel, embeddingModels);
        return features;
    }

    /** The stored per-candidate arrays: final scores and contributions, and the held-out ones of the labelled prompts. */
    private static Scores scores(Features f, RewardFitter.Outcome o) {
        FeatureMatrix x = f.matrix();
        CandidateIndex index = f.index();
        int n = x.rows(), groups = x.explanations().size();
        int[] groupOf = x.explanationOfColumn();
        float[] contributions = new float[n * groups];
        // on the matrix the scores come from: with length control, length is at the median and explains no ranking
        o.scorer().contributions(o.scoring(), o.theta(), groupOf, groups, contributions);
        float[] score = new float[n], pGood = new float[n];
        for (int r = 0; r < n; r++) {
            score[r] = (float) o.scores()[r];
            pGood[r] = (float) RewardLoss.sigmoid(o.scores()[r]);
        }
        List<Integer> oofRows = new ArrayList<>();
        for (int r = 0; r < n; r++) if (!Double.isNaN(o.oof()[r])) oofRows.add(r);
        int m = oofRows.size();
        long[] oofIds = new long[m];
        float[] oofScore = new float[m];
        byte[] oofGold = new byte[m];
        float[] oofContrib = new float[m * groups];
        for (int k = 0; k < o.foldTheta().length; k++) {
            List<Integer> rows = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < m; i++) {
                int r = oofRows.get(i);
                if (o.foldOfPrompt()[index.promptOf(r)] == k) {
                    rows.add(r);
                    at.add(i);
                }
            }
            if (rows.isEmpty()) continue;
            FeatureMatrix sub = subset(o.scoring(), rows);
            float[] c = new float[rows.size() * groups];
            o.scorer().contributions(sub, o.foldTheta()[k], groupOf, groups, c);
            for (int i = 0; i < rows.size(); i++) System.arraycopy(c, i * groups, oofContrib, at.get(i) * groups, groups);
        }
        for (int i = 0; i < m; i++) {
            int r = oofRows.get(i);
            oofIds[i] = index.candidateId(r);
            oofScore[i] = (float) o.oof()[r];
            oofGold[i] = o.gold()[r];
        }
        List<GoldPairs.Pair> pairs = o.pairs().pairs();
        long[] winners = new long[pairs.size()], losers = new long[pairs.size()];
        float[] pairWeights = new float[pairs.size()];
        for (int k = 0; k < pairs.size(); k++) {
            winners[k] = index.candidateId(pairs.get(k).winner());
            losers[k] = index.candidateId(pairs.get(k).loser());
            pairWeights[k] = pairs.get(k).weight();
        }
        long[] promptIds = new long[n];
        for (int r = 0; r < n; r++) promptIds[r] = index.promptId(index.promptOf(r));
        return new Scores(index.candidateIds(), promptIds, index.chars().clone(), score, pGood, groups, contributions, oofIds, oofScore,
                oofContrib, oofGold, winners, losers, pairWeights);
    }

    private static FeatureMatrix subset(FeatureMatrix x, List<Integer> rows) {
        int d = x.cols();
        float[] v = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(x.data(), rows.get(i) * d, v, i * d, d);
        return new FeatureMatrix(rows.size(), x.columns(), x.explanations(), v);
    }

    /** θ, then the embedding components' mean and vectors (so a stored model can embed-and-score a new candidate). */
    private static double[] weights(double[] theta, Pca pca) {
        if (pca == null) return theta.clone();
        int dim = pca.dimension(), k = pca.components();
        double[] out = new double[theta.length + dim + k * dim];
        System.arraycopy(theta, 0, out, 0, theta.length);
        System.arraycopy(pca.mean(), 0, out, theta.length, dim);
        for (int i = 0; i < k; i++) System.arraycopy(pca.component(i), 0, out, theta.length + dim + i * dim, dim);
        return out;
    }

    // ---- reading models -----------------------------------------------------------------------------------------

    /** The newest model, with its staleness against the workspace as it is now. */
    public synchronized Optional<RewardModel> latest() {
        return workspace.rewardModels().latest().map(this::model);
    }

    public synchronized Optional<RewardModel> model(long id) {
        return workspace.rewardModels().get(id).map(this::model);
    }

    /** All models, newest first. */
    public synchronized List<RewardModel> models() {
        return workspace.rewardModels().list().stream().map(this::model).toList();
    }

    /**
     * The latest model's scores for every candidate it scored (ascending candidate ids), with its id, creation time
     * and staleness; empty before the first fit. This is what curation and exports read.
     */
    public synchronized Optional<RewardScores> latestScores() {
        Optional<RewardModel> m = latest();
        if (m.isEmpty()) return Optional.empty();
        Scores s = scoresOf(m.get());
        return Optional.of(new RewardScores(m.get().id(), m.get().createdAt(), m.get().stale(), m.get().staleness().reason(),
                s.candidateIds(), s.score(), s.pGood()));
    }

    /** The latest model's rankings, ready to re-weight; empty before the first fit. */
    public synchronized Optional<Rankings> rankings() {
        Optional<RewardModel> m = latest();
        if (m.isEmpty()) return Optional.empty();
        if (cachedRankings == null || cachedRankings.model().id() != m.get().id()) {
            cachedRankings = Rankings.of(m.get(), scoresOf(m.get()), otherScores(m.get().id()));
        }
        return Optional.of(cachedRankings.withModel(m.get()));
    }

    /** The model's stored scores, read once per model (they never change). */
    private Scores scoresOf(RewardModel m) {
        if (cachedRankings != null && cachedRankings.model().id() == m.id()) return cachedRankings.stored();
        if (cachedScores == null || cachedScoresId != m.id()) {
            cachedScores = workspace.rewardModels().scores(m.id())
                    .orElseThrow(() -> new IllegalStateException("reward model #" + m.id() + " has no stored scores"));
            cachedScoresId = m.id();
        }
        return cachedScores;
    }

    private long cachedScoresId = -1;

    /**
     * Stale when the enabled LFs' versions, the latest label-model run, the candidates or the gold differ from the
     * model's.
     */
    public synchronized RewardModel.Staleness staleness(StoredModel m) {
        List<String> reasons = new ArrayList<>();
        long[] current = workspace.labelingFunctions().list().stream().filter(StoredLf::enabled)
                .mapToLong(lf -> lf.current().id()).sorted().toArray();
        if (!Arrays.equals(current, m.lfVersionIds())) reasons.add("the labeling functions changed since this fit");
        Long latestRun = workspace.labelModelRuns().latest().map(LabelModelRunRepository.StoredRun::id).orElse(null);
        if (latestRun != null && !latestRun.equals(m.labelModelRunId())) reasons.add("a newer label model has been fitted");
        if (!workspace.bulk().candidateSetKey().equals(m.candidateSet())) reasons.add("the candidates changed");
        if (!workspace.bulk().goldKey().equals(m.goldKey())) reasons.add("your gold changed (new judgments are not in this fit yet)");
        return reasons.isEmpty() ? RewardModel.Staleness.FRESH : new RewardModel.Staleness(true, String.join("; ", reasons));
    }

    private RewardModel model(StoredModel m) {
        StoredFeatures features = parse(m.featuresJson(), StoredFeatures.class);
        RewardModel.Parameters params = parse(m.parametersJson(), RewardModel.Parameters.class);
        int d = features.columns().size();
        int size = m.kind().equals(MlpScorer.KIND) ? new MlpScorer(d, params.hidden()).size() : d + 1;
        return new RewardModel(m.id(), m.kind(), m.createdAt(), m.elapsedMs(), parse(m.featureSetJson(), FeatureSpec.class), params,
                features.columns(), features.explanations(), Arrays.copyOf(m.weights(), size), parse(m.metricsJson(), RewardMetrics.class),
                m.labelModelRunId(), m.lfVersionIds(), m.candidateSet(), m.goldKey(), m.rows(), features.embeddingModelId(),
                features.notes() == null ? List.of() : features.notes(), staleness(m));
    }

    /** The other ranking's scores stored with a model (see {@link RewardFitter.Outcome#otherScores()}), or null. */
    private float[] otherScores(long modelId) {
        return workspace.rewardModels().get(modelId).map(m -> parse(m.featuresJson(), StoredFeatures.class).otherScores())
                .map(RewardService::decode).orElse(null);
    }

    /** Floats as base64 (little-endian): the other ranking rides in the features JSON, so no schema change. */
    static String encode(double[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double d : v) b.putFloat((float) d);
        return java.util.Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String s) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(s)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) out[i] = b.getFloat();
        return out;
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T parse(String s, Class<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored reward model cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
