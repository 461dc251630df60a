package dev.prefwork.curation.bundle;

/**
 * The colleague bundle ({@code .prefwork.zip}, DESIGN §4): every entry is listed with its size and SHA-256 in
 * {@code manifest.json}.
 * <pre>
 * manifest.json            format, format_version, app_version, created, entries [{name, size, sha256}]
 * lfs.json                 the LF library (prefwork-lfs, current versions, enabled flags)
 * gold.jsonl               the expert's gold (the `prefwork gold export` format; candidates by 0-based position)
 * data/candidates.jsonl    the prompts the sets and gold refer to, with all their candidates (the import format)
 * models/label-model.json  the label model's summary: LFs with learned accuracies, coverage (no predictions)
 * sets/N/set.json          pair set N: kind, name, strategy, parameters, funnel, provenance
 * sets/N/rows.jsonl        its rows: TRL (or SFT) JSONL with provenance and the candidates' positions
 * </pre>
 */
public final class BundleFormat {

    public static final String FORMAT = "prefwork-bundle";
    public static final int VERSION = 1;
    public static final String EXTENSION = ".prefwork.zip";

    public static final String MANIFEST = "manifest.json";
    public static final String LFS = "lfs.json";
    public static final String GOLD = "gold.jsonl";
    public static final String CANDIDATES = "data/candidates.jsonl";
    public static final String LABEL_MODEL = "models/label-model.json";

    private BundleFormat() {
    }

    static String setJson(int n) {
        return "sets/" + n + "/set.json";
    }

    static String rows(int n) {
        return "sets/" + n + "/rows.jsonl";
    }
}
