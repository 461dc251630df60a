package dev.prefwork.inference;

/**
 * One model input: token ids with their segment (type) ids, special tokens included, at most the window
 * size long. The attention mask is all ones; padding is added per batch by the translator.
 */
public record TokenWindow(long[] ids, long[] typeIds) {

    public TokenWindow {
        if (ids.length != typeIds.length) throw new IllegalArgumentException("ids and typeIds differ in length");
    }

    public int length() {
        return ids.length;
    }
}
