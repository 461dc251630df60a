package dev.prefwork.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a tokenised text into windows of at most {@code maxTokens} tokens, each framed by the same special
 * tokens the tokenizer put around the whole text ([CLS] … [SEP] for BERT-like models, &lt;s&gt; … &lt;/s&gt; for
 * XLM-R), so every window is an input the model was trained on.
 */
final class TextWindows {

    private TextWindows() { }

    /**
     * @param ids         the whole text's ids, special tokens included, not truncated
     * @param typeIds     its type ids
     * @param specialMask 1 where {@code ids} holds a special token
     */
    static List<TokenWindow> split(long[] ids, long[] typeIds, long[] specialMask, int maxTokens) {
        int n = ids.length;
        int prefix = 0;
        while (prefix < n && specialMask[prefix] == 1) prefix++;
        int suffix = 0;
        while (suffix < n - prefix && specialMask[n - 1 - suffix] == 1) suffix++;
        int content = n - prefix - suffix;
        int room = maxTokens - prefix - suffix;
        if (room < 1) throw new IllegalArgumentException("window of " + maxTokens + " tokens leaves no room for text");
        if (content <= room) return List.of(new TokenWindow(ids, typeIds));

        List<TokenWindow> windows = new ArrayList<>(content / room + 1);
        for (int start = prefix; start < prefix + content; start += room) {
            int len = Math.min(room, prefix + content - start);
            long[] wIds = new long[prefix + len + suffix];
            long[] wTypes = new long[wIds.length];
            System.arraycopy(ids, 0, wIds, 0, prefix);
            System.arraycopy(ids, start, wIds, prefix, len);
            System.arraycopy(ids, n - suffix, wIds, prefix + len, suffix);
            System.arraycopy(typeIds, 0, wTypes, 0, prefix);
            System.arraycopy(typeIds, start, wTypes, prefix, len);
            System.arraycopy(typeIds, n - suffix, wTypes, prefix + len, suffix);
            windows.add(new TokenWindow(wIds, wTypes));
        }
        return windows;
    }

}
