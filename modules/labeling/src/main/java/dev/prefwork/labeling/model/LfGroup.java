package dev.prefwork.labeling.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * LFs the label model should not treat as independent witnesses (they measure the same thing, e.g. length), by
 * column index of the matrix the model is fitted on, and how to model them ({@link GroupedLabelModel}).
 */
public record LfGroup(int[] lfs, Mode mode) {

    public enum Mode {
        /** One LF: the group's majority vote (a tie abstains), fitted and weighed once. */
        MERGE,
        /**
         * Each member keeps its own accuracy, fitted with the rest of its group left out, and the group's weights
         * are divided by its design effect so it counts as its effective number of independent LFs.
         */
        DEPENDENT;

        public String key() {
            return name().toLowerCase();
        }

        public static Mode parse(String s) {
            return switch (s.trim().toLowerCase()) {
                case "merge" -> MERGE;
                case "dependent" -> DEPENDENT;
                default -> throw new IllegalArgumentException("unknown group mode '" + s + "'; known: merge, dependent");
            };
        }
    }

    public LfGroup {
        Objects.requireNonNull(mode);
        lfs = lfs.clone();
        Arrays.sort(lfs);
        if (lfs.length < 2) throw new IllegalArgumentException("a group needs at least two LFs");
        for (int i = 1; i < lfs.length; i++) {
            if (lfs[i] == lfs[i - 1]) throw new IllegalArgumentException("LF " + lfs[i] + " twice in a group");
        }
    }

    @Override
    public int[] lfs() {
        return lfs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LfGroup g && g.mode == mode && Arrays.equals(g.lfs, lfs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lfs) + mode.hashCode();
    }

    @Override
    public String toString() {
        return mode.key() + Arrays.toString(lfs);
    }
}
