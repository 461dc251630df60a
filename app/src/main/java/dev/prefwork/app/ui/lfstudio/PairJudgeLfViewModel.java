package dev.prefwork.app.ui.lfstudio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.OpenAiJudgeBackend;
import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.generate.GenerateViewModel;
import dev.prefwork.app.ui.task.BackgroundTask;
import dev.prefwork.app.ui.task.TaskExecutor;
import dev.prefwork.core.Verdict;
import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.LfSpec;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.labeling.service.InvalidLfException;
import dev.prefwork.labeling.service.JudgeService;
import dev.prefwork.labeling.service.LabelingFunction;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.PairVotes;
import dev.prefwork.store.Workspace;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The form for the two LF kinds that are not a condition on one response: a comparative LF (prefer the one of two
 * candidates that matches a condition, or the shorter/longer by a ratio) and a model-judge LF (ask a model with a
 * template; yes/no, a 1–10 score or A/B). Preview, estimate, save and "apply to the workspace" run as background
 * tasks (progress and cancel in the task list); the API key typed here stays in memory for the session.
 */
public final class PairJudgeLfViewModel {

    public enum Mode {
        COMPARE_CONDITION("Compare two candidates: by a condition"),
        COMPARE_LENGTH("Compare two candidates: by length"),
        JUDGE("Ask a model (judge)");

        private final String label;

        Mode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    public static final int PREVIEW_CANDIDATES = 20;
    public static final String DEFAULT_TEMPLATE = "Here is a question and a response.\n\nQuestion: {prompt}\n\nResponse: {response}\n\n"
            + "Does the response answer the question correctly? Answer yes or no.";
    public static final String DEFAULT_AB_TEMPLATE = "Which response answers the question better?\n\nQuestion: {prompt}\n\n"
            + "[A] {response_a}\n\n[B] {response_b}\n\nAnswer with A or B only.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<LabelingService> service;
    private final TaskExecutor executor;
    private final Notifier notifier;
    private final Runnable saved;
    private final OpenAiJudgeBackend backend;
    private final Supplier<Workspace> workspace;

    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(this, "mode", Mode.COMPARE_CONDITION);
    private final StringProperty name = new SimpleStringProperty(this, "name", "");
    private final StringProperty aspect = new SimpleStringProperty(this, "aspect", "helpfulness");
    private final ObjectProperty<Verdict> vote = new SimpleObjectProperty<>(this, "vote", Verdict.GOOD);
    private final ObjectProperty<ConditionNode> condition = new SimpleObjectProperty<>(this, "condition", new ConditionNode("structure"));
    private final StringProperty scopeKeywords = new SimpleStringProperty(this, "scopeKeywords", "");
    private final StringProperty ratioUnit = new SimpleStringProperty(this, "ratioUnit", "words");
    private final StringProperty ratioMin = new SimpleStringProperty(this, "ratioMin", "3");
    private final StringProperty baseUrl = new SimpleStringProperty(this, "baseUrl", "http://localhost:8000/v1");
    private final StringProperty model = new SimpleStringProperty(this, "model", "");
    private final StringProperty apiKeyEnv = new SimpleStringProperty(this, "apiKeyEnv", "");
    private final StringProperty apiKey = new SimpleStringProperty(this, "apiKey", "");
    private final StringProperty template = new SimpleStringProperty(this, "template", DEFAULT_TEMPLATE);
    private final ObjectProperty<LfSpec.Answer> answer = new SimpleObjectProperty<>(this, "answer", LfSpec.Answer.YES_NO);
    private final StringProperty min = new SimpleStringProperty(this, "min", "1");
    private final StringProperty max = new SimpleStringProperty(this, "max", "");
    private final BooleanProperty enabled = new SimpleBooleanProperty(this, "enabled", true);

    private final ObservableList<String> errors = FXCollections.observableArrayList();
    private final ObservableList<String> previewLines = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyStringWrapper estimate = new ReadOnlyStringWrapper(this, "estimate", "");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private TaskExecutor.TaskHandle running;

    public PairJudgeLfViewModel(Supplier<LabelingService> service, Supplier<Workspace> workspace, TaskExecutor executor,
                                Notifier notifier, Runnable saved, OpenAiJudgeBackend backend) {
        this.service = service;
        this.workspace = workspace;
        this.executor = executor;
        this.notifier = notifier;
        this.saved = saved;
        this.backend = backend;
        answer.addListener((o, a, b) -> {
            if (b == LfSpec.Answer.AB && template.get().equals(DEFAULT_TEMPLATE)) template.set(DEFAULT_AB_TEMPLATE);
            if (b != LfSpec.Answer.AB && template.get().equals(DEFAULT_AB_TEMPLATE)) template.set(DEFAULT_TEMPLATE);
            if (b == LfSpec.Answer.SCORE) {
                min.set("7");
                max.set("");
            } else if (b == LfSpec.Answer.YES_NO) {
                min.set("1");
                max.set("");
            } else {
                min.set("");
                max.set("");
            }
        });
    }

    public ObjectProperty<Mode> modeProperty() { return mode; }
    public StringProperty nameProperty() { return name; }
    public StringProperty aspectProperty() { return aspect; }
    public ObjectProperty<Verdict> voteProperty() { return vote; }
    public ObjectProperty<ConditionNode> conditionProperty() { return condition; }
    /** Optional prompt scope: the prompt contains one of these words (one per line). */
    public StringProperty scopeKeywordsProperty() { return scopeKeywords; }
    public StringProperty ratioUnitProperty() { return ratioUnit; }
    public StringProperty ratioMinProperty() { return ratioMin; }
    public StringProperty baseUrlProperty() { return baseUrl; }
    public StringProperty modelProperty() { return model; }
    public StringProperty apiKeyEnvProperty() { return apiKeyEnv; }
    /** A key for this session only: never saved (not in the spec, the workspace or an export). */
    public StringProperty apiKeyProperty() { return apiKey; }
    public StringProperty templateProperty() { return template; }
    public ObjectProperty<LfSpec.Answer> answerProperty() { return answer; }
    public StringProperty minProperty() { return min; }
    public StringProperty maxProperty() { return max; }
    public ObservableList<String> errors() { return errors; }
    /** What the preview found: example pairs, or the model's answers with the votes they give. */
    public ObservableList<String> previewLines() { return previewLines; }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    public ReadOnlyStringProperty estimateProperty() { return estimate.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }

    /** Fills the server from the Generate step's saved settings (URL, model, key variable), if it has any. */
    public boolean useGenerateServer() {
        Workspace ws = workspace.get();
        if (ws == null) return false;
        String json = ws.settings().get(GenerateViewModel.SETTINGS).orElse(null);
        if (json == null) return false;
        try {
            JsonNode o = JSON.readTree(json);
            if (o.path("base_url").isTextual()) baseUrl.set(o.get("base_url").asText());
            if (o.path("model").isTextual() && !o.get("model").asText().isBlank()) model.set(o.get("model").asText());
            if (o.path("api_key_env").isTextual()) apiKeyEnv.set(o.get("api_key_env").asText());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** The spec the form describes; number fields that do not parse are added to {@code problems}. */
    public LfSpec spec(List<String> problems) {
        Verdict v = vote.get();
        Condition scope = null;
        List<String> words = Arrays.stream(scopeKeywords.get().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!words.isEmpty()) scope = new Condition.Keywords(words, null, null, null);
        String n = name.get().strip();
        return switch (mode.get()) {
            case COMPARE_CONDITION -> {
                List<SpecError> errs = new ArrayList<>();
                Condition c = condition.get() == null ? null : condition.get().toCondition("when", errs);
                errs.forEach(e -> problems.add(e.toString()));
                yield LfSpec.comparative(n, aspect.get(), v, scope, c);
            }
            case COMPARE_LENGTH -> LfSpec.lengthRatio(n, aspect.get(), v, scope, new LfSpec.Ratio(
                    "chars".equals(ratioUnit.get()) ? Condition.LengthUnit.CHARS : Condition.LengthUnit.WORDS, number(ratioMin.get(), "ratio", problems)));
            case JUDGE -> LfSpec.judge(n, aspect.get(), v, scope, new LfSpec.Judge(baseUrl.get().strip(), model.get().strip(),
                    apiKeyEnv.get().isBlank() ? null : apiKeyEnv.get().strip(), template.get(), answer.get(),
                    number(min.get(), "at least", problems), number(max.get(), "at most", problems), null));
        };
    }

    private static Double number(String s, String what, List<String> problems) {
        if (s == null || s.isBlank()) return null;
        try {
            return Double.parseDouble(s.strip().replace(',', '.'));
        } catch (NumberFormatException e) {
            problems.add(what + ": \"" + s + "\" is not a number");
            return null;
        }
    }

    /** The spec when it is valid; else the problems are shown and null returned. */
    private LfSpec checked(LabelingService s) {
        List<String> problems = new ArrayList<>();
        LfSpec spec = spec(problems);
        if (problems.isEmpty()) s.validate(spec).forEach(e -> problems.add(e.toString()));
        errors.setAll(problems);
        return problems.isEmpty() ? spec : null;
    }

    private LfSpec ready() {
        LabelingService s = service.get();
        if (s == null || busy.get()) return null;
        LfSpec spec = checked(s);
        if (spec != null && spec.kindOrDefault() == LfSpec.Kind.JUDGE) backend.useKey(spec.judge().baseUrl(), apiKey.get());
        return spec;
    }

    /** Comparative: the pairs it votes on, with coverage and gold accuracy. Judge: asks about {@value #PREVIEW_CANDIDATES} candidates. */
    public void preview() {
        LabelingService s = service.get();
        LfSpec spec = ready();
        if (spec == null) return;
        previewLines.clear();
        if (spec.kindOrDefault() == LfSpec.Kind.COMPARATIVE) {
            run("Previewing " + spec.name(), p -> pairPreview(s, s.previewPairs(spec, p)), lines -> {
                status.set(lines.get(0));
                previewLines.setAll(lines.subList(1, lines.size()));
            });
        } else {
            JudgeService judge = AppLabeling.judge(s.workspace(), s, backend);
            run("Asking " + spec.judge().model() + " about " + PREVIEW_CANDIDATES + " candidates", p -> {
                JudgeService.Report r = judge.preview(spec, PREVIEW_CANDIDATES, p);
                List<String> lines = new ArrayList<>();
                lines.add(report(r));
                for (JudgeService.Answer a : r.answers()) {
                    String shown = a.malformed() ? "unreadable → abstains"
                            : spec.judge().pairwise() ? (a.value() == 1.0 ? "A" : "B")
                            : a.vote() == null ? "abstains" : a.vote().name();
                    lines.add("“" + cut(a.response(), 70) + "”" + (a.otherResponse() == null ? "" : "  vs  “" + cut(a.otherResponse(), 50) + "”")
                            + "\n    model: " + cut(a.reply().replace('\n', ' '), 60) + "   →  " + shown);
                }
                lines.add(judge.estimate(spec, p).summary());
                return lines;
            }, lines -> {
                status.set(lines.get(0));
                estimate.set(lines.get(lines.size() - 1));
                previewLines.setAll(lines.subList(1, lines.size() - 1));
            });
        }
    }

    /** What asking over the whole workspace costs (judge LFs). */
    public void estimate() {
        LabelingService s = service.get();
        LfSpec spec = ready();
        if (spec == null) return;
        if (spec.kindOrDefault() != LfSpec.Kind.JUDGE) {
            estimate.set("A comparative LF costs nothing to apply: it reads the texts.");
            return;
        }
        JudgeService judge = AppLabeling.judge(s.workspace(), s, backend);
        run("Estimating " + spec.name(), p -> List.of(judge.estimate(spec, p).summary()), l -> estimate.set(l.get(0)));
    }

    /** Saves the LF (a new one, or the next version of one with that name) and, for a judge, asks the rest of the workspace. */
    public void applyToWorkspace() {
        LabelingService s = service.get();
        LfSpec spec = ready();
        if (spec == null) return;
        JudgeService judge = AppLabeling.judge(s.workspace(), s, backend);
        run((spec.kindOrDefault() == LfSpec.Kind.JUDGE ? "Asking " + spec.judge().model() + " for " : "Applying ") + spec.name(), p -> {
            LabelingFunction existing = s.list().stream().filter(l -> l.name().equalsIgnoreCase(spec.name())).findFirst().orElse(null);
            LabelingFunction lf = existing == null ? s.create(spec) : s.update(existing.id(), spec);
            List<String> lines = new ArrayList<>();
            if (spec.kindOrDefault() == LfSpec.Kind.JUDGE) lines.add(report(judge.run(spec, p)));
            if (spec.pairLevel()) {
                PairVotes.Column c = s.comparativeVotes(p).column(lf.name());
                lines.add(c == null ? "saved" : stats(c));
            } else {
                lines.add("saved; its votes show in the LF list after Apply all");
            }
            return lines;
        }, lines -> {
            status.set(String.join(" · ", lines));
            notifier.success("Saved", spec.name());
            saved.run();
        });
    }

    public void cancel() {
        if (running != null) running.cancel();
    }

    private <V> void run(String title, BackgroundTask.Work<V> work, java.util.function.Consumer<V> done) {
        busy.set(true);
        status.set(title + "…");
        running = executor.execute(BackgroundTask.of(title, work)
                .onSuccess(done::accept)
                .onFailure(e -> {
                    if (e instanceof InvalidLfException ie) errors.setAll(ie.errors().stream().map(SpecError::toString).toList());
                    status.set("Failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                    notifier.error(title + " failed", e);
                })
                .onCancelled(() -> status.set("Cancelled"))
                .onFinished(() -> busy.set(false)));
    }

    private static List<String> pairPreview(LabelingService s, PairVotes.Column c) {
        List<String> lines = new ArrayList<>();
        lines.add(stats(c));
        var corpus = s.corpus(dev.prefwork.core.Progress.NONE);
        for (int k = 0; k < Math.min(10, c.votes()); k++) {
            int a = corpus.rowOf(c.preferred()[k]), b = corpus.rowOf(c.other()[k]);
            lines.add("prefers “" + cut(corpus.text(a), 60) + "”\n    over “" + cut(corpus.text(b), 60) + "”");
        }
        return lines;
    }

    private static String stats(PairVotes.Column c) {
        return String.format(Locale.ROOT, "%,d pairs (%.1f %% of all pairs); gold pairs: %s", c.votes(), 100 * c.coverage(),
                c.accuracy() == null ? "none voted on" : String.format(Locale.ROOT, "%.0f %% right of %d", 100 * c.accuracy(), c.goldVoted()));
    }

    private static String report(JudgeService.Report r) {
        return r.questions() + " questions: " + r.asked() + " asked, " + r.cached() + " answered before, " + r.malformed()
                + " unreadable, " + r.failed() + " failed" + (r.firstError() == null ? "" : " (" + r.firstError() + ")");
    }

    private static String cut(String s, int n) {
        String t = s == null ? "" : s.replace('\n', ' ').strip();
        return t.length() > n ? t.substring(0, n - 1) + "…" : t;
    }
}
