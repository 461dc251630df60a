package dev.prefwork.app.cli;

import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.inference.DeviceChoice;
import dev.prefwork.inference.EmbeddingModel;
import dev.prefwork.inference.EmbeddingModels;
import dev.prefwork.inference.EmbeddingService;
import dev.prefwork.inference.InferenceEnvironment;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.ModelLoadException;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed every prompt and candidate text of a workspace that has no vector yet (offline).",
                "The vectors feed the similarity labeling functions; a second run computes nothing."})
final class EmbedCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--model", paramLabel = "<model>", defaultValue = EmbeddingModels.BUNDLED,
            description = "'bundled' (all-MiniLM-L6-v2, the default) or a folder with model.onnx and tokenizer.json.")
    String model;

    @Option(names = "--device", paramLabel = "<device>", defaultValue = "cpu",
            description = "cpu (default) or gpu; without a usable GPU the model runs on the CPU, with a message.")
    String device;

    @Override
    public Integer call() {
        DeviceChoice choice = parseDevice(device);
        // The user data folder holds DJL's cache (AppPaths.djlCache()); this also switches DJL offline.
        Path dataDir = AppPaths.fromEnvironment().home();
        InferenceEnvironment.prepare(dataDir);
        InferenceSettings settings = InferenceSettings.defaults(dataDir).withDevice(choice);
        try (Workspace ws = WorkspaceArg.openExisting(workspace); EmbeddingModel m = open(settings)) {
            if (m.deviceStatus().fellBack()) spec.commandLine().getErr().println("prefwork: " + m.deviceStatus().message());
            TerminalProgressBar bar = new TerminalProgressBar();
            EmbeddingService.Report r = new EmbeddingService(ws).embedMissing(m, bar);
            bar.finish();
            double seconds = r.elapsed().toNanos() / 1e9;
            spec.commandLine().getOut().printf(Locale.ROOT, "Embedded %,d of %,d pending texts with %s on the %s in %.1f s%s%n",
                    r.computed(), r.pending(), r.modelId(), m.deviceStatus().used().name(), seconds,
                    r.computed() > 0 && seconds > 0 ? String.format(Locale.ROOT, " (%.0f texts/s)", r.computed() / seconds) : "");
        }
        return 0;
    }

    private EmbeddingModel open(InferenceSettings settings) {
        try {
            return EmbeddingModels.open(model, settings);
        } catch (ModelLoadException e) {
            throw new InputException(e.getMessage());
        }
    }

    private static DeviceChoice parseDevice(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "cpu" -> DeviceChoice.CPU;
            case "gpu" -> DeviceChoice.GPU;
            default -> throw new InputException("--device must be cpu or gpu, not '" + s + "'");
        };
    }

    /** A redrawn bar with counts and rate on an interactive terminal; silent when stderr is redirected. */
    static final class TerminalProgressBar implements Progress {
        private static final int WIDTH = 30;
        private final boolean tty = System.console() != null;
        private long last;
        private boolean drawn;

        @Override
        public void update(long done, long total, String message) {
            long now = System.nanoTime();
            if (!tty || (now - last < 200_000_000L && done < total)) return;
            last = now;
            drawn = true;
            System.err.print("\r" + line(done, total, message) + "   ");
        }

        static String line(long done, long total, String message) {
            if (total <= 0) return message;
            int filled = (int) (WIDTH * Math.min(done, total) / total);
            return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + String.format(Locale.ROOT, "%3d%% ", 100 * done / total) + message;
        }

        void finish() {
            if (drawn) System.err.println();
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    }
}
