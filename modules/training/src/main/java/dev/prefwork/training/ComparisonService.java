package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.generation.ApiKey;
import dev.prefwork.generation.GenerationBackend;
import dev.prefwork.generation.GenerationParams;
import dev.prefwork.generation.OpenAiBackend;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.eval.JudgeSummary;
import dev.prefwork.generation.eval.LengthControlledWinRate;
import dev.prefwork.generation.eval.PairwiseJudge;
import dev.prefwork.generation.eval.WinRate;
import dev.prefwork.store.ComparisonRepository;
import dev.prefwork.store.ComparisonRepository.Result;
import dev.prefwork.store.ComparisonRepository.Stored;
import dev.prefwork.store.Workspace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Before/after: a finished DPO run's tuned model against the base model it started from, on prompts the run did not
 * train on. Both answer every prompt (through the trainer's generate mode, or an OpenAI-compatible server the user
 * names for each); the answers become candidates of their prompts (model {@code run-<id>:base|tuned}); the current
 * reward model scores both (the {@link Scorer} the composition root gives, which refits it so the new candidates get
 * scores); the tuned-vs-base win rate follows with a Wilson interval, overall and per prompt category. An optional
 * judge model compares each pair as well ({@link PairwiseJudge}). Everything is recorded in the workspace (V11).
 */
public final class ComparisonService {

    /** How many held-out prompts a comparison takes when not told. */
    public static final int DEFAULT_PROMPTS = 50;

    /** Gives the reward model's score of every candidate id asked for (refitting it when they are new to it). */
    public interface Scorer {
        Scores score(long[] candidateIds, Progress progress);

        /** @param modelId the reward model that scored; scores keyed by candidate id (absent: no score) */
        record Scores(Long modelId, Map<Long, Double> byCandidate) {
        }
    }

    /** Where one side's answers come from: the trainer ({@code server} null) or an OpenAI-compatible server. */
    public record Source(OpenAiConfig server, ApiKey key) {
        public static final Source TRAINER = new Source(null, null);

        public boolean trainer() {
            return server == null;
        }
    }

    /** The judge: a model on an OpenAI-compatible server. */
    public record Judge(OpenAiConfig server, ApiKey key) {
    }

    public record Request(long runId, int prompts, long seed, TrainerGenerate.Settings sampling, Source base, Source tuned, Judge judge) {
        public Request {
            if (prompts < 1) throw new InputException("the prompt set needs at least 1 prompt");
            sampling = sampling == null ? TrainerGenerate.Settings.defaults() : sampling;
            base = base == null ? Source.TRAINER : base;
            tuned = tuned == null ? Source.TRAINER : tuned;
        }

        public static Request of(long runId) {
            return new Request(runId, DEFAULT_PROMPTS, 0, null, null, null, null);
        }

        public Request withPrompts(int n) {
            return new Request(runId, n, seed, sampling, base, tuned, judge);
        }

        public Request withSampling(TrainerGenerate.Settings s) {
            return new Request(runId, prompts, seed, s, base, tuned, judge);
        }

        public Request withJudge(Judge j) {
            return new Request(runId, prompts, seed, sampling, base, tuned, j);
        }

        public Request withSources(Source b, Source t) {
            return new Request(runId, prompts, seed, sampling, b, t, judge);
        }
    }

    /** One prompt's pair as the report lists it. */
    public record Row(long promptId, String sourceId, String prompt, String category, String baseText, String tunedText,
                      Double baseScore, Double tunedScore, String judge) {

        /** 1 tuned won, 0 base won, 0.5 tie, null when a score is missing. */
        public Double outcome() {
            if (baseScore == null || tunedScore == null) return null;
            double d = tunedScore - baseScore;
            return Math.abs(d) < 1e-9 ? 0.5 : d > 0 ? 1.0 : 0.0;
        }
    }

    public record CategoryRate(String category, WinRate winRate) {
    }

    /** A comparison as the CLI and the view show it. */
    public record Report(long id, long runId, String status, int prompts, Long rewardModelId, WinRate winRate,
                         List<CategoryRate> categories, JudgeSummary judge, String judgeModel, List<Row> rows, String error) {
    }

    static final String NO_CATEGORY = "(no category)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;
    private final TrainerGenerate trainer;
    private final Scorer scorer;

    /** @param trainer runs the trainer's generate mode (null when every side answers from a server) */
    public ComparisonService(Workspace workspace, TrainerGenerate trainer, Scorer scorer) {
        this.workspace = workspace;
        this.trainer = trainer;
        this.scorer = scorer;
    }

    // ---- the prompt set -----------------------------------------------------------------------------------------

    /** Prompt ids and texts the run's pair files hold (the prompts it trained, or evaluated, on). */
    static Set<String> trainedOn(TrainingRun run) throws IOException {
        Set<String> keys = new HashSet<>();
        Path data = run.dir().resolve(RunFolder.DATA);
        if (!Files.isDirectory(data)) return keys;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(data, "*.jsonl")) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) continue;
                    JsonNode o;
                    try {
                        o = JSON.readTree(line);
                    } catch (IOException e) {
                        continue;
                    }
                    if (o.path("prompt_id").isTextual()) keys.add("id:" + o.get("prompt_id").asText());
                    JsonNode p = o.path("prompt");
                    if (p.isTextual()) keys.add("text:" + p.asText().strip());
                    else if (p.isArray() && !p.isEmpty()) keys.add("text:" + p.get(p.size() - 1).path("content").asText().strip());
                }
            }
        }
        return keys;
    }

    /**
     * Up to {@code max} prompts the run did not train on: a seeded random sample of the workspace's other prompts,
     * in workspace order.
     */
    public List<Prompt> heldOut(TrainingRun run, int max, long seed) throws IOException {
        Set<String> trained = trainedOn(run);
        List<Prompt> candidates = new ArrayList<>();
        for (long id : workspace.prompts().ids(PromptFilter.ALL)) {
            Prompt p = workspace.prompts().get(id).orElseThrow();
            if (trained.contains("id:" + p.sourceId()) || trained.contains("text:" + p.text().strip())) continue;
            candidates.add(p);
        }
        Collections.shuffle(candidates, new Random(seed));
        List<Prompt> chosen = new ArrayList<>(candidates.subList(0, Math.min(max, candidates.size())));
        chosen.sort((a, b) -> Long.compare(a.id(), b.id()));
        return chosen;
    }

    /** The run, when it can be compared (finished, with its final model); else an {@link InputException} saying why. */
    public TrainingRun checkComparable(long runId) {
        TrainingRun run = workspace.trainingRuns().get(runId).map(TrainingService::toRun)
                .orElseThrow(() -> new InputException("no training run " + runId));
        if (run.status() != RunStatus.FINISHED) {
            throw new InputException("run " + runId + " is " + run.status().name().toLowerCase(java.util.Locale.ROOT)
                    + "; only a finished run has a tuned model to compare");
        }
        if (!Files.isDirectory(run.dir().resolve(RunFolder.FINAL))) {
            throw new InputException("run " + runId + " has no final/ model in " + run.dir());
        }
        return run;
    }

    // ---- comparing ----------------------------------------------------------------------------------------------

    /** Runs the comparison and records it; cancelling leaves it recorded as cancelled (with the prompts done). */
    public Report compare(Request r, Progress progress) throws IOException {
        TrainingRun run = checkComparable(r.runId());
        List<Prompt> prompts = heldOut(run, r.prompts(), r.seed());
        if (prompts.isEmpty()) throw new InputException("run " + r.runId() + " trained on every prompt of the workspace; import held-out prompts first");
        if ((r.base().trainer() || r.tuned().trainer()) && trainer == null) throw new IllegalStateException("no trainer to generate with");
        ComparisonRepository repo = workspace.comparisons();
        long id = repo.create(run.id(), prompts.size(), settings(r, prompts).toString());
        boolean judged = r.judge() != null;
        // progress units: each side's answers 30 % (20 % with a judge), scoring 40 % (30 %: embedding new texts and a
        // refit take about as long as answering), the judge the rest
        long total = 1000;
        double genShare = judged ? 0.2 : 0.3, scoreShare = judged ? 0.3 : 0.4;
        try {
            List<String> base = answers(run, TrainerGenerate.Which.BASE, r.base(), prompts, r.sampling(), id,
                    scaled(progress, 0, genShare, total));
            List<String> tuned = answers(run, TrainerGenerate.Which.TUNED, r.tuned(), prompts, r.sampling(), id,
                    scaled(progress, genShare, genShare, total));
            progress.checkCancelled();
            long[] ids = new long[prompts.size() * 2];
            String baseModel = "run-" + run.id() + ":base", tunedModel = "run-" + run.id() + ":tuned";
            for (int k = 0; k < prompts.size(); k++) {
                long[] pair = repo.addResult(id, k, prompts.get(k).id(), baseModel, base.get(k), tunedModel, tuned.get(k),
                        meta(id, "base"), meta(id, "tuned"));
                ids[2 * k] = pair[0];
                ids[2 * k + 1] = pair[1];
            }
            Progress scoring = scaled(progress, 2 * genShare, scoreShare, total);
            scoring.update(0, 1, "Scoring both models' answers with the reward model");
            Scorer.Scores scores = scorer.score(ids, scoring);
            progress.checkCancelled();
            List<Result> results = new ArrayList<>();
            Progress judging = scaled(progress, 2 * genShare + scoreShare, 1 - 2 * genShare - scoreShare, total);
            PairwiseJudge judge = null;
            GenerationBackend judgeBackend = null;
            if (judged) {
                judgeBackend = OpenAiBackend.open(r.judge().server(), r.judge().key());
                judge = new PairwiseJudge(judgeBackend);
            }
            try {
                for (int k = 0; k < prompts.size(); k++) {
                    String vote = null, detail = null;
                    if (judge != null) {
                        progress.checkCancelled();
                        PairwiseJudge.Verdict v = judge.judge(prompts.get(k).text(), tuned.get(k), base.get(k), progress::isCancelled);
                        vote = v.vote().name();
                        ObjectNode d = JSON.createObjectNode();
                        d.put("tuned_first", v.answerTunedFirst());
                        d.put("base_first", v.answerBaseFirst());
                        d.put("pick_tuned_first", v.pickTunedFirst().name());
                        d.put("pick_base_first", v.pickBaseFirst().name());
                        detail = d.toString();
                        judging.update(k + 1, prompts.size(), "Judging: " + (k + 1) + " of " + prompts.size() + " pairs");
                    }
                    results.add(new Result(k, prompts.get(k).id(), ids[2 * k], ids[2 * k + 1], scores.byCandidate().get(ids[2 * k]),
                            scores.byCandidate().get(ids[2 * k + 1]), vote, detail));
                }
            } finally {
                if (judgeBackend != null) judgeBackend.close();
            }
            repo.saveScores(id, results);
            Report report = report(id, r.judge() == null ? null : r.judge().server().model(), results, run.id(), "COMPLETE",
                    scores.modelId(), null);
            repo.finish(id, ComparisonRepository.COMPLETE, summary(report).toString(), scores.modelId(), null);
            progress.update(total, total, "Done");
            return report(id).orElseThrow();
        } catch (Progress.Cancelled e) {
            repo.finish(id, ComparisonRepository.CANCELLED, null, null, "cancelled");
            throw e;
        } catch (IOException | RuntimeException e) {
            repo.finish(id, ComparisonRepository.FAILED, null, null, String.valueOf(e.getMessage()));
            throw e;
        }
    }

    private List<String> answers(TrainingRun run, TrainerGenerate.Which which, Source source, List<Prompt> prompts,
                                 TrainerGenerate.Settings s, long comparisonId, Progress progress) throws IOException {
        String label = which == TrainerGenerate.Which.BASE ? "base" : "tuned";
        if (source.trainer()) {
            List<TrainerGenerate.Prompt> in = prompts.stream().map(p -> new TrainerGenerate.Prompt(Long.toString(p.id()), p.text())).toList();
            Path work = run.dir().resolve("comparisons").resolve("comparison-" + comparisonId);
            List<TrainerGenerate.Answer> out = trainer.generate(run.dir(), which, in, s, work, progress);
            return out.stream().map(a -> a.responses().get(0)).toList();
        }
        List<String> out = new ArrayList<>();
        try (OpenAiBackend backend = OpenAiBackend.open(source.server(), source.key())) {
            for (int k = 0; k < prompts.size(); k++) {
                progress.checkCancelled();
                GenerationParams params = new GenerationParams(1, s.temperature(), s.topP(), s.maxNewTokens(), List.of(), s.seed() + k);
                out.add(backend.generate(prompts.get(k).text(), params, progress::isCancelled).candidates().get(0).text());
                progress.update(k + 1, prompts.size(), "Answering with the " + label + " model (" + source.server().model() + "): "
                        + (k + 1) + " of " + prompts.size());
            }
        }
        return out;
    }

    private static String meta(long comparisonId, String side) {
        return JSON.createObjectNode().put("comparison", comparisonId).put("side", side).toString();
    }

    private static ObjectNode settings(Request r, List<Prompt> prompts) {
        ObjectNode o = JSON.createObjectNode();
        o.put("prompts_asked", r.prompts());
        o.put("prompts", prompts.size());
        o.put("selection", "held out: prompts not in the run's pair files, a seeded sample");
        o.put("seed", r.seed());
        TrainerGenerate.Settings s = r.sampling();
        o.putObject("sampling").put("temperature", s.temperature()).put("top_p", s.topP()).put("max_new_tokens", s.maxNewTokens())
                .put("seed", s.seed());
        o.set("base", source(r.base()));
        o.set("tuned", source(r.tuned()));
        if (r.judge() != null) o.set("judge", r.judge().server().toJson());
        return o;
    }

    private static JsonNode source(Source s) {
        return s.trainer() ? JSON.getNodeFactory().textNode("trainer") : s.server().toJson();
    }

    // ---- progress over phases -----------------------------------------------------------------------------------

    /** A progress that maps a phase's done/total onto [from, from + share] of {@code total} units of the whole. */
    static Progress scaled(Progress whole, double from, double share, long total) {
        return new Progress() {
            @Override
            public void update(long done, long of, String message) {
                double f = of > 0 ? Math.min(1, (double) done / of) : 0;
                whole.update(Math.round((from + share * f) * total), total, message);
            }

            @Override
            public boolean isCancelled() {
                return whole.isCancelled();
            }
        };
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    public List<Stored> comparisons(Long runId) {
        return workspace.comparisons().list(runId);
    }

    public Optional<Report> report(long comparisonId) {
        Optional<Stored> s = workspace.comparisons().get(comparisonId);
        if (s.isEmpty()) return Optional.empty();
        Stored st = s.get();
        String judgeModel = null;
        try {
            JsonNode j = JSON.readTree(st.settingsJson()).path("judge");
            if (j.isObject()) judgeModel = j.path("model").asText(null);
        } catch (IOException ignored) {
            // unreadable settings: no judge name
        }
        return Optional.of(report(st.id(), judgeModel, workspace.comparisons().results(st.id()), st.runId(), st.status(),
                st.rewardModelId(), st.error()));
    }

    private Report report(long id, String judgeModel, List<Result> results, long runId, String status, Long rewardModelId, String error) {
        List<Long> candidateIds = new ArrayList<>();
        for (Result r : results) {
            if (r.baseCandidateId() != null) candidateIds.add(r.baseCandidateId());
            if (r.tunedCandidateId() != null) candidateIds.add(r.tunedCandidateId());
        }
        Map<Long, String> texts = workspace.candidates().texts(candidateIds);
        List<Row> rows = new ArrayList<>();
        List<PairwiseJudge.Vote> votes = new ArrayList<>();
        List<int[]> lengths = new ArrayList<>();
        for (Result r : results) {
            Prompt p = workspace.prompts().get(r.promptId()).orElse(null);
            if (p == null) continue;
            String bt = texts.getOrDefault(r.baseCandidateId(), ""), tt = texts.getOrDefault(r.tunedCandidateId(), "");
            rows.add(new Row(p.id(), p.sourceId(), p.text(), p.category() == null || p.category().isBlank() ? NO_CATEGORY : p.category(),
                    bt, tt, r.baseScore(), r.tunedScore(), r.judge()));
            if (r.judge() != null) {
                votes.add(PairwiseJudge.Vote.valueOf(r.judge()));
                lengths.add(new int[]{tt.length(), bt.length()});
            }
        }
        JudgeSummary judge = null;
        if (!votes.isEmpty()) {
            int[] tl = lengths.stream().mapToInt(a -> a[0]).toArray(), bl = lengths.stream().mapToInt(a -> a[1]).toArray();
            judge = JudgeSummary.of(votes, tl, bl);
        }
        return new Report(id, runId, status, results.size(), rewardModelId, winRate(rows), categories(rows), judge, judgeModel, rows, error);
    }

    /** Tuned vs base by reward-model score: a higher score wins, an equal one ties, a missing one is left out. */
    public static WinRate winRate(List<Row> rows) {
        int w = 0, t = 0, l = 0;
        for (Row r : rows) {
            Double o = r.outcome();
            if (o == null) continue;
            if (o == 1.0) w++;
            else if (o == 0.0) l++;
            else t++;
        }
        return WinRate.of(w, t, l);
    }

    public static List<CategoryRate> categories(List<Row> rows) {
        Map<String, List<Row>> by = new TreeMap<>();
        for (Row r : rows) by.computeIfAbsent(r.category(), k -> new ArrayList<>()).add(r);
        List<CategoryRate> out = new ArrayList<>();
        by.forEach((c, rs) -> out.add(new CategoryRate(c, winRate(rs))));
        return out;
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    public static ObjectNode summary(Report r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("comparison", r.id());
        o.put("run", r.runId());
        o.put("status", r.status());
        o.put("prompts", r.prompts());
        if (r.rewardModelId() != null) o.put("reward_model", r.rewardModelId());
        o.set("reward_win_rate", json(r.winRate()));
        ArrayNode cats = o.putArray("categories");
        for (CategoryRate c : r.categories()) {
            ObjectNode n = json(c.winRate());
            n.put("category", c.category());
            cats.add(n);
        }
        if (r.judge() != null) {
            ObjectNode j = o.putObject("judge");
            if (r.judgeModel() != null) j.put("model", r.judgeModel());
            j.put("tuned", r.judge().tuned());
            j.put("base", r.judge().base());
            j.put("ties", r.judge().ties());
            j.put("no_vote", r.judge().noVote());
            j.set("win_rate", json(r.judge().winRate()));
            LengthControlledWinRate lc = r.judge().lengthControlled();
            j.putObject("length_controlled_win_rate").put("rate", lc.rate()).put("low", lc.low()).put("high", lc.high())
                    .put("n", lc.n()).put("length_slope", lc.slope());
        }
        if (r.error() != null) o.put("error", r.error());
        return o;
    }

    public static ObjectNode json(WinRate w) {
        ObjectNode n = JSON.createObjectNode();
        n.put("rate", w.rate());
        n.put("low", w.low());
        n.put("high", w.high());
        n.put("n", w.n());
        n.put("wins", w.wins());
        n.put("ties", w.ties());
        n.put("losses", w.losses());
        return n;
    }
}
