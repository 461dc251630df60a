package dev.prefwork.app.cli;

import dev.prefwork.app.AppCuration;
import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.core.Progress;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.export.ExportFormat;
import dev.prefwork.curation.export.Exporter;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.PairSetRepository.StoredPairSet;
import dev.prefwork.store.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork export}: a saved pair set as TRL JSONL, SFT JSONL, CSV or a Hugging Face dataset folder. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a saved pair set (default: the newest) for training.",
                "trl: {\"prompt\", \"chosen\", \"rejected\"} + prompt_id, chosen_score, rejected_score, margin; trl-chat: the same with",
                "role/content message lists; sft: {\"prompt\", \"completion\"}; sft-chat: {\"messages\"}; csv; hf: a Hugging Face dataset",
                "folder (data/train.jsonl, data/test.jsonl split by prompt, README.md dataset card). Written atomically; the same",
                "pair set and options always give the same bytes."})
final class ExportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--format", required = true, paramLabel = "F", description = "trl, trl-chat, sft, sft-chat, csv or hf.")
    String format;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "<path>", description = "The file (or, for hf, the folder) to write.")
    Path out;

    @Option(names = "--pairs", paramLabel = "ID", description = "The pair set's id (`prefwork pairs <workspace> --list`); default the newest.")
    Long pairs;

    @Option(names = "--test-size", paramLabel = "F", defaultValue = "0.1", description = "hf: share of prompts in the test split (default 0.1).")
    double testSize;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "hf: seed of the split (default 42).")
    long seed;

    @Option(names = "--chat", description = "hf: rows as message lists (TRL conversational) instead of strings.")
    boolean chat;

    @Override
    public Integer call() {
        ExportFormat f = ExportFormat.parse(format);
        Exporter.Options options = new Exporter.Options(testSize, seed, chat);
        Exporter.Result r;
        StoredPairSet set;
        try (Workspace ws = WorkspaceArg.openExisting(workspace); LabelingService labeling = AppLabeling.service(ws, AppPaths.fromEnvironment())) {
            CurationService curation = AppCuration.service(ws, labeling);
            set = curation.pairSetOrLatest(pairs);
            r = new Exporter(ws, curation).export(set, f, out, options, Progress.NONE);
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "Exported pair set #%d \"%s\" as %s: %,d rows%s to %s%n", set.id(), set.name(), f.cliName(),
                r.rows(), f.folder() ? String.format(Locale.ROOT, " (train %,d, test %,d)", r.trainRows(), r.testRows()) : "", r.path());
        return 0;
    }
}
