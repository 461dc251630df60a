package dev.prefwork.app.reliability;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operations {@link CrashTortureTest} kills, each with its share of the kills. Adding one is one constant
 * here and one {@link TortureOperation}: the child JVM finds it by name, the test gives it its share.
 *
 * <p>Expected next: {@code BUNDLE_IMPORT} (a bundle merges whole or not at all), {@code GENERATION} (results kept as they
 * arrive, the job resumes; the API key in {@link TortureOperation#secrets()}), {@code REWARD_FIT} (a model and
 * its scores complete or absent, stale when its inputs changed).
 */
public enum Operation {
    /** Imports of candidates JSONL, CSV and TRL files: each dataset whole or absent. */
    IMPORT(3, ImportTorture::new),
    /** An expert labelling in the Compare view: every acknowledged judgment (and undo) is in the database. */
    GOLD_STREAM(3, GoldStreamTorture::new),
    /** LF library imports, edits (new versions) and applies: libraries whole, stored votes equal to a recomputation. */
    LF_APPLY(2, LfTorture::new),
    /** Label-model fits while LFs are switched on and off and gold grows: runs whole, staleness reported truly. */
    LABEL_MODEL_FIT(2, LabelModelTorture::new),
    /** Filling the embedding cache: vectors whole and normalised, text hashes true. */
    EMBED(1, EmbedTorture::new),
    /** Creating workspaces (the schema migrations) and the demo workspace: complete or absent, never half. */
    CREATE_WORKSPACE(2, CreateWorkspaceTorture::new),
    /** Pair sets built and saved, and exported (all formats) over files they replace: sets whole, exports complete or absent. */
    PAIR_EXPORT(2, PairExportTorture::new);

    private final int weight;
    private final Supplier<TortureOperation> factory;

    Operation(int weight, Supplier<TortureOperation> factory) {
        this.weight = weight;
        this.factory = factory;
    }

    public TortureOperation create() {
        return factory.get();
    }

    /** {@code total} kills shared by weight among {@code ops} (at least one each; the rounding goes to the first ones). */
    public static Map<Operation, Integer> quota(int total, List<Operation> ops) {
        int weights = 0;
        for (Operation o : ops) weights += o.weight;
        Map<Operation, Integer> out = new EnumMap<>(Operation.class);
        int given = 0;
        for (Operation o : ops) {
            int n = Math.max(1, total * o.weight / weights);
            out.put(o, n);
            given += n;
        }
        for (Operation o : ops) {
            if (given >= total) break;
            out.merge(o, 1, Integer::sum);
            given++;
        }
        return out;
    }
}
