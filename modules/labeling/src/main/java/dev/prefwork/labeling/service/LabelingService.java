package dev.prefwork.labeling.service;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.VoteMatrix;
import dev.prefwork.labeling.analysis.GoldVector;
import dev.prefwork.labeling.analysis.LfAnalysis;
import dev.prefwork.labeling.analysis.LfAnalysisReport;
import dev.prefwork.labeling.analysis.LfStats;
import dev.prefwork.labeling.engine.ApplyResult;
import dev.prefwork.labeling.engine.Corpus;
import dev.prefwork.labeling.engine.LfEngine;
import dev.prefwork.labeling.engine.LfPreview;
import dev.prefwork.labeling.engine.Span;
import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.LfLibrary;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.PhraseLists;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.store.BulkReader;
import dev.prefwork.store.LabelingFunctionRepository;
import dev.prefwork.store.LabelingFunctionRepository.LfDraft;
import dev.prefwork.store.LabelingFunctionRepository.Outcome;
import dev.prefwork.store.LfVoteRepository.StoredVotes;
import dev.prefwork.store.LfVoteRepository.VotesToSave;
import dev.prefwork.store.StorageProblems;
import dev.prefwork.store.StoredLf;
import dev.prefwork.store.StoredLfVersion;
import dev.prefwork.store.Workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Labeling functions of one workspace, for the LF studio and the CLI: the library (create, edit as new
 * versions, enable, import/export), applying it (votes computed only for versions whose spec, candidates or
 * phrase lists changed; stored per version and read back on reopen), the analysis table, the live preview
 * of an unsaved spec, and the vote matrix for the label models.
 *
 * <p>The candidates are read once into memory (texts only) and reloaded when the workspace's candidate set
 * changes. Gold is read fresh on every apply and preview (it changes as the expert labels). Calls are
 * serialised; long ones report to and stop on a {@link Progress}. Construct one per open workspace; close it
 * to free the engine's threads.
 */
public final class LabelingService implements AutoCloseable {

    /** Workspace setting holding the edited phrase lists: {"refusal": ["…", …], "my-list": […]}. */
    public static final String PHRASE_LISTS_SETTING = "lf.phrase_lists";

    private final Workspace workspace;
    private final LfEngine.Config baseConfig;
    private LfEngine engine;
    private String corpusKey;
    private String corpusSignature;
    /** LF version id → its votes as of the last apply (what the preview's conflicts and the badges read). */
    private final Map<Long, byte[]> appliedVotes = new HashMap<>();
    /** LF version id → context hash of its votes stored for the current candidate set. */
    private final Map<Long, String> storedContext = new HashMap<>();

    public LabelingService(Workspace workspace) {
        this(workspace, LfEngine.Config.defaults());
    }

    /** @param config engine settings (threads, regex budget, model score providers); phrase lists come from the workspace */
    public LabelingService(Workspace workspace, LfEngine.Config config) {
        this.workspace = workspace;
        // judge LFs read their cached answers through this provider (it never asks the model)
        this.baseConfig = config.providers().containsKey(LfEngine.JUDGE_PROVIDER) ? config
                : config.withProvider(new dev.prefwork.labeling.judge.JudgeVerdictProvider(workspace));
    }

    /** The workspace this service labels. */
    public Workspace workspace() {
        return workspace;
    }

    // ---- the library -------------------------------------------------------------------------------------------

    /** Every LF with its current version, in creation order. */
    public synchronized List<LabelingFunction> list() {
        return workspace.labelingFunctions().list().stream().map(LabelingService::view).toList();
    }

    public synchronized Optional<LabelingFunction> get(long lfId) {
        return workspace.labelingFunctions().get(lfId).map(LabelingService::view);
    }

    /** All versions of an LF, oldest first, each with its spec. */
    public synchronized List<LabelingFunction> history(long lfId) {
        StoredLf lf = workspace.labelingFunctions().get(lfId).orElseThrow(() -> new InputException("no labeling function with id " + lfId));
        return workspace.labelingFunctions().versions(lfId).stream()
                .map(v -> view(new StoredLf(lf.id(), lf.name(), lf.aspect(), lf.enabled(), lf.createdAt(), v))).toList();
    }

    /** Field-level problems with a spec (as the builder shows them); empty when it can be saved. */
    public synchronized List<SpecError> validate(LfSpec spec) {
        return LfEngine.validate(spec, baseConfig.withPhraseLists(phraseLists()));
    }

    /** Saves a new LF (version 1). */
    public synchronized LabelingFunction create(LfSpec spec) {
        requireValid(spec);
        return view(workspace.labelingFunctions().create(draft(spec), true));
    }

    /** Saves an edited LF as its next version; an unchanged spec writes nothing. Old versions and their votes stay. */
    public synchronized LabelingFunction update(long lfId, LfSpec spec) {
        requireValid(spec);
        return view(workspace.labelingFunctions().update(lfId, draft(spec)).lf());
    }

    public synchronized void setEnabled(long lfId, boolean enabled) {
        workspace.labelingFunctions().setEnabled(lfId, enabled);
    }

    // ---- applying and the analysis ----------------------------------------------------------------------------

    /**
     * Applies every LF's current version (enabled or not), stores the votes that were computed, and returns the
     * analysis: Snorkel's statistics per LF and for the enabled LFs as a matrix, with accuracy against the gold.
     */
    public synchronized LfApplyReport apply(Progress progress) {
        long t0 = System.nanoTime();
        LfEngine e = engine(progress);
        Corpus corpus = e.corpus();
        List<LabelingFunction> lfs = candidateLfs();
        List<LfSpec> specs = new ArrayList<>(lfs.size());
        for (LabelingFunction lf : lfs) specs.add(lf.spec() == null ? invalidPlaceholder(lf) : lf.spec());

        // seed the engine with stored votes of versions it does not hold yet
        Map<Long, Boolean> fromStore = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i < lfs.size(); i++) {
            if (lfs.get(i).spec() != null && !e.isCached(specs.get(i))) missing.add(lfs.get(i).versionId());
        }
        Map<Long, StoredVotes> stored = workspace.lfVotes().loadAll(missing);
        for (int i = 0; i < lfs.size(); i++) {
            LabelingFunction lf = lfs.get(i);
            StoredVotes sv = stored.get(lf.versionId());
            if (sv != null && sv.error() == null && sv.freshFor(corpusKey, e.contextKey(specs.get(i)))) {
                e.seed(specs.get(i), sv.votes());
                fromStore.put(lf.versionId(), true);
                storedContext.put(lf.versionId(), sv.contextHash());
            }
        }
        long before = e.evaluatedColumns();
        ApplyResult result = e.apply(specs, progress);
        int recomputed = (int) (e.evaluatedColumns() - before);

        // store what is not stored yet for this candidate set (computed now, or earlier by a preview)
        List<VotesToSave> toSave = new ArrayList<>();
        for (int i = 0; i < lfs.size(); i++) {
            LabelingFunction lf = lfs.get(i);
            ApplyResult.Column col = result.columns().get(i);
            if (lf.spec() == null || col.source() == ApplyResult.Source.INVALID) continue;
            String context = e.contextKey(lf.spec());
            if (context.equals(storedContext.get(lf.versionId()))) continue;
            toSave.add(new VotesToSave(lf.versionId(), corpusKey, context, result.matrix().column(i), col.error(),
                    col.nanos() / 1_000_000));
        }
        workspace.lfVotes().saveAll(toSave);
        toSave.forEach(v -> storedContext.put(v.versionId(), v.contextHash()));

        appliedVotes.clear();
        for (int i = 0; i < lfs.size(); i++) appliedVotes.put(lfs.get(i).versionId(), result.matrix().column(i));

        byte[] gold = gold(corpus);
        int[] enabled = java.util.stream.IntStream.range(0, lfs.size()).filter(i -> lfs.get(i).enabled()).toArray();
        VoteMatrix enabledMatrix = result.matrix().select(enabled);
        LfAnalysisReport analysis = LfAnalysis.analyze(enabledMatrix, gold);
        Map<Integer, LfStats> statsByIndex = new HashMap<>();
        for (int k = 0; k < enabled.length; k++) statsByIndex.put(enabled[k], analysis.lfs().get(k));
        List<LfApplyReport.Row> rows = new ArrayList<>(lfs.size());
        for (int i = 0; i < lfs.size(); i++) {
            LabelingFunction lf = lfs.get(i);
            ApplyResult.Column col = result.columns().get(i);
            LfStats stats = statsByIndex.containsKey(i) ? statsByIndex.get(i)
                    : LfAnalysis.single(result.matrix().column(i), enabledMatrix, gold);
            LfApplyReport.Source source = switch (col.source()) {
                case INVALID -> LfApplyReport.Source.INVALID;
                case FAILED -> LfApplyReport.Source.FAILED;
                case COMPUTED -> LfApplyReport.Source.COMPUTED;
                case CACHED -> col.error() != null ? LfApplyReport.Source.FAILED
                        : fromStore.containsKey(lf.versionId()) ? LfApplyReport.Source.STORED : LfApplyReport.Source.MEMORY;
            };
            String error = lf.problem() != null ? lf.problem() : col.error();
            rows.add(new LfApplyReport.Row(lf, stats, source, error));
        }
        return new LfApplyReport(rows, analysis.matrix(), corpus.size(), recomputed, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The live preview of an unsaved spec: coverage, conflicts with the enabled LFs (without {@code editingLfId},
     * the LF being edited, if any), accuracy against gold, example hits with spans, near misses and the gold
     * hits it gets wrong. Invalid specs come back with field errors only. Applies the library first if it has
     * not been applied in this session.
     */
    public synchronized LfPreview preview(LfSpec draft, Long editingLfId, Progress progress) {
        LfEngine e = engine(progress);
        if (appliedVotes.isEmpty() && workspace.labelingFunctions().count() > 0) apply(progress);
        List<byte[]> others = new ArrayList<>();
        for (LabelingFunction lf : candidateLfs()) {
            if (!lf.enabled() || (editingLfId != null && lf.id() == editingLfId)) continue;
            byte[] col = appliedVotes.get(lf.versionId());
            if (col == null) { // saved since the last apply
                apply(progress);
                col = appliedVotes.get(lf.versionId());
            }
            if (col != null) others.add(col);
        }
        VoteMatrix otherMatrix = new VoteMatrix(e.corpus().size(), others.toArray(new byte[0][]));
        return e.preview(draft, LfEngine.PreviewRequest.of(otherMatrix, gold(e.corpus())), progress);
    }

    /**
     * The candidates and prompts as the engine holds them (texts in memory, read once per candidate set and reloaded
     * when it changes), for the reward model's text features.
     */
    public synchronized Corpus corpus(Progress progress) {
        return engine(progress).corpus();
    }

    /** A per-candidate measure, rows in the order of {@link #corpus}'s candidates (reads the texts once). */
    public synchronized float[] measure(dev.prefwork.labeling.engine.CandidateMeasure measure, Progress progress) {
        return engine(progress).measure(measure, progress);
    }

    /**
     * The enabled LFs' votes (current versions) for the label models; applies what is not applied yet. When this
     * service has not built its engine and every enabled version's stored votes are fresh, they are read from the
     * store without reading a single text (a 500K-candidate corpus costs seconds and a gigabyte of heap).
     */
    public synchronized LfVotes enabledVotes(Progress progress) {
        if (engine == null) {
            LfVotes stored = storedVotes(candidateLfs().stream().filter(LabelingFunction::enabled).toList());
            if (stored != null) return stored;
        }
        LfApplyReport report = apply(progress);
        List<byte[]> cols = new ArrayList<>();
        List<LfVotes.Column> meta = new ArrayList<>();
        for (LfApplyReport.Row r : report.lfs()) {
            if (!r.lf().enabled()) continue;
            cols.add(appliedVotes.get(r.lf().versionId()));
            meta.add(new LfVotes.Column(r.lf().id(), r.lf().versionId(), r.lf().name(), r.lf().aspect(), r.lf().vote()));
        }
        Corpus c = engine.corpus();
        return new LfVotes(c.candidateIds(), new VoteMatrix(c.size(), cols.toArray(new byte[0][])), meta, corpusKey);
    }

    /** The votes enabled LFs cast on one candidate, as of the last apply (applies first if needed). */
    public synchronized List<CandidateVote> votesFor(long candidateId, Progress progress) {
        if (engine == null) {
            List<LabelingFunction> enabled = candidateLfs().stream().filter(LabelingFunction::enabled).toList();
            LfVotes stored = storedVotes(enabled);
            if (stored != null) {
                int row = java.util.Arrays.binarySearch(stored.candidateIds(), candidateId);
                List<CandidateVote> out = new ArrayList<>();
                if (row < 0) return out;
                for (int i = 0; i < stored.columns().size(); i++) {
                    byte v = stored.matrix().column(i)[row];
                    if (v == 0) continue;
                    LfVotes.Column c = stored.columns().get(i);
                    out.add(new CandidateVote(c.lfId(), c.versionId(), c.name(), c.aspect(), v > 0 ? Verdict.GOOD : Verdict.BAD));
                }
                return out;
            }
        }
        LfEngine e = engine(progress);
        if (appliedVotes.isEmpty()) apply(progress);
        int row = e.corpus().rowOf(candidateId);
        if (row < 0) return List.of();
        List<CandidateVote> out = new ArrayList<>();
        for (LabelingFunction lf : list()) {
            byte[] col = appliedVotes.get(lf.versionId());
            if (!lf.enabled() || col == null || col[row] == 0) continue;
            out.add(new CandidateVote(lf.id(), lf.versionId(), lf.name(), lf.aspect(), col[row] > 0 ? Verdict.GOOD : Verdict.BAD));
        }
        return out;
    }

    /** What LF {@code lfId} matched in a candidate, for highlighting (empty when it does not vote there or has no span). */
    public synchronized List<Span> spans(long lfId, long candidateId, Progress progress) {
        LabelingFunction lf = get(lfId).orElseThrow(() -> new InputException("no labeling function with id " + lfId));
        LfEngine e = engine(progress);
        int row = e.corpus().rowOf(candidateId);
        if (row < 0 || lf.spec() == null) return List.of();
        return e.spans(lf.spec(), row, progress);
    }

    /** The LFs that vote on single candidates (the vote matrix's columns): all but comparative and A/B judge LFs. */
    private List<LabelingFunction> candidateLfs() {
        return list().stream().filter(lf -> lf.spec() == null || !lf.spec().pairLevel()).toList();
    }

    /** Per candidate: 1 when its prompt is within {@code scope} (null: every prompt), else 0. */
    public synchronized byte[] inScope(dev.prefwork.labeling.lf.Condition scope, Progress progress) {
        LfEngine e = engine(progress);
        if (scope == null) {
            byte[] all = new byte[e.corpus().size()];
            java.util.Arrays.fill(all, (byte) 1);
            return all;
        }
        ApplyResult r = e.apply(List.of(new LfSpec("scope", "format", Verdict.GOOD, null, scope,
                new dev.prefwork.labeling.lf.Condition.Length(dev.prefwork.labeling.lf.Condition.LengthUnit.CHARS, 0.0, null, false))), progress);
        if (r.columns().get(0).error() != null) throw new InputException(null, 0, "prompt_scope", r.columns().get(0).error());
        return r.matrix().column(0);
    }

    // ---- pair-level LFs (comparative, A/B judge) ---------------------------------------------------------------

    /**
     * Every pair-level LF's votes (current versions, enabled or not) with coverage over same-prompt pairs and accuracy
     * on gold pairs. Votes are stored per version, whole or absent, and recomputed only when the candidates, the
     * phrase lists or (for a judge) its cached answers changed. A/B judges vote only on pairs whose two cached answers
     * (both orders) agree; they never ask the model here.
     */
    public synchronized PairVotes comparativeVotes(Progress progress) {
        LfEngine e = engine(progress);
        Corpus corpus = e.corpus();
        List<LabelingFunction> lfs = list().stream().filter(lf -> lf.spec() != null && lf.spec().pairLevel()).toList();
        Map<Long, dev.prefwork.store.LfPairVoteRepository.StoredPairVotes> stored =
                workspace.lfPairVotes().loadAll(lfs.stream().map(LabelingFunction::versionId).toList());
        Map<List<Long>, Long> gold = goldPairs(corpus);
        long total = dev.prefwork.labeling.engine.PairEvaluator.totalPairs(corpus);
        List<dev.prefwork.store.LfPairVoteRepository.StoredPairVotes> toSave = new ArrayList<>();
        List<PairVotes.Column> cols = new ArrayList<>();
        for (LabelingFunction lf : lfs) {
            progress.checkCancelled();
            String context = pairContext(lf.spec(), e);
            var sv = stored.get(lf.versionId());
            long[] pref, other;
            String error;
            PairVotes.Source source;
            if (sv != null && sv.freshFor(corpusKey, context)) {
                pref = sv.preferred();
                other = sv.other();
                error = sv.error();
                source = error == null ? PairVotes.Source.STORED : PairVotes.Source.FAILED;
            } else {
                long t0 = System.nanoTime();
                long[][] votes;
                try {
                    votes = pairVotes(lf.spec(), e, progress);
                    error = null;
                } catch (Progress.Cancelled c) {
                    throw c;
                } catch (RuntimeException ex) {
                    votes = new long[][]{new long[0], new long[0]};
                    error = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
                }
                pref = votes[0];
                other = votes[1];
                source = error == null ? PairVotes.Source.COMPUTED : PairVotes.Source.FAILED;
                toSave.add(new dev.prefwork.store.LfPairVoteRepository.StoredPairVotes(lf.versionId(), corpusKey, context, pref, other,
                        error, (System.nanoTime() - t0) / 1_000_000));
            }
            cols.add(pairColumn(lf, pref, other, source, error, total, gold));
        }
        workspace.lfPairVotes().saveAll(toSave);
        return new PairVotes(cols, total, gold.size(), corpusKey);
    }

    /** The pair votes of an unsaved pair-level spec (nothing stored), for the builder's preview. */
    public synchronized PairVotes.Column previewPairs(LfSpec draft, Progress progress) {
        requireValid(draft);
        if (!draft.pairLevel()) throw new InputException(null, 0, "kind", "not a comparative or A/B judge LF");
        LfEngine e = engine(progress);
        long[][] votes = pairVotes(draft, e, progress);
        LabelingFunction shown = new LabelingFunction(0, draft.name(), draft.aspect(), true, draft.vote(), 0, 0, draft, null, null, null);
        return pairColumn(shown, votes[0], votes[1], PairVotes.Source.COMPUTED, null,
                dev.prefwork.labeling.engine.PairEvaluator.totalPairs(e.corpus()), goldPairs(e.corpus()));
    }

    private static PairVotes.Column pairColumn(LabelingFunction lf, long[] pref, long[] other, PairVotes.Source source, String error,
                                               long total, Map<List<Long>, Long> gold) {
        int voted = 0, correct = 0;
        for (int k = 0; k < pref.length; k++) {
            Long winner = gold.get(pairKey(pref[k], other[k]));
            if (winner == null) continue;
            voted++;
            if (winner == pref[k]) correct++;
        }
        return new PairVotes.Column(lf, pref, other, source, error, total == 0 ? 0 : (double) pref.length / total, voted, correct,
                voted == 0 ? null : (double) correct / voted);
    }

    private long[][] pairVotes(LfSpec spec, LfEngine e, Progress progress) {
        Corpus corpus = e.corpus();
        if (spec.kindOrDefault() == LfSpec.Kind.COMPARATIVE) {
            var rows = dev.prefwork.labeling.engine.PairEvaluator.evaluate(e, spec, progress);
            if (rows.error() != null) throw new IllegalStateException(rows.error());
            long[] p = new long[rows.preferred().length], o = new long[p.length];
            for (int k = 0; k < p.length; k++) {
                p[k] = corpus.candidateId(rows.preferred()[k]);
                o[k] = corpus.candidateId(rows.other()[k]);
            }
            return new long[][]{p, o};
        }
        // A/B judge: (a shown as A, b as B) and (b as A, a as B) must pick the same response
        byte[] scope = inScope(spec.promptScope(), progress);
        Map<List<Long>, Double> answers = new HashMap<>();
        for (var v : workspace.judgeVerdicts().all(dev.prefwork.labeling.judge.JudgeKey.of(spec.judge()))) {
            if (v.otherId() != 0 && v.value() != null) answers.put(List.of(v.candidateId(), v.otherId()), v.value());
        }
        List<long[]> out = new ArrayList<>();
        boolean good = spec.vote() == Verdict.GOOD;
        for (int p = 0; p < corpus.prompts(); p++) {
            int k = corpus.groupSize(p);
            for (int i = 0; i < k; i++) {
                int ra = corpus.groupRow(p, i);
                if (scope[ra] == 0) continue;
                for (int j = i + 1; j < k; j++) {
                    long a = corpus.candidateId(ra), b = corpus.candidateId(corpus.groupRow(p, j));
                    Double ab = answers.get(List.of(a, b)), ba = answers.get(List.of(b, a));
                    if (ab == null || ba == null) continue;
                    long picked;
                    if (ab == 1.0 && ba == 2.0) picked = a;
                    else if (ab == 2.0 && ba == 1.0) picked = b;
                    else continue; // the orders disagree: position bias, not a preference
                    long rest = picked == a ? b : a;
                    out.add(good ? new long[]{picked, rest} : new long[]{rest, picked});
                }
            }
        }
        long[] pr = new long[out.size()], ot = new long[out.size()];
        for (int k = 0; k < pr.length; k++) {
            pr[k] = out.get(k)[0];
            ot[k] = out.get(k)[1];
        }
        return new long[][]{pr, ot};
    }

    /** What a pair-level LF's votes depend on besides the spec and the candidates. */
    private String pairContext(LfSpec spec, LfEngine e) {
        String spec0 = LfJson.write(new LfSpec(null, null, spec.vote(), null, spec.promptScope(), spec.when(), spec.kind(), spec.ratio(), spec.judge()));
        String ctx = "v1|" + spec0 + "|" + e.contextKey(spec);
        if (spec.kindOrDefault() == LfSpec.Kind.JUDGE) {
            ctx += "|answers:" + workspace.judgeVerdicts().signature(dev.prefwork.labeling.judge.JudgeKey.of(spec.judge()));
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(ctx.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<Long> pairKey(long a, long b) {
        return a < b ? List.of(a, b) : List.of(b, a);
    }

    /**
     * The expert's gold as ordered pairs (unordered pair → winner), as the reward model reads it (GoldPairs):
     * GOOD beats BAD within a prompt, the best pick beats every other candidate, every other beats the worst pick,
     * and a stated preference overrides them.
     */
    private Map<List<Long>, Long> goldPairs(Corpus corpus) {
        BulkReader bulk = workspace.bulk();
        Map<List<Long>, Long> out = new HashMap<>();
        Map<Long, Verdict> labels = bulk.goldLabels();
        for (int p = 0; p < corpus.prompts(); p++) {
            int k = corpus.groupSize(p);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    long a = corpus.candidateId(corpus.groupRow(p, i)), b = corpus.candidateId(corpus.groupRow(p, j));
                    if (labels.get(a) == Verdict.GOOD && labels.get(b) == Verdict.BAD) out.put(pairKey(a, b), a);
                }
            }
        }
        for (PromptGold g : bulk.goldPicks()) {
            int best = g.bestCandidateId() == null ? -1 : corpus.rowOf(g.bestCandidateId());
            int worst = g.worstCandidateId() == null ? -1 : corpus.rowOf(g.worstCandidateId());
            int anchor = best >= 0 ? best : worst;
            if (anchor < 0) continue;
            int p = corpus.promptIndex(anchor);
            for (int i = 0; i < corpus.groupSize(p); i++) {
                int r = corpus.groupRow(p, i);
                long id = corpus.candidateId(r);
                if (best >= 0 && r != best) out.put(pairKey(g.bestCandidateId(), id), g.bestCandidateId());
                if (worst >= 0 && r != worst && r != best) out.put(pairKey(id, g.worstCandidateId()), id);
            }
        }
        for (dev.prefwork.core.Preference pref : bulk.goldPreferences()) {
            int w = corpus.rowOf(pref.preferred()), l = corpus.rowOf(pref.other());
            if (w < 0 || l < 0 || corpus.promptIndex(w) != corpus.promptIndex(l)) continue;
            out.put(pairKey(pref.preferred(), pref.other()), pref.preferred());
        }
        return out;
    }

    // ---- phrase lists -----------------------------------------------------------------------------------------

    /** The phrase lists in use: built-in ones, as edited in this workspace, plus the workspace's own. */
    public synchronized PhraseLists phraseLists() {
        PhraseLists lists = PhraseLists.builtIn();
        for (Map.Entry<String, List<String>> e : phraseOverrides().entrySet()) lists = lists.with(e.getKey(), e.getValue());
        return lists;
    }

    /** Replaces (or adds) a phrase list; LFs that use it are recomputed on the next apply. */
    public synchronized void setPhraseList(String name, List<String> phrases) {
        List<SpecError> errors = PhraseLists.validate(name, phrases);
        if (!errors.isEmpty()) throw new InvalidLfException(null, "the phrase list cannot be saved", errors);
        Map<String, List<String>> o = phraseOverrides();
        o.put(name, PhraseLists.builtIn().with(name, phrases).get(name));
        workspace.settings().put(PHRASE_LISTS_SETTING, LfJson.write(o));
        if (engine != null) engine.setPhraseLists(phraseLists());
    }

    /** Restores a built-in list to its default (or removes a workspace list). */
    public synchronized void resetPhraseList(String name) {
        Map<String, List<String>> o = phraseOverrides();
        if (o.remove(name) == null) return;
        workspace.settings().put(PHRASE_LISTS_SETTING, LfJson.write(o));
        if (engine != null) engine.setPhraseLists(phraseLists());
    }

    private Map<String, List<String>> phraseOverrides() {
        Optional<String> json = workspace.settings().get(PHRASE_LISTS_SETTING);
        if (json.isEmpty()) return new LinkedHashMap<>();
        try {
            return new LinkedHashMap<>(LfJson.mapper().readValue(json.get(), new TypeReference<Map<String, List<String>>>() { }));
        } catch (IOException ex) {
            // a damaged setting must not lock the expert out of the studio: fall back to the built-in lists
            return new LinkedHashMap<>();
        }
    }

    // ---- library files ----------------------------------------------------------------------------------------

    /** The library (every LF's current version and whether it is enabled) as an {@code lfs.json} document. */
    public synchronized String exportLibrary() {
        List<LfLibrary.Entry> entries = new ArrayList<>();
        for (LabelingFunction lf : list()) if (lf.spec() != null) entries.add(LfLibrary.Entry.of(lf.spec(), lf.enabled()));
        return LfJson.writePretty(LfLibrary.of(entries));
    }

    /** Writes {@link #exportLibrary()} to {@code file} (via a temporary file, so a failed write leaves no half file). */
    public void exportLibrary(Path file) {
        String json = exportLibrary();
        Path abs = file.toAbsolutePath();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(abs.getParent(), ".lfs-", ".tmp");
            Files.writeString(tmp, json, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp); // no half file left behind
            } catch (IOException ignored) {
                // the write error is the one to report
            }
            throw StorageProblems.io("cannot write " + file, e);
        }
    }

    public LibraryImport importLibrary(Path file) {
        String json;
        try {
            if (Files.size(file) > 10_000_000) throw new InputException(file.toString(), 0, null, "an LF library is at most 10 MB");
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return importLibrary(json, file.toString());
    }

    /**
     * Imports an LF library: every LF is validated first and nothing is written if any is invalid; then, in
     * one transaction, an LF whose name exists (ignoring case) becomes that LF's next version (unless
     * unchanged) and the others are created, enabled as the file says.
     *
     * @param source names the file in error messages
     */
    public synchronized LibraryImport importLibrary(String json, String source) {
        CheckedLibrary checked = checkLibrary(json, source);
        List<LfDraft> drafts = checked.drafts();
        List<Boolean> enabled = checked.enabled();
        List<LabelingFunctionRepository.Saved> saved = workspace.labelingFunctions().saveAll(drafts, enabled);
        int created = (int) saved.stream().filter(s -> s.outcome() == Outcome.CREATED).count();
        int versions = (int) saved.stream().filter(s -> s.outcome() == Outcome.NEW_VERSION).count();
        return new LibraryImport(created, versions, saved.size() - created - versions,
                saved.stream().map(s -> view(s.lf())).toList());
    }

    /** An LF library that passed every check: what to save (drafts as the store takes them) and whether each is enabled. */
    public record CheckedLibrary(List<LfSpec> specs, List<LfDraft> drafts, List<Boolean> enabled) {
    }

    /**
     * Parses and validates an LF library without writing anything: every LF's spec with this workspace's phrase
     * lists and model templates, and names unique ignoring case.
     *
     * @throws InvalidLfException naming {@code source} and every field in error
     */
    public synchronized CheckedLibrary checkLibrary(String json, String source) {
        LfJson.Parsed<LfLibrary> parsed = LfJson.parseLibrary(json);
        if (!parsed.ok()) throw new InvalidLfException(source, "not an LF library", parsed.errors());
        List<SpecError> errors = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        List<LfLibrary.Entry> entries = parsed.value().lfs() == null ? List.of() : parsed.value().lfs();
        for (int i = 0; i < entries.size(); i++) {
            LfLibrary.Entry entry = entries.get(i);
            if (entry == null) {
                errors.add(new SpecError("lfs[" + i + "]", "empty entry"));
                continue;
            }
            String prefix = "lfs[" + i + "]";
            validate(entry.spec()).forEach(e -> errors.add(e.under(prefix)));
            if (entry.name() != null) {
                Integer first = names.putIfAbsent(entry.name().strip().toLowerCase(Locale.ROOT), i);
                if (first != null) errors.add(new SpecError(prefix + ".name", "\"" + entry.name() + "\" is also the name of lfs[" + first + "]"));
            }
        }
        if (!errors.isEmpty()) throw new InvalidLfException(source, "the LF library has errors; nothing was imported", errors);
        return new CheckedLibrary(entries.stream().map(LfLibrary.Entry::spec).toList(),
                entries.stream().map(en -> draft(en.spec())).toList(), entries.stream().map(LfLibrary.Entry::enabled).toList());
    }

    /** The draft the store would save for {@code spec} (normalised name and description). */
    public static LfDraft draftOf(LfSpec spec) {
        return draft(spec);
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    /** What {@link #storedVotes} read last, and for which candidates, LF versions and contexts. */
    private String storedVotesKey;
    private LfVotes storedVotes;

    /**
     * The votes of {@code lfs} (current versions, in that order) read back from the store, or null when any of them
     * has no stored votes that are fresh for the workspace's current candidates and context (then the caller
     * applies). Cached until the candidates, the versions or their contexts change, so a caller asking once per
     * candidate (the Compare view's badges) reads the store once.
     */
    private LfVotes storedVotes(List<LabelingFunction> lfs) {
        LfEngine.Config cfg = baseConfig.withPhraseLists(phraseLists());
        StringBuilder key = new StringBuilder(workspace.bulk().quickSignature());
        for (LabelingFunction lf : lfs) {
            if (lf.spec() == null) return null; // unreadable spec: apply reports it
            key.append('|').append(lf.versionId()).append(':').append(LfEngine.contextKey(lf.spec(), cfg));
        }
        if (key.toString().equals(storedVotesKey)) return storedVotes;
        long[] ids = workspace.bulk().candidateIds();
        String candidateSet = BulkReader.candidateSetKey(ids);
        Map<Long, StoredVotes> stored = workspace.lfVotes().loadAll(lfs.stream().map(LabelingFunction::versionId).toList());
        byte[][] cols = new byte[lfs.size()][];
        List<LfVotes.Column> meta = new ArrayList<>(lfs.size());
        for (int i = 0; i < lfs.size(); i++) {
            LabelingFunction lf = lfs.get(i);
            StoredVotes sv = stored.get(lf.versionId());
            if (sv == null || sv.error() != null || !sv.freshFor(candidateSet, LfEngine.contextKey(lf.spec(), cfg))) return null;
            cols[i] = sv.votes();
            meta.add(new LfVotes.Column(lf.id(), lf.versionId(), lf.name(), lf.aspect(), lf.vote()));
        }
        storedVotes = new LfVotes(ids, new VoteMatrix(ids.length, cols), meta, candidateSet);
        storedVotesKey = key.toString();
        return storedVotes;
    }

    /**
     * The engine over the workspace's current candidates; rebuilt when candidates were added or removed. Checked
     * with a cheap query (count and highest id) so a preview per keystroke does not scan the candidate table.
     */
    private LfEngine engine(Progress progress) {
        String signature = workspace.bulk().quickSignature();
        if (engine != null && signature.equals(corpusSignature)) return engine;
        Corpus.Builder b = Corpus.builder();
        String streamed = workspace.bulk().read(b::prompt, b::candidate, progress);
        Corpus corpus = b.build();
        LfEngine fresh = new LfEngine(corpus, baseConfig.withPhraseLists(phraseLists()));
        // the signature of what was read (not a second query, which could already see newer candidates)
        corpusSignature = corpus.size() + ":" + (corpus.size() == 0 ? 0 : corpus.candidateId(corpus.size() - 1));
        if (engine != null) engine.close();
        engine = fresh;
        corpusKey = streamed;
        appliedVotes.clear();
        storedContext.clear();
        return engine;
    }

    private byte[] gold(Corpus corpus) {
        BulkReader bulk = workspace.bulk();
        List<Long> best = new ArrayList<>();
        List<Long> worst = new ArrayList<>();
        for (PromptGold g : bulk.goldPicks()) {
            if (g.bestCandidateId() != null) best.add(g.bestCandidateId());
            if (g.worstCandidateId() != null) worst.add(g.worstCandidateId());
        }
        return GoldVector.build(corpus.candidateIds(), bulk.goldLabels(), best, worst);
    }

    private void requireValid(LfSpec spec) {
        List<SpecError> errors = validate(spec);
        if (!errors.isEmpty()) throw new InvalidLfException(null, "the labeling function cannot be saved", errors);
    }

    private static LfDraft draft(LfSpec spec) {
        LfSpec normalised = new LfSpec(spec.name().strip(), spec.aspect(), spec.vote(),
                spec.description() == null || spec.description().isBlank() ? null : spec.description(), spec.promptScope(), spec.when(),
                spec.kind(), spec.ratio(), spec.judge());
        return new LfDraft(normalised.name(), normalised.aspect(), normalised.vote(), LfJson.write(normalised));
    }

    /** A spec that can never be valid, standing in for a stored spec that cannot be read, so it stays a column. */
    private static LfSpec invalidPlaceholder(LabelingFunction lf) {
        return new LfSpec(lf.name(), lf.aspect(), lf.vote(), null, null, null);
    }

    static LabelingFunction view(StoredLf lf) {
        StoredLfVersion v = lf.current();
        LfJson.Parsed<LfSpec> p = LfJson.parseSpec(v.specJson());
        String problem = p.ok() ? null : "the stored spec cannot be read: " + p.errors().get(0);
        return new LabelingFunction(lf.id(), lf.name(), lf.aspect(), lf.enabled(), v.vote(), v.id(), v.version(),
                p.ok() ? p.value() : null, problem, lf.createdAt(), v.createdAt());
    }

    /** Whether the texts are in memory (tests check that reading stored votes did not need them). */
    synchronized boolean engineBuilt() {
        return engine != null;
    }

    @Override
    public synchronized void close() {
        if (engine != null) engine.close();
        engine = null;
    }
}
