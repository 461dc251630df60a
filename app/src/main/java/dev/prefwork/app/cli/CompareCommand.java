package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prefwork.app.AppComparisons;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.ApiKey;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.generation.eval.JudgeSummary;
import dev.prefwork.generation.eval.LengthControlledWinRate;
import dev.prefwork.generation.eval.WinRate;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.ComparisonService;
import dev.prefwork.training.EnvironmentCheck;
import dev.prefwork.training.PythonReport;
import dev.prefwork.training.TrainerGenerate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code prefwork compare}: before/after for a finished training run. The base and the tuned model answer held-out
 * prompts, the reward model scores both, and the tuned model's win rate is printed with its 95 % interval, overall
 * and per category; with {@code --judge-url} a judge model compares each pair too (both orders).
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Before/after: compare a finished run's tuned model with its base model on prompts it did not train on.",
                "Both answer each prompt; the answers are added to the prompts as candidates (model run-<id>:base / :tuned),",
                "the reward model is refitted to score them, and the win rate of tuned over base is printed. Examples:",
                "  prefwork compare my-ws --run 3",
                "  prefwork compare my-ws --run 3 --prompts 100 --judge-url http://localhost:8000/v1 --judge-model qwen2.5-7b",
                "  prefwork compare my-ws --list"})
final class CompareCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--run", paramLabel = "ID", description = "The finished training run to compare (see `prefwork runs`).")
    Long run;

    @Option(names = "--prompts", paramLabel = "N", description = "Held-out prompts to compare on (default " + ComparisonService.DEFAULT_PROMPTS + ").")
    int prompts = ComparisonService.DEFAULT_PROMPTS;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the prompt sample and of sampling (default 0).")
    long seed;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens per answer at most (default 128).")
    int maxNewTokens = 128;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default 0.7; 0: greedy).")
    double temperature = 0.7;

    @Option(names = "--base-url", paramLabel = "URL", description = "Let an OpenAI-compatible server answer for the base model (with --base-model).")
    String baseUrl;

    @Option(names = "--base-model", paramLabel = "NAME", description = "The base model's name on --base-url.")
    String baseModel;

    @Option(names = "--tuned-url", paramLabel = "URL", description = "Let an OpenAI-compatible server answer for the tuned model (with --tuned-model).")
    String tunedUrl;

    @Option(names = "--tuned-model", paramLabel = "NAME", description = "The tuned model's name on --tuned-url.")
    String tunedModel;

    @Option(names = "--judge-url", paramLabel = "URL", description = "An OpenAI-compatible server with a judge model: compare each pair with it too.")
    String judgeUrl;

    @Option(names = "--judge-model", paramLabel = "NAME", description = "The judge model's name on --judge-url.")
    String judgeModel;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the servers' API key.")
    String apiKeyEnv;

    @Option(names = "--python", paramLabel = "PATH", description = "The Python interpreter for the trainer (default: the best one found with torch).")
    Path python;

    @Option(names = "--list", description = "List the workspace's comparisons.")
    boolean list;

    @Option(names = "--show", paramLabel = "ID", description = "Print a stored comparison again.")
    Long show;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AppPaths paths = AppPaths.fromEnvironment();
        try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
            if (list) {
                ComparisonService s = AppComparisons.service(ws, paths, null);
                for (var c : s.comparisons(run)) {
                    var r = s.report(c.id()).orElseThrow();
                    out.printf(Locale.ROOT, "#%d  run %d  %s  %d prompts  %s%n", c.id(), c.runId(), c.status().toLowerCase(Locale.ROOT),
                            c.promptCount(), r.winRate().n() == 0 ? "" : "tuned wins " + percent(r.winRate()));
                }
                return 0;
            }
            if (show != null) {
                ComparisonService s = AppComparisons.service(ws, paths, null);
                print(out, s.report(show).orElseThrow(() -> new InputException("no comparison " + show)));
                return 0;
            }
            if (run == null) throw new InputException("--run ID is needed (the finished training run to compare; see `prefwork runs`)");
            ComparisonService.Source base = source("--base-url", baseUrl, "--base-model", baseModel);
            ComparisonService.Source tuned = source("--tuned-url", tunedUrl, "--tuned-model", tunedModel);
            ComparisonService.Judge judge = null;
            if (judgeUrl != null || judgeModel != null) {
                ComparisonService.Source j = source("--judge-url", judgeUrl, "--judge-model", judgeModel);
                judge = new ComparisonService.Judge(j.server(), j.key());
            }
            boolean needTrainer = base.trainer() || tuned.trainer();
            // bad input before the (slow) interpreter check
            AppComparisons.service(ws, paths, null).checkComparable(run);
            Path py = needTrainer ? choosePython(paths.trainerTools()) : null;
            ComparisonService service = AppComparisons.service(ws, paths, py);
            TrainerGenerate.Settings sampling = new TrainerGenerate.Settings(1, seed, maxNewTokens, temperature, 0.95);
            ComparisonService.Request request = new ComparisonService.Request(run, prompts, seed, sampling, base, tuned, judge);

            AtomicBoolean cancelled = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(1);
            EmbedCommand.TerminalProgressBar bar = new EmbedCommand.TerminalProgressBar();
            Progress progress = new Progress() {
                @Override public void update(long d, long t, String message) { bar.update(d, t, message); }
                @Override public boolean isCancelled() { return cancelled.get(); }
            };
            Thread hook = new Thread(() -> {
                // Ctrl+C: stop the trainer and record the comparison as cancelled before the JVM goes
                cancelled.set(true);
                try {
                    done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "prefwork-compare-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            ComparisonService.Report report;
            try {
                report = service.compare(request, progress);
            } catch (Progress.Cancelled e) {
                spec.commandLine().getErr().println("prefwork: the comparison was cancelled");
                return TrainCommand.EXIT_CANCELLED;
            } finally {
                bar.finish();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs
                }
            }
            print(out, report);
            return 0;
        }
    }

    private void print(PrintWriter out, ComparisonService.Report r) throws Exception {
        if (json) {
            out.println(JSON.writeValueAsString(ComparisonService.summary(r)));
            return;
        }
        out.printf(Locale.ROOT, "Comparison #%d of run %d (%s): %d held-out prompts%n", r.id(), r.runId(),
                r.status().toLowerCase(Locale.ROOT), r.prompts());
        if (r.error() != null) out.println("  " + r.error());
        out.printf(Locale.ROOT, "Reward model%s: tuned wins %s%n", r.rewardModelId() == null ? "" : " #" + r.rewardModelId(),
                percent(r.winRate()));
        int width = r.categories().stream().mapToInt(c -> c.category().length()).max().orElse(8);
        for (ComparisonService.CategoryRate c : r.categories()) {
            out.printf(Locale.ROOT, "  %-" + width + "s  %s%n", c.category(), percent(c.winRate()));
        }
        JudgeSummary j = r.judge();
        if (j != null) {
            LengthControlledWinRate lc = j.lengthControlled();
            out.printf(Locale.ROOT, "Judge%s: tuned wins %s; %d tuned, %d base, %d ties (the two orders disagreed), %d without a vote%n",
                    r.judgeModel() == null ? "" : " " + r.judgeModel(), percent(j.winRate()), j.tuned(), j.base(), j.ties(), j.noVote());
            out.printf(Locale.ROOT, "  length-controlled: %.1f%% [%.1f%%, %.1f%%] (at equal length)%n", 100 * lc.rate(), 100 * lc.low(), 100 * lc.high());
        }
    }

    static String percent(WinRate w) {
        if (w.n() == 0) return "n/a (no scored pair)";
        return String.format(Locale.ROOT, "%.1f%% [95%% CI %.1f%%, %.1f%%] over %d (%d wins, %d ties, %d losses)", 100 * w.rate(),
                100 * w.low(), 100 * w.high(), w.n(), w.wins(), w.ties(), w.losses());
    }

    private ComparisonService.Source source(String urlOption, String url, String modelOption, String model) {
        if (url == null && model == null) return ComparisonService.Source.TRAINER;
        if (url == null || model == null) throw new InputException(urlOption + " and " + modelOption + " go together");
        OpenAiConfig c = OpenAiConfig.of(ServerPreset.CUSTOM, model).withBaseUrl(url).withTimeout(Duration.ofSeconds(120));
        if (apiKeyEnv != null) c = c.withApiKeyEnv(apiKeyEnv);
        ApiKey key = apiKeyEnv == null ? null : ApiKey.fromEnvironment(apiKeyEnv, System.getenv());
        return new ComparisonService.Source(c, key);
    }

    private Path choosePython(Path tools) {
        EnvironmentCheck check = new EnvironmentCheck(tools);
        if (python != null) {
            PythonReport r = check.probe(python);
            if (!r.hasTorch()) {
                throw new InputException("--python " + python + ": " + (r.advice().isEmpty() ? "cannot run the trainer" : r.advice().get(0).message()));
            }
            return python;
        }
        EnvironmentCheck.Report report = check.run(null);
        if (!report.ready()) throw new InputException(report.advice().get(0).message());
        return report.chosen().path();
    }
}
