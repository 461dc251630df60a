package dev.prefwork.labeling.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The candidates an engine labels, with their prompts: rows are candidates in ascending id order (the row
 * order of every vote column), each pointing at its prompt. Only what LFs read is kept — ids, texts,
 * categories — so 500K candidates cost their texts and a few bytes a row. Immutable once built.
 */
public final class Corpus {

    private final long[] candidateIds;
    private final int[] promptOfRow;
    private final String[] texts;
    private final long[] promptIds;
    private final String[] promptTexts;
    private final String[] promptCategories;
    /** Rows of prompt p are groupRows[groupStart[p] .. groupStart[p+1]). */
    private final int[] groupStart;
    private final int[] groupRows;

    private Corpus(long[] candidateIds, int[] promptOfRow, String[] texts, long[] promptIds, String[] promptTexts,
                   String[] promptCategories) {
        this.candidateIds = candidateIds;
        this.promptOfRow = promptOfRow;
        this.texts = texts;
        this.promptIds = promptIds;
        this.promptTexts = promptTexts;
        this.promptCategories = promptCategories;
        int p = promptIds.length;
        groupStart = new int[p + 1];
        for (int r : promptOfRow) groupStart[r + 1]++;
        for (int i = 0; i < p; i++) groupStart[i + 1] += groupStart[i];
        groupRows = new int[promptOfRow.length];
        int[] fill = Arrays.copyOf(groupStart, p);
        for (int row = 0; row < promptOfRow.length; row++) groupRows[fill[promptOfRow[row]]++] = row;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return candidateIds.length;
    }

    public long candidateId(int row) {
        return candidateIds[row];
    }

    /** A copy of the row → candidate id mapping. */
    public long[] candidateIds() {
        return candidateIds.clone();
    }

    /** The row of a candidate, or −1 when it is not in this corpus. */
    public int rowOf(long candidateId) {
        int i = Arrays.binarySearch(candidateIds, candidateId);
        return i >= 0 ? i : -1;
    }

    public String text(int row) {
        return texts[row];
    }

    /** Index of the row's prompt (0 .. prompts()-1). */
    public int promptIndex(int row) {
        return promptOfRow[row];
    }

    int[] promptOfRow() {
        return promptOfRow;
    }

    String[] texts() {
        return texts;
    }

    String[] promptTexts() {
        return promptTexts;
    }

    public int prompts() {
        return promptIds.length;
    }

    public long promptId(int prompt) {
        return promptIds[prompt];
    }

    public String promptText(int prompt) {
        return promptTexts[prompt];
    }

    /** The prompt's category, or null. */
    public String promptCategory(int prompt) {
        return promptCategories[prompt];
    }

    /** How many candidates prompt {@code prompt} has in this corpus. */
    public int groupSize(int prompt) {
        return groupStart[prompt + 1] - groupStart[prompt];
    }

    /** The {@code k}-th row (in row order) of prompt {@code prompt}'s candidates. */
    public int groupRow(int prompt, int k) {
        return groupRows[groupStart[prompt] + k];
    }

    /**
     * Collects prompts (any order) and then candidates (ascending id, each after its prompt); rows are taken
     * in the order candidates arrive. Prompts that get no candidate are kept (they cost one entry).
     */
    public static final class Builder {
        private final Map<Long, Integer> promptIndex = new HashMap<>();
        private long[] promptIds = new long[1024];
        private String[] promptTexts = new String[1024];
        private String[] promptCategories = new String[1024];
        private int prompts;
        private long[] ids = new long[4096];
        private int[] promptOf = new int[4096];
        private String[] texts = new String[4096];
        private int rows;

        public Builder prompt(long id, String text, String category) {
            if (promptIndex.putIfAbsent(id, prompts) != null) throw new IllegalArgumentException("prompt " + id + " added twice");
            if (prompts == promptIds.length) {
                int cap = prompts * 2;
                promptIds = Arrays.copyOf(promptIds, cap);
                promptTexts = Arrays.copyOf(promptTexts, cap);
                promptCategories = Arrays.copyOf(promptCategories, cap);
            }
            promptIds[prompts] = id;
            promptTexts[prompts] = text == null ? "" : text;
            promptCategories[prompts] = category;
            prompts++;
            return this;
        }

        public Builder candidate(long id, long promptId, String text) {
            Integer p = promptIndex.get(promptId);
            if (p == null) throw new IllegalArgumentException("candidate " + id + " refers to prompt " + promptId + ", which was not added");
            if (rows > 0 && id <= ids[rows - 1]) {
                throw new IllegalArgumentException("candidates must come in ascending id order: " + id + " after " + ids[rows - 1]);
            }
            if (rows == ids.length) {
                int cap = rows + (rows >> 1);
                ids = Arrays.copyOf(ids, cap);
                promptOf = Arrays.copyOf(promptOf, cap);
                texts = Arrays.copyOf(texts, cap);
            }
            ids[rows] = id;
            promptOf[rows] = p;
            texts[rows] = text == null ? "" : text;
            rows++;
            return this;
        }

        public int rows() {
            return rows;
        }

        public Corpus build() {
            return new Corpus(Arrays.copyOf(ids, rows), Arrays.copyOf(promptOf, rows), Arrays.copyOf(texts, rows),
                    Arrays.copyOf(promptIds, prompts), Arrays.copyOf(promptTexts, prompts), Arrays.copyOf(promptCategories, prompts));
        }
    }
}
