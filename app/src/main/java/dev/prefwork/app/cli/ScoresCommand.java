package dev.prefwork.app.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.app.AppReward;
import dev.prefwork.core.InputException;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.reward.RewardScores;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork scores}: the latest reward model's score of every candidate, one JSON line each. */
@Command(name = "scores", mixinStandardHelpOptions = true,
        description = {"Write the latest reward model's score of every candidate as JSON lines:",
                "{\"prompt_id\", \"candidate_index\", \"model\", \"score\", \"p_good\"} (the prompt's id and the candidate's"
                        + " model as imported; candidate_index is its 0-based position). The file is written whole or not at all."})
final class ScoresCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the JSONL (replaced if it exists).")
    Path out;

    @Override
    public Integer call() {
        Path target = out.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) throw new InputException("--out " + out + " is a folder; name a file, e.g. scores.jsonl");
        Path parent = target.getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new InputException("--out " + out + ": the folder " + parent + " does not exist");
        long written;
        RewardScores scores;
        try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
            scores = AppReward.service(ws, labeling, new LabelModelService(ws, labeling), AppPaths.fromEnvironment()).latestScores()
                    .orElseThrow(() -> new InputException("no reward model fitted in " + workspace + " yet; run `prefwork reward fit "
                            + workspace + "` first"));
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            long[] count = {0};
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8)) {
                g.setRootValueSeparator(null);
                IOException[] failure = {null};
                ws.bulk().candidateRefs((id, promptSourceId, position, model) -> {
                    int r = scores.rowOf(id);
                    if (r < 0 || failure[0] != null) return; // imported after the fit: no score yet
                    try {
                        g.writeStartObject();
                        g.writeStringField("prompt_id", promptSourceId);
                        g.writeNumberField("candidate_index", position);
                        if (model == null) g.writeNullField("model");
                        else g.writeStringField("model", model);
                        g.writeNumberField("score", scores.scores()[r]);
                        g.writeNumberField("p_good", scores.pGood()[r]);
                        g.writeEndObject();
                        g.writeRaw('\n');
                        count[0]++;
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                });
                if (failure[0] != null) throw failure[0];
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            }
            move(tmp, target);
            written = count[0];
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %,d scores of reward model #%d to %s%n", written, scores.modelId(), out);
        if (scores.stale()) {
            spec.commandLine().getErr().println("prefwork: note: reward model #" + scores.modelId() + " is stale (" + scores.staleReason()
                    + "); refit with `prefwork reward fit " + workspace + "` for current scores");
        }
        return 0;
    }

    private static void move(Path tmp, Path target) {
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a stale temp file is harmless
        }
    }
}
