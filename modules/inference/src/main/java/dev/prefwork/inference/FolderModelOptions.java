package dev.prefwork.inference;

/**
 * How to use a sentence-embedding model from a folder the user chose.
 *
 * @param pooling    MEAN for sentence-transformers/e5 exports, CLS for bge
 * @param maxTokens  window size in tokens, special tokens included (at most the model's position limit, 512 for BERT)
 * @param textPrefix put before every text (e5 expects {@code "passage: "} or {@code "query: "}); empty for none
 */
public record FolderModelOptions(Pooling pooling, int maxTokens, String textPrefix) {

    public FolderModelOptions {
        if (pooling == null) throw new IllegalArgumentException("pooling is required");
        if (maxTokens < 8) throw new IllegalArgumentException("maxTokens must be >= 8, was " + maxTokens);
        if (textPrefix == null) textPrefix = "";
    }

    public static FolderModelOptions defaults() {
        return new FolderModelOptions(Pooling.MEAN, OnnxEmbeddingModel.WINDOW_TOKENS, "");
    }
}
