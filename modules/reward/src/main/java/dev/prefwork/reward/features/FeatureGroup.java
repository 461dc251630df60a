package dev.prefwork.reward.features;

/**
 * The kinds of features a reward model can use (DESIGN §7). A model records which it was fitted with; every
 * feature column belongs to one.
 */
public enum FeatureGroup {
    /** the response's embedding (bundled MiniLM by default), reduced to its main components */
    EMBEDDING("embedding", "Response embedding"),
    /** cosine between the response's and the prompt's embeddings */
    PROMPT_SIMILARITY("prompt-similarity", "Similarity to the prompt"),
    /** each enabled labeling function's vote (+1 GOOD, −1 BAD, 0 abstain) */
    LF_VOTES("lf-votes", "Labeling function votes"),
    /** the latest label model's P(GOOD) per aspect, as log-odds */
    LABEL_MODEL("label-model", "Label model P(GOOD) per aspect"),
    /** length, lists, code, tables, bold, repetition, readability, prompt words: relative to the prompt's other candidates */
    TEXT_STATS("text-stats", "Text statistics"),
    /** how much closer the response is to your GOOD than your BAD responses of similar prompts (see {@link GoldNeighbours}) */
    GOLD_NEIGHBOURS("gold-knn", "Like your gold of similar prompts");

    private final String key;
    private final String title;

    FeatureGroup(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** The name in the CLI, the JSON and the settings. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public static FeatureGroup parse(String key) {
        for (FeatureGroup g : values()) {
            if (g.key.equalsIgnoreCase(key.strip()) || g.name().equalsIgnoreCase(key.strip())) return g;
        }
        throw new IllegalArgumentException("unknown feature group '" + key + "'; choose from embedding, prompt-similarity, "
                + "lf-votes, label-model, text-stats, gold-knn");
    }
}
