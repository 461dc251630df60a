package dev.prefwork.curation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.curation.pairs.CurationData;
import dev.prefwork.curation.pairs.CurationRequest;
import dev.prefwork.curation.pairs.CurationResult;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.curation.pairs.PairBuilder;
import dev.prefwork.curation.pairs.Strategy;
import dev.prefwork.curation.pairs.TiePolicy;
import dev.prefwork.curation.ranking.Ranking;
import dev.prefwork.curation.ranking.RankingSource;
import dev.prefwork.labeling.service.LabelModelRun;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.LfVoteRepository.StoredVotes;
import dev.prefwork.store.PairSetRepository;
import dev.prefwork.store.PairSetRepository.PairRows;
import dev.prefwork.store.PairSetRepository.PairSetToSave;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.StoredLfVersion;
import dev.prefwork.store.Workspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pair curation for one workspace: reads what pair building needs once per ranking (candidate shapes, scores,
 * the BAD LFs' evidence; gold is read fresh every time), builds previews, saves pair sets with their provenance
 * and lists them. Ranking sources are given in priority order: the first that has a ranking is the default.
 * Thread-safe (calls are serialised).
 */
public final class CurationService {

    private final Workspace workspace;
    private final LabelModelService labelModel;
    private final List<RankingSource> sources;

    private CurationData cached;
    private String cachedKey;

    /** @param sources ranking sources, most preferred first (the reward model before the label model) */
    public CurationService(Workspace workspace, LabelModelService labelModel, List<RankingSource> sources) {
        this.workspace = workspace;
        this.labelModel = labelModel;
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) throw new IllegalArgumentException("no ranking sources");
    }

    public Workspace workspace() {
        return workspace;
    }

    public LabelModelService labelModel() {
        return labelModel;
    }

    public List<RankingSource> sources() {
        return sources;
    }

    public Optional<RankingSource> source(String id) {
        return sources.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** The first source, in priority order, that has a ranking now. */
    public synchronized Optional<RankingSource> defaultSource(Progress progress) {
        for (RankingSource s : sources) if (s.load(progress).isPresent()) return Optional.of(s);
        return Optional.empty();
    }

    // ---- building ----------------------------------------------------------------------------------------------

    /**
     * What pair building reads, for {@code source}'s latest ranking; cached until the ranking or the candidates
     * change (gold is re-read on every call).
     *
     * @throws InputException when the source has no ranking yet
     */
    public synchronized CurationData data(RankingSource source, Progress progress) {
        Ranking ranking = source.load(progress).orElseThrow(() -> new InputException("nothing to rank with yet: "
                + (source.id().equals("label-model") ? "fit a label model first (Label model step, or `prefwork label-model fit`)"
                : source.title() + " has no model yet")));
        BulkReader bulk = workspace.bulk();
        Optional<LabelModelRun> run = labelModel.latest();
        String key = source.id() + ":" + ranking.version() + ":" + ranking.stale() + ":" + bulk.quickSignature() + ":"
                + run.map(LabelModelRun::id).orElse(-1L);
        if (cached == null || !key.equals(cachedKey)) {
            cached = load(ranking, run.orElse(null), progress);
            cachedKey = key;
        }
        return withGold(cached, bulk.goldPicks());
    }

    private CurationData load(Ranking ranking, LabelModelRun run, Progress progress) {
        BulkReader.Shapes shapes = workspace.bulk().shapes(progress);
        int n = shapes.size();
        long[] ids = shapes.candidateIds();
        long[] prompts = shapes.promptIds();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) if (i == 0 || prompts[i] != prompts[i - 1]) starts.add(i);
        int[] groupStart = new int[starts.size() + 1];
        for (int g = 0; g < starts.size(); g++) groupStart[g] = starts.get(g);
        groupStart[starts.size()] = n;
        double[] score = new double[n];
        double[] pGood = new double[n];
        for (int i = 0; i < n; i++) {
            int r = ranking.indexOf(ids[i]);
            score[i] = r < 0 ? Double.NaN : ranking.scores()[r];
            pGood[i] = r < 0 ? Double.NaN : ranking.pGood()[r];
        }
        progress.checkCancelled();

        // BAD LFs' evidence: stored votes (rows in ascending candidate id) and the label model's learned accuracies
        float[] badAccuracy = new float[n];
        int[] badLf = new int[n];
        Arrays.fill(badLf, -1);
        List<String> names = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        String note = "";
        String candidateSet = workspace.bulk().candidateSetKey();
        if (run == null) {
            note = "no label model fitted, so no learned LF accuracies: the filter had nothing to check";
        } else {
            List<LabelModelRun.Lf> bad = run.lfs().stream()
                    .filter(lf -> lf.vote() == Verdict.BAD && !Double.isNaN(lf.learnedAccuracy())).toList();
            Map<Long, StoredVotes> votes = workspace.lfVotes().loadAll(bad.stream().map(LabelModelRun.Lf::versionId).toList());
            long[] sorted = ids.clone();
            Arrays.sort(sorted);
            int[] rowOfRank = new int[n];
            for (int i = 0; i < n; i++) rowOfRank[Arrays.binarySearch(sorted, ids[i])] = i;
            for (LabelModelRun.Lf lf : bad) {
                StoredVotes v = votes.get(lf.versionId());
                if (v == null || v.error() != null || !v.candidateSet().equals(candidateSet) || v.votes().length != n) {
                    missing.add(lf.name());
                    continue;
                }
                int index = names.size();
                names.add(lf.name());
                float acc = (float) lf.learnedAccuracy();
                byte[] col = v.votes();
                for (int k = 0; k < n; k++) {
                    if (col[k] < 0) {
                        int row = rowOfRank[k];
                        if (acc > badAccuracy[row]) {
                            badAccuracy[row] = acc;
                            badLf[row] = index;
                        }
                    }
                }
            }
            if (!missing.isEmpty()) {
                note = "votes of " + String.join(", ", missing) + " are not stored for the current candidates (apply the LFs first)";
            }
        }
        // before/after answers: marked here, left out (or not) by the request
        ComparisonRepository.Answers answers = workspace.comparisons().answers();
        boolean[] comparisonAnswer = new boolean[n];
        if (answers.size() > 0) for (int i = 0; i < n; i++) comparisonAnswer[i] = answers.contains(ids[i]);
        return new CurationData(ids, prompts, shapes.lengths(), groupStart, score, pGood, new int[groupStart.length - 1],
                new int[groupStart.length - 1], badAccuracy, badLf, List.copyOf(names), note, run == null ? null : run.id(),
                ranking, candidateSet, comparisonAnswer, answers.comparisons());
    }

    private static CurationData withGold(CurationData d, List<PromptGold> picks) {
        int[] best = new int[d.prompts()];
        int[] worst = new int[d.prompts()];
        Arrays.fill(best, -1);
        Arrays.fill(worst, -1);
        long[] groupPrompt = new long[d.prompts()];
        for (int g = 0; g < d.prompts(); g++) groupPrompt[g] = d.promptIds()[d.groupStart()[g]];
        for (PromptGold p : picks) {
            int g = Arrays.binarySearch(groupPrompt, p.promptId());
            if (g < 0) continue;
            for (int i = d.groupStart()[g]; i < d.groupStart()[g + 1]; i++) {
                long id = d.candidateIds()[i];
                if (p.bestCandidateId() != null && p.bestCandidateId() == id) best[g] = i;
                if (p.worstCandidateId() != null && p.worstCandidateId() == id) worst[g] = i;
            }
        }
        return new CurationData(d.candidateIds(), d.promptIds(), d.lengths(), d.groupStart(), d.score(), d.pGood(), best, worst,
                d.badAccuracy(), d.badLf(), d.lfNames(), d.lfNote(), d.labelModelRunId(), d.ranking(), d.candidateSet(),
                d.comparisonAnswer(), d.comparisons());
    }

    /** Builds pairs for a preview (nothing is saved). */
    public CurationResult preview(CurationData data, CurationRequest request, Progress progress) {
        return PairBuilder.build(data, request, progress);
    }

    /** Loads the data of {@code source} and builds the pairs. */
    public CurationResult build(RankingSource source, CurationRequest request, Progress progress) {
        return preview(data(source, progress), request, progress);
    }

    // ---- saved sets --------------------------------------------------------------------------------------------

    /** Saves a built result as a pair set (one transaction) and returns it as stored. */
    public synchronized StoredPairSet save(CurationResult result, String name) {
        int n = result.size();
        long[] promptIds = new long[n], chosen = new long[n], rejected = new long[n];
        double[] cs = new double[n], rs = new double[n], margins = new double[n];
        String[] reasons = new String[n];
        for (int i = 0; i < n; i++) {
            promptIds[i] = result.promptId(i);
            chosen[i] = result.chosenId(i);
            rejected[i] = result.rejectedId(i);
            cs[i] = result.chosenScore(i);
            rs[i] = result.rejectedScore(i);
            margins[i] = result.margin(i);
            reasons[i] = result.reason(i);
        }
        Ranking r = result.data().ranking();
        String title = name == null || name.isBlank() ? defaultName(result) : name.strip();
        if (title.length() > 200) title = title.substring(0, 200);
        long id = workspace.pairSets().save(new PairSetToSave(result.sft() ? PairSetRepository.SFT : PairSetRepository.PAIRS, title,
                result.request().strategy().cliName(), Json.write(parameters(result.request())), Json.write(result.funnel()),
                Json.write(provenance(result)), r.sourceId(), r.version(), r.description(), r.stale(),
                result.data().labelModelRunId(), r.lfVersionIds(), result.data().candidateSet(), "made in this workspace",
                result.prompts(), new PairRows(promptIds, chosen, rejected, cs, rs, margins, reasons)));
        return workspace.pairSets().get(id).orElseThrow();
    }

    private String defaultName(CurationResult result) {
        long count = workspace.pairSets().list().size() + 1;
        return (result.sft() ? "SFT set " : "Pair set ") + count + " (" + result.request().strategy().cliName() + ")";
    }

    public List<StoredPairSet> pairSets() {
        return workspace.pairSets().list();
    }

    public Optional<StoredPairSet> pairSet(long id) {
        return workspace.pairSets().get(id);
    }

    /** The set {@code id}, or the newest DPO pair set when null. */
    public StoredPairSet pairSetOrLatest(Long id) {
        if (id != null) {
            return workspace.pairSets().get(id).orElseThrow(() -> new InputException(null, 0, "pairs", "no pair set with id " + id));
        }
        return workspace.pairSets().latest(PairSetRepository.PAIRS).or(() -> workspace.pairSets().latest(PairSetRepository.SFT))
                .orElseThrow(() -> new InputException("no pair set saved yet: build one with `prefwork pairs` or in Curate & export"));
    }

    public void delete(long id) {
        workspace.pairSets().delete(id);
    }

    // ---- recorded parameters -----------------------------------------------------------------------------------

    /** The request as stored (filters that are off are null). */
    public static ObjectNode parameters(CurationRequest r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("strategy", r.strategy().cliName());
        if (r.strategy() == Strategy.MARGIN) o.put("margin", r.marginThreshold());
        if (r.strategy() == Strategy.BEST_RANDOM || r.ties() == TiePolicy.RANDOM) o.put("seed", r.seed());
        if (r.strategy().sft()) o.put("topPercent", r.topPercent());
        o.put("ties", r.ties().cliName());
        o.put("goldOverrides", r.goldOverrides());
        num(o, "minMargin", r.minMargin());
        num(o, "minChosenScore", r.minChosenScore());
        num(o, "minChosenPGood", r.minChosenPGood());
        num(o, "badLfAccuracy", r.badLfAccuracy());
        num(o, "maxChosenLonger", r.maxChosenLonger());
        o.put("includeComparisonAnswers", r.includeComparisonAnswers());
        return o;
    }

    /** Reads back what {@link #parameters} wrote. */
    public static CurationRequest request(JsonNode o) {
        CurationRequest d = CurationRequest.defaults();
        return new CurationRequest(Strategy.parse(o.path("strategy").asText("best-worst")), o.path("margin").asDouble(d.marginThreshold()),
                o.path("seed").asLong(d.seed()), TiePolicy.parse(o.path("ties").asText("shorter")), opt(o, "minMargin"),
                opt(o, "minChosenScore"), opt(o, "minChosenPGood"), opt(o, "badLfAccuracy"), opt(o, "maxChosenLonger"),
                o.path("goldOverrides").asBoolean(true), o.path("topPercent").asDouble(d.topPercent()),
                // sets saved before the option existed drew from every candidate
                o.path("includeComparisonAnswers").asBoolean(true));
    }

    private static double opt(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static void num(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) o.putNull(field);
        else o.put(field, v);
    }

    /** Where the scores came from: the ranking source and the label model with its LFs' learned accuracies. */
    private ObjectNode provenance(CurationResult result) {
        Ranking r = result.data().ranking();
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode ranking = o.putObject("ranking");
        ranking.put("source", r.sourceId());
        ranking.put("version", r.version());
        ranking.put("description", r.description());
        ranking.put("stale", r.stale());
        if (r.stale()) ranking.put("staleReason", r.staleReason());
        ObjectNode metrics = ranking.putObject("metrics");
        r.metrics().forEach((k, v) -> metrics.set(k, Json.MAPPER.valueToTree(v instanceof Double x && x.isNaN() ? null : v)));
        Long runId = result.data().labelModelRunId();
        Optional<LabelModelRun> run = runId == null ? Optional.empty() : labelModel.run(runId);
        run.ifPresent(lm -> o.set("labelModel", labelModelSummary(lm)));
        o.put("lfNote", result.data().lfNote());
        return o;
    }

    /** A label-model run as bundles and dataset cards describe it (no predictions). */
    public ObjectNode labelModelSummary(LabelModelRun lm) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("run", lm.id());
        m.put("kind", lm.kind());
        m.put("createdAt", lm.createdAt().toString());
        m.put("classBalance", lm.classBalance());
        m.put("prior", lm.priorMode());
        m.put("stale", lm.stale());
        ArrayNode lfs = m.putArray("lfs");
        for (LabelModelRun.Lf lf : lm.lfs()) {
            ObjectNode x = lfs.addObject();
            x.put("name", lf.name());
            x.put("aspect", lf.aspect());
            x.put("vote", lf.vote().name());
            x.put("version", workspace.labelingFunctions().version(lf.versionId()).map(StoredLfVersion::version).orElse(0));
            num(x, "learnedAccuracy", lf.learnedAccuracy());
            num(x, "goldAccuracy", lf.empiricalAccuracy());
            x.put("goldHits", lf.goldHits());
            num(x, "coverage", lf.propensity());
        }
        LabelModelRun.Summary s = lm.summary();
        ObjectNode sum = m.putObject("summary");
        sum.put("candidates", s.rows());
        num(sum, "labelCoverage", s.labelCoverage());
        num(sum, "labelConflict", s.labelConflict());
        sum.put("goldRows", s.goldRows());
        num(sum, "goldAgreement", s.goldAccuracy());
        return m;
    }

    /** The funnel as saved with a set. */
    public static List<FunnelStep> funnel(StoredPairSet set) {
        List<FunnelStep> out = new ArrayList<>();
        for (JsonNode n : Json.read(set.funnelJson())) {
            out.add(new FunnelStep(n.path("label").asText(), n.path("pairs").asInt(), n.path("prompts").asInt(),
                    n.path("removed").asInt(), n.path("note").asText("")));
        }
        return out;
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * v);
    }
}
