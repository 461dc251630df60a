package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.InputException;
import dev.prefwork.store.Workspace;
import dev.prefwork.training.MetricPoint;
import dev.prefwork.training.TrainingRun;
import dev.prefwork.training.TrainingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork runs}: the workspace's training runs, brought up to date with what their trainers wrote. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List the training runs of a workspace: status, steps, duration, final metrics, folder.",
                "Runs whose trainer is still going (or ended while nobody followed it) are brought up to date first."})
final class RunsCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--id", paramLabel = "ID", description = "Only this run, with its metric points (with --json).")
    Long id;

    @Option(names = "--json", description = "Print JSON for machines.")
    boolean json;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Workspace ws = WorkspaceArg.openExisting(workspace); TrainingService service = new TrainingService(ws)) {
            service.catchUp();
            List<TrainingRun> runs = id == null ? service.runs()
                    : List.of(service.run(id).orElseThrow(() -> new InputException("no training run " + id + " in " + workspace)));
            if (json) {
                ArrayNode list = JSON.createArrayNode();
                for (TrainingRun r : runs) {
                    ObjectNode o = toJson(r);
                    if (id != null) {
                        ArrayNode points = o.putArray("metrics");
                        for (MetricPoint p : service.metrics(r.id())) {
                            ObjectNode n = points.addObject();
                            p.values().forEach(n::put);
                            n.put("step", p.step());
                        }
                    }
                    list.add(o);
                }
                out.println(list.toPrettyString());
                return 0;
            }
            if (runs.isEmpty()) {
                out.println("No training runs in " + workspace + " yet; start one with `prefwork train`.");
                return 0;
            }
            String fmt = "%4s  %-9s  %-13s  %8s  %8s  %8s  %8s  %9s  %s%n";
            out.printf(fmt, "id", "status", "steps", "duration", "loss", "margin", "accuracy", "eval acc.", "name");
            for (TrainingRun r : runs) {
                out.printf(fmt, r.id(), r.status().label(), r.totalSteps() == null ? String.valueOf(r.lastStep()) : r.lastStep() + "/" + r.totalSteps(),
                        TrainCommand.duration(r.duration(Instant.now())), num(r.metric("loss")), num(r.metric("rewards/margins")),
                        pct(r.metric("rewards/accuracies")), pct(r.metric("eval_rewards/accuracies")), r.name());
                if (id != null || r.error() != null) {
                    if (r.error() != null) out.println("      why: " + r.error().replace("\n", "\n           "));
                }
                if (id != null) {
                    out.println("      settings: " + r.config().summary());
                    out.println("      folder:   " + r.dir());
                    for (String a : r.artifacts()) out.println("      artifact: " + r.dir().resolve(a));
                }
            }
        }
        return 0;
    }

    private static ObjectNode toJson(TrainingRun r) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id());
        o.put("name", r.name());
        o.put("status", r.status().label());
        o.put("pairs", r.pairSource());
        o.put("pairCount", r.pairCount());
        o.put("model", r.model());
        o.put("folder", r.dir().toString());
        o.put("python", r.python());
        o.put("createdAt", r.createdAt().toString());
        o.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
        o.put("endedAt", r.endedAt() == null ? null : r.endedAt().toString());
        o.put("durationSeconds", r.duration(Instant.now()).toMillis() / 1000.0);
        if (r.totalSteps() == null) o.putNull("totalSteps");
        else o.put("totalSteps", r.totalSteps());
        o.put("lastStep", r.lastStep());
        Integer checkpoint = r.checkpointStep();
        if (checkpoint == null) o.putNull("checkpointStep");
        else o.put("checkpointStep", checkpoint);
        o.put("resumable", r.resumable());
        o.set("config", JSON.readTree(r.configJson()));
        ObjectNode metrics = o.putObject("finalMetrics");
        r.finalMetrics().forEach(metrics::put);
        ArrayNode artifacts = o.putArray("artifacts");
        r.artifacts().forEach(a -> artifacts.add(r.dir().resolve(a).toString()));
        o.put("error", r.error());
        if (r.exitCode() == null) o.putNull("exitCode");
        else o.put("exitCode", r.exitCode());
        return o;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
