package dev.prefwork.reward.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows every reward-model array shares: candidates in ascending id order (the order label-model predictions and
 * stored scores use), each with its prompt (as an index into {@link #promptIds()}) and its length; and each prompt's
 * rows in ascending candidate id order (import order, i.e. position order).
 */
public final class CandidateIndex {

    private final long[] candidateIds;
    private final int[] promptOfRow;
    private final long[] promptIds;
    private final int[][] rowsOfPrompt;
    private final int[] chars;

    /**
     * @param candidateIds ascending
     * @param promptIdOfRow the prompt id of each row
     * @param chars        each response's length in characters (code points)
     */
    public CandidateIndex(long[] candidateIds, long[] promptIdOfRow, int[] chars) {
        int n = candidateIds.length;
        if (promptIdOfRow.length != n || chars.length != n) throw new IllegalArgumentException("arrays differ in length");
        for (int i = 1; i < n; i++) {
            if (candidateIds[i] <= candidateIds[i - 1]) throw new IllegalArgumentException("candidate ids must ascend");
        }
        this.candidateIds = candidateIds;
        this.chars = chars;
        this.promptIds = Arrays.stream(promptIdOfRow).distinct().sorted().toArray();
        this.promptOfRow = new int[n];
        int[] counts = new int[promptIds.length];
        for (int r = 0; r < n; r++) {
            promptOfRow[r] = Arrays.binarySearch(promptIds, promptIdOfRow[r]);
            counts[promptOfRow[r]]++;
        }
        this.rowsOfPrompt = new int[promptIds.length][];
        for (int p = 0; p < promptIds.length; p++) rowsOfPrompt[p] = new int[counts[p]];
        int[] fill = new int[promptIds.length];
        for (int r = 0; r < n; r++) rowsOfPrompt[promptOfRow[r]][fill[promptOfRow[r]]++] = r;
    }

    public int rows() {
        return candidateIds.length;
    }

    public int prompts() {
        return promptIds.length;
    }

    public long[] candidateIds() {
        return candidateIds;
    }

    public long candidateId(int row) {
        return candidateIds[row];
    }

    /** Row of a candidate id, or a negative number. */
    public int rowOf(long candidateId) {
        return Arrays.binarySearch(candidateIds, candidateId);
    }

    public int promptOf(int row) {
        return promptOfRow[row];
    }

    public long promptId(int prompt) {
        return promptIds[prompt];
    }

    public long[] promptIds() {
        return promptIds;
    }

    /** Index of a prompt id, or a negative number. */
    public int promptIndex(long promptId) {
        return Arrays.binarySearch(promptIds, promptId);
    }

    /** The rows of a prompt (shared: do not modify). */
    public int[] rowsOf(int prompt) {
        return rowsOfPrompt[prompt];
    }

    public int chars(int row) {
        return chars[row];
    }

    public int[] chars() {
        return chars;
    }

    /** The prompts with at least {@code min} candidates. */
    public List<Integer> promptsWithAtLeast(int min) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < promptIds.length; p++) if (rowsOfPrompt[p].length >= min) out.add(p);
        return out;
    }
}
