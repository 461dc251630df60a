package dev.prefwork.labeling.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.analysis.GoldVector;
import dev.prefwork.labeling.analysis.LfAnalysis;
import dev.prefwork.labeling.analysis.LfAnalysisReport;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.analysis.MatrixStats;
import dev.prefwork.labeling.model.AspectExplanation;
import dev.prefwork.labeling.model.AspectFit;
import dev.prefwork.labeling.model.AspectLabelModel;
import dev.prefwork.labeling.model.AspectPredictions;
import dev.prefwork.labeling.model.AspectResult;
import dev.prefwork.labeling.model.ClassPrior;
import dev.prefwork.labeling.model.DawidSkeneLabelModel;
import dev.prefwork.labeling.model.FitOptions;
import dev.prefwork.labeling.model.FittedLabelModel;
import dev.prefwork.labeling.model.LabelModel;
import dev.prefwork.labeling.model.LabelModels;
import dev.prefwork.labeling.model.LfEstimate;
import dev.prefwork.labeling.model.LfGroup;
import dev.prefwork.labeling.model.MergedFit;
import dev.prefwork.labeling.model.LogLinearModel;
import dev.prefwork.labeling.model.MajorityVote;
import dev.prefwork.labeling.model.MajorityVoteModel;
import dev.prefwork.labeling.model.SnorkelLabelModel;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.LabelModelRunRepository;
import dev.prefwork.store.LabelModelRunRepository.Predictions;
import dev.prefwork.store.LabelModelRunRepository.RunToSave;
import dev.prefwork.store.LabelModelRunRepository.StoredRun;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Fits label models on the enabled LFs' votes (one model per aspect, majority vote where an aspect has too few
 * LFs), stores each fit as a run with P(GOOD) per candidate, and answers what the Label model view, the CLI and
 * the Compare view ask of it: the latest run and whether it is stale, P(GOOD) of a candidate, why (the LFs'
 * contributions), the LF table (learned accuracy next to accuracy on gold), and the least-certain candidates.
 * Thread-safe (calls are serialised).
 */
public final class LabelModelService {

    /** Bins of the stored P(GOOD) histogram. */
    public static final int HISTOGRAM_BINS = 20;

    /** Where the class prior comes from. */
    public enum PriorSource {
        /** the GOOD rate on gold (estimated from the votes when there is too little gold) */
        GOLD,
        /** estimated by each model from the votes */
        ESTIMATED
    }

    /**
     * What to fit.
     *
     * @param kind          "snorkel", "majority" or "dawid-skene"
     * @param parameters    model parameters by name (snorkel: epochs, learningRate, momentum, precInit, l2;
     *                      dawid-skene: maxIterations, tolerance, smoothing); missing ones take the defaults
     * @param aspectWeights weight per aspect (missing: 1)
     */
    public record FitRequest(String kind, Map<String, Double> parameters, Map<String, Double> aspectWeights, PriorSource prior) {
        public FitRequest {
            Objects.requireNonNull(kind);
            parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
            aspectWeights = aspectWeights == null ? Map.of() : Map.copyOf(aspectWeights);
            prior = prior == null ? PriorSource.GOLD : prior;
        }

        public static FitRequest defaults() {
            return of(LabelModels.DEFAULT_KIND);
        }

        public static FitRequest of(String kind) {
            return new FitRequest(kind, Map.of(), Map.of(), PriorSource.GOLD);
        }
    }

    /** One candidate of the least-certain queue. */
    public record UncertainCandidate(long candidateId, long promptId, int position, double pGood) {
        public double certainty() {
            return Math.abs(pGood - 0.5);
        }
    }

    /** One LF's share of a candidate's P(GOOD) (log-odds for log-linear models, ±1 votes for majority vote). */
    public record Contribution(String name, String aspect, long lfId, byte vote, double contribution, double aspectShare) {
    }

    /** Why a candidate got its P(GOOD). */
    public record CandidateExplanation(long candidateId, double pGood, List<Contribution> contributions,
                                       AspectExplanation aspects) {
    }

    /** Fewest gold rows for the class prior to come from gold. */
    static final int MIN_GOLD_FOR_PRIOR = 10;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Workspace workspace;
    private final LabelingService labeling;

    private Predictions cachedPredictions;

    public LabelModelService(Workspace workspace, LabelingService labeling) {
        this.workspace = workspace;
        this.labeling = labeling;
    }

    // ---- fitting ------------------------------------------------------------------------------------------------

    public static LabelModel model(String kind, Map<String, Double> p) {
        return switch (kind) {
            case SnorkelLabelModel.KIND -> {
                SnorkelLabelModel.Parameters d = SnorkelLabelModel.Parameters.defaults();
                yield new SnorkelLabelModel(new SnorkelLabelModel.Parameters(
                        (int) Math.round(p.getOrDefault("epochs", (double) d.epochs())),
                        p.getOrDefault("learningRate", d.learningRate()), p.getOrDefault("momentum", d.momentum()),
                        p.getOrDefault("precInit", d.precInit()), p.getOrDefault("l2", d.l2())));
            }
            case DawidSkeneLabelModel.KIND -> {
                DawidSkeneLabelModel.Parameters d = DawidSkeneLabelModel.Parameters.defaults();
                yield new DawidSkeneLabelModel(new DawidSkeneLabelModel.Parameters(
                        (int) Math.round(p.getOrDefault("maxIterations", (double) d.maxIterations())),
                        p.getOrDefault("tolerance", d.tolerance()), p.getOrDefault("smoothing", d.smoothing())));
            }
            default -> LabelModels.byKind(kind);
        };
    }

    /** Applies what is not applied yet, fits, stores the run with its predictions (one transaction) and returns it. */
    public synchronized LabelModelRun fit(FitRequest request, Progress progress) {
        long t0 = System.nanoTime();
        LabelModel model = model(request.kind(), request.parameters());
        progress.update(0, 4, "Applying labeling functions");
        LfVotes votes = labeling.enabledVotes(progress);
        if (votes.columns().isEmpty()) {
            throw new IllegalStateException("no enabled labeling functions: write or enable some in the LF studio first");
        }
        progress.checkCancelled();
        progress.update(1, 4, "Fitting " + model.kind());
        byte[] gold = gold(votes.candidateIds());
        ClassPrior prior = prior(request.prior(), gold);
        FitOptions options = FitOptions.defaults().withClassPrior(prior);
        List<String> aspects = votes.columns().stream().map(LfVotes.Column::aspect).toList();
        List<LfGroups.Group> groups = LfGroups.read(workspace);
        AspectFit fit = new AspectLabelModel(model).fit(votes.matrix(), aspects, LfGroups.columns(groups, votes.columns()), options);
        progress.checkCancelled();
        progress.update(2, 4, "Predicting P(GOOD)");
        Map<String, Double> weights = new LinkedHashMap<>();
        for (AspectResult a : fit.aspects()) weights.put(a.aspect(), request.aspectWeights().getOrDefault(a.aspect(), 1.0));
        float[] pGood = fit.predict(votes.matrix(), weights);
        LfAnalysisReport analysis = LfAnalysis.analyze(votes.matrix(), gold);
        progress.checkCancelled();
        progress.update(3, 4, "Saving the run");

        List<LabelModelRun.Aspect> aspectRows = new ArrayList<>();
        LabelModelRun.Lf[] lfRows = new LabelModelRun.Lf[votes.columns().size()];
        double balanceSum = 0;
        for (AspectResult a : fit.aspects()) {
            FittedLabelModel m = a.model();
            int[] cols = a.lfs();
            aspectRows.add(new LabelModelRun.Aspect(a.aspect(), m.kind(), a.fallback(), a.reason(), cols.length, m.classBalance()));
            balanceSum += m.classBalance();
            List<LfEstimate> est = m.estimates();
            for (int k = 0; k < cols.length; k++) {
                LfVotes.Column c = votes.columns().get(cols[k]);
                LfStats s = analysis.lfs().get(cols[k]);
                LfEstimate e = est.get(k);
                lfRows[cols[k]] = new LabelModelRun.Lf(c.lfId(), c.versionId(), c.name(), c.aspect(), c.vote(), e.accuracy(),
                        s.empiricalAccuracy(), s.goldHits(), e.propensity(), e.goodWeight(), e.badWeight(), e.abstainWeight());
            }
        }
        double classBalance = prior instanceof ClassPrior.Fixed f ? f.pGood() : balanceSum / fit.aspects().size();
        LabelModelRun.Summary summary = summary(analysis.matrix(), pGood, gold);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("kind", model.kind());
        params.put("prior", request.prior().name().toLowerCase());
        params.put("priorMode", prior.mode());
        params.put("seed", options.seed());
        params.putAll(fit.aspects().stream().filter(a -> !a.fallback() && a.model().kind().equals(model.kind()))
                .findFirst().map(a -> modelParameters(a.model())).orElse(Map.of()));
        // the groups in force (by LF id): a stored run's merged groups are rebuilt from them (storedFit)
        params.put("groups", groups.stream().map(g -> Map.of("lfIds", g.lfIds(), "mode", g.mode())).toList());
        long[] versionIds = votes.columns().stream().mapToLong(LfVotes.Column::versionId).toArray();
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        long id = workspace.labelModelRuns().save(new RunToSave(model.kind(), classBalance, json(params), json(weights),
                json(aspectRows), json(Arrays.asList(lfRows)), json(summary), versionIds, votes.candidateSet(), elapsed,
                votes.candidateIds(), pGood));
        cachedPredictions = new Predictions(id, votes.candidateIds(), pGood);
        progress.update(4, 4, "Done");
        return latest().orElseThrow();
    }

    private static Map<String, Object> modelParameters(FittedLabelModel m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.parameters().forEach((k, v) -> {
            if (v == null || v instanceof Number || v instanceof String || v instanceof Boolean) out.put(k, v);
        });
        return out;
    }

    private ClassPrior prior(PriorSource source, byte[] gold) {
        if (source == PriorSource.ESTIMATED) return ClassPrior.estimated();
        int good = 0, total = 0;
        for (byte g : gold) {
            if (g != 0) total++;
            if (g > 0) good++;
        }
        if (total < MIN_GOLD_FOR_PRIOR) return ClassPrior.estimated();
        // Laplace-smoothed and kept off the edges: the prior enters the models as log-odds
        double p = (good + 1.0) / (total + 2.0);
        return ClassPrior.fixed(Math.max(0.02, Math.min(0.98, p)));
    }

    static LabelModelRun.Summary summary(MatrixStats m, float[] pGood, byte[] gold) {
        int[] hist = new int[HISTOGRAM_BINS];
        int predictedGood = 0, goldRows = 0, agree = 0;
        for (int r = 0; r < pGood.length; r++) {
            float p = pGood[r];
            hist[Math.min(HISTOGRAM_BINS - 1, Math.max(0, (int) (p * HISTOGRAM_BINS)))]++;
            if (p > 0.5f) predictedGood++;
            if (gold[r] != 0) {
                goldRows++;
                if ((p > 0.5f) == (gold[r] > 0) && p != 0.5f) agree++;
            }
        }
        return new LabelModelRun.Summary(m.rows(), m.coveredRows(), m.overlapRows(), m.conflictRows(), m.labelCoverage(),
                m.labelOverlap(), m.labelConflict(), goldRows, goldRows == 0 ? Double.NaN : (double) agree / goldRows,
                predictedGood, hist);
    }

    private byte[] gold(long[] candidateIds) {
        BulkReader bulk = workspace.bulk();
        List<Long> best = new ArrayList<>();
        List<Long> worst = new ArrayList<>();
        for (PromptGold g : bulk.goldPicks()) {
            if (g.bestCandidateId() != null) best.add(g.bestCandidateId());
            if (g.worstCandidateId() != null) worst.add(g.worstCandidateId());
        }
        return GoldVector.build(candidateIds, bulk.goldLabels(), best, worst);
    }

    // ---- reading runs -------------------------------------------------------------------------------------------

    /** The newest run, with its staleness against the workspace as it is now. */
    public synchronized Optional<LabelModelRun> latest() {
        return workspace.labelModelRuns().latest().map(this::read);
    }

    public synchronized Optional<LabelModelRun> run(long id) {
        return workspace.labelModelRuns().get(id).map(this::read);
    }

    /** All runs, newest first. */
    public synchronized List<LabelModelRun> runs() {
        return workspace.labelModelRuns().list().stream().map(this::read).toList();
    }

    /**
     * Stale when the enabled LFs' current versions or the candidate set differ from the run's: an LF edited,
     * enabled, disabled, added or deleted, or candidates imported.
     */
    public synchronized LabelModelRun.Staleness staleness(long[] runVersionIds, String runCandidateSet) {
        long[] current = workspace.labelingFunctions().list().stream().filter(StoredLf::enabled)
                .mapToLong(lf -> lf.current().id()).sorted().toArray();
        long[] used = runVersionIds.clone();
        Arrays.sort(used);
        List<String> reasons = new ArrayList<>();
        if (!Arrays.equals(current, used)) {
            int added = 0, removed = 0;
            for (long v : current) if (Arrays.binarySearch(used, v) < 0) added++;
            for (long v : used) if (Arrays.binarySearch(current, v) < 0) removed++;
            reasons.add("the labeling functions changed since this fit (" + added + " LF version"
                    + (added == 1 ? "" : "s") + " new or enabled, " + removed + " edited away or disabled)");
        }
        String set = workspace.bulk().candidateSetKey();
        if (!set.equals(runCandidateSet)) reasons.add("the candidates changed since this fit");
        return reasons.isEmpty() ? LabelModelRun.Staleness.FRESH : new LabelModelRun.Staleness(true, String.join("; ", reasons));
    }

    private LabelModelRun read(StoredRun r) {
        Map<String, Object> params = parse(r.parametersJson(), new TypeReference<LinkedHashMap<String, Object>>() { });
        return new LabelModelRun(r.id(), r.kind(), r.createdAt(), r.elapsedMs(), r.classBalance(),
                String.valueOf(params.getOrDefault("priorMode", "estimated")), params,
                parse(r.aspectWeightsJson(), new TypeReference<LinkedHashMap<String, Double>>() { }),
                parse(r.aspectsJson(), new TypeReference<List<LabelModelRun.Aspect>>() { }),
                parse(r.lfsJson(), new TypeReference<List<LabelModelRun.Lf>>() { }),
                parse(r.summaryJson(), new TypeReference<LabelModelRun.Summary>() { }),
                r.lfVersionIds(), r.candidateSet(), staleness(r.lfVersionIds(), r.candidateSet()));
    }

    // ---- predictions --------------------------------------------------------------------------------------------

    /** P(GOOD) per candidate of the latest run (ids ascending), or empty before the first fit. */
    public synchronized Optional<Predictions> predictions() {
        Optional<StoredRun> latest = workspace.labelModelRuns().latest();
        if (latest.isEmpty()) return Optional.empty();
        if (cachedPredictions == null || cachedPredictions.runId() != latest.get().id()) {
            cachedPredictions = workspace.labelModelRuns().predictions(latest.get().id()).orElse(null);
        }
        return Optional.ofNullable(cachedPredictions);
    }

    /** P(GOOD) of one candidate in the latest run; empty before the first fit or for a candidate it did not cover. */
    public synchronized OptionalDouble pGood(long candidateId) {
        return predictions().map(p -> p.pGood(candidateId)).filter(p -> !Float.isNaN(p))
                .map(p -> OptionalDouble.of(p)).orElse(OptionalDouble.empty());
    }

    /** The {@code limit} candidates whose P(GOOD) is nearest 0.5 in the latest run, least certain first. */
    public synchronized List<UncertainCandidate> leastCertain(int limit) {
        Optional<Predictions> pred = predictions();
        if (pred.isEmpty() || limit <= 0) return List.of();
        long[] ids = pred.get().candidateIds();
        float[] p = pred.get().pGood();
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(Math.abs(p[a] - 0.5f), Math.abs(p[b] - 0.5f));
            return c != 0 ? c : Long.compare(ids[a], ids[b]);
        });
        int n = Math.min(limit, order.length);
        Long[] chosen = new Long[n];
        for (int i = 0; i < n; i++) chosen[i] = ids[order[i]];
        Map<Long, long[]> where = new HashMap<>();
        if (n > 0) {
            workspace.jdbc().list("SELECT id, prompt_id, position FROM candidate WHERE id = ANY(?)",
                    rs -> where.put(rs.getLong(1), new long[]{rs.getLong(2), rs.getInt(3)}), (Object) chosen);
        }
        List<UncertainCandidate> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long[] w = where.getOrDefault(chosen[i], new long[]{-1, -1});
            out.add(new UncertainCandidate(chosen[i], w[0], (int) w[1], p[order[i]]));
        }
        return out;
    }

    /**
     * Why the latest run gave a candidate its P(GOOD): each LF's contribution, rebuilt from the stored estimates
     * on the current votes.
     *
     * @throws IllegalStateException before the first fit, or when the run is stale (refit first)
     */
    public synchronized CandidateExplanation explain(long candidateId, Progress progress) {
        LabelModelRun run = latest().orElseThrow(() -> new IllegalStateException("no label model has been fitted yet"));
        if (run.stale()) throw new IllegalStateException("the label model is stale: " + run.staleness().reason() + "; refit first");
        LfVotes votes = labeling.enabledVotes(progress);
        int row = Arrays.binarySearch(votes.candidateIds(), candidateId);
        if (row < 0) throw new IllegalArgumentException("no candidate " + candidateId);
        VoteMatrix matrix = runColumns(run, votes);
        AspectFit fit = storedFit(run);
        List<AspectResult> results = fit.aspects();
        AspectExplanation e = fit.explain(matrix, row, run.aspectWeights());
        List<Contribution> contributions = new ArrayList<>();
        for (int p = 0; p < e.parts().size(); p++) {
            AspectExplanation.Part part = e.parts().get(p);
            int[] lfIdx = results.get(p).lfs();
            for (int k = 0; k < lfIdx.length; k++) {
                LabelModelRun.Lf lf = run.lfs().get(lfIdx[k]);
                byte v = matrix.get(row, lfIdx[k]);
                if (v == VoteMatrix.ABSTAIN && part.explanation().contribution(k) == 0) continue;
                contributions.add(new Contribution(lf.name(), lf.aspect(), lf.lfId(), v, part.explanation().contribution(k), part.share()));
            }
        }
        return new CandidateExplanation(candidateId, e.pGood(), contributions, e);
    }

    /**
     * How much each LF decides the latest fit and what it predicts, aligned to {@code votes}: per column the share
     * of the mean |contribution| to the rows' combined log-odds (aspect shares applied; a merged group's share is
     * split among its members), and per row the stored P(GOOD). Measured on at most {@value #INFLUENCE_ROWS}
     * evenly spaced rows. Empty before the first fit or when the run is stale.
     */
    public synchronized Optional<Influence> influence(LfVotes votes) {
        Optional<LabelModelRun> latest = latest();
        if (latest.isEmpty() || latest.get().stale()) return Optional.empty();
        LabelModelRun run = latest.get();
        VoteMatrix matrix = runColumns(run, votes);
        AspectFit fit = storedFit(run);
        int n = matrix.rows();
        int step = Math.max(1, (n + INFLUENCE_ROWS - 1) / INFLUENCE_ROWS);
        double[] runShare = new double[run.lfs().size()];
        for (int row = 0; row < n; row += step) {
            AspectExplanation e = fit.explain(matrix, row, run.aspectWeights());
            for (int p = 0; p < e.parts().size(); p++) {
                AspectExplanation.Part part = e.parts().get(p);
                int[] lfIdx = fit.aspects().get(p).lfs();
                for (int k = 0; k < lfIdx.length; k++) runShare[lfIdx[k]] += Math.abs(part.share() * part.explanation().contribution(k));
            }
        }
        double total = Arrays.stream(runShare).sum();
        Map<Long, Integer> runIndex = new HashMap<>();
        for (int i = 0; i < run.lfs().size(); i++) runIndex.put(run.lfs().get(i).versionId(), i);
        double[] share = new double[votes.columns().size()];
        for (int c = 0; c < share.length; c++) {
            Integer i = runIndex.get(votes.columns().get(c).versionId());
            share[c] = i == null || total == 0 ? 0 : runShare[i] / total;
        }
        float[] pGood = new float[n];
        Predictions pred = predictions().orElseThrow();
        long[] ids = votes.candidateIds();
        for (int r = 0; r < n; r++) pGood[r] = pred.pGood(ids[r]);
        return Optional.of(new Influence(run.id(), share, pGood));
    }

    /** Rows {@link #influence} reads at most. */
    static final int INFLUENCE_ROWS = 20_000;

    /** See {@link #influence}. */
    public record Influence(long runId, double[] share, float[] pGood) {
    }

    /**
     * Each aspect's P(GOOD) on {@code votes} from a stored run's estimates (what the run would predict now), for the
     * reward model's per-aspect features.
     *
     * @throws IllegalArgumentException when {@code votes} lack one of the run's LF versions (the run is stale)
     */
    public static AspectPredictions aspectPredictions(LabelModelRun run, LfVotes votes) {
        return storedFit(run).predictAspects(runColumns(run, votes));
    }

    /** The run's LF columns, in the run's order, taken from the current votes. */
    private static VoteMatrix runColumns(LabelModelRun run, LfVotes votes) {
        Map<Long, Integer> colOfVersion = new HashMap<>();
        for (int i = 0; i < votes.columns().size(); i++) colOfVersion.put(votes.columns().get(i).versionId(), i);
        int[] cols = new int[run.lfs().size()];
        for (int i = 0; i < cols.length; i++) {
            Integer c = colOfVersion.get(run.lfs().get(i).versionId());
            if (c == null) throw new IllegalArgumentException("the label-model run #" + run.id() + " used LF version "
                    + run.lfs().get(i).versionId() + " (" + run.lfs().get(i).name() + "), which is no longer enabled; refit it first");
            cols[i] = c;
        }
        return votes.matrix().select(cols);
    }

    /** The per-aspect models of a stored run, rebuilt from its estimates (columns: the run's LFs in its order). */
    private static AspectFit storedFit(LabelModelRun run) {
        List<AspectResult> results = new ArrayList<>();
        for (LabelModelRun.Aspect a : run.aspects()) {
            List<Integer> idx = new ArrayList<>();
            List<LfEstimate> est = new ArrayList<>();
            for (int i = 0; i < run.lfs().size(); i++) {
                LabelModelRun.Lf lf = run.lfs().get(i);
                if (lf.aspect().equals(a.aspect())) {
                    idx.add(i);
                    est.add(new LfEstimate(lf.learnedAccuracy(), lf.propensity(), lf.goodWeight(), lf.badWeight(), lf.abstainWeight()));
                }
            }
            List<int[]> units = mergedUnits(run, idx, a.kind().equals(MajorityVote.KIND));
            FittedLabelModel m;
            if (units == null) {
                m = unitModel(a, est);
            } else {
                // a merged group's members all carry the group's estimate: the unit model takes it once
                List<LfEstimate> unitEst = units.stream().map(u -> est.get(u[0])).toList();
                m = new MergedFit(idx.size(), units, unitModel(a, unitEst));
            }
            results.add(new AspectResult(a.aspect(), idx.stream().mapToInt(Integer::intValue).toArray(), m, a.fallback(), a.reason()));
        }
        return new AspectFit(results);
    }

    private static FittedLabelModel unitModel(LabelModelRun.Aspect a, List<LfEstimate> est) {
        return a.kind().equals(MajorityVote.KIND)
                ? new MajorityVoteModel(a.classBalance(), est, Map.of())
                : new LogLinearModel(a.kind(), a.classBalance(), est, Map.of());
    }

    /**
     * The units (positions in {@code aspectLfs}) of a run's aspect when it merged groups; null when it merged none.
     * Majority vote merged every group (it has no weights to divide); the other models only the "merge" ones.
     */
    static List<int[]> mergedUnits(LabelModelRun run, List<Integer> aspectLfs, boolean majority) {
        if (!(run.parameters().get("groups") instanceof List<?> stored) || stored.isEmpty()) return null;
        int[] groupOf = new int[aspectLfs.size()];
        Arrays.fill(groupOf, -1);
        int g = 0;
        boolean any = false;
        for (Object o : stored) {
            if (!(o instanceof Map<?, ?> map)) continue;
            boolean merge = majority || LfGroup.Mode.parse(String.valueOf(map.get("mode"))) == LfGroup.Mode.MERGE;
            List<?> ids = map.get("lfIds") instanceof List<?> l ? l : List.of();
            List<Integer> members = new ArrayList<>();
            for (int k = 0; k < aspectLfs.size(); k++) {
                long lfId = run.lfs().get(aspectLfs.get(k)).lfId();
                if (ids.stream().anyMatch(x -> x instanceof Number n && n.longValue() == lfId)) members.add(k);
            }
            if (merge && members.size() >= 2) {
                for (int k : members) groupOf[k] = g;
                any = true;
            }
            g++;
        }
        if (!any) return null;
        List<int[]> units = new ArrayList<>();
        boolean[] done = new boolean[g];
        for (int k = 0; k < groupOf.length; k++) {
            if (groupOf[k] < 0) units.add(new int[]{k});
            else if (!done[groupOf[k]]) {
                done[groupOf[k]] = true;
                int gk = groupOf[k];
                units.add(java.util.stream.IntStream.range(0, groupOf.length).filter(x -> groupOf[x] == gk).toArray());
            }
        }
        return units;
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T parse(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored label-model run cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
