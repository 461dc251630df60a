package dev.prefwork.curation.pairs;

import java.util.Arrays;

/**
 * Pairs as parallel arrays (rows of {@link CurationData}; {@code rejected = -1} for an SFT pick), so a million
 * pairs cost tens of MB, not a million objects. Grows while built, read-only afterwards.
 */
public final class PairList {

    /** Why a pair is what it is, as bits. */
    public static final int GOLD_CHOSEN = 1, GOLD_REJECTED = 2, TIE_BROKEN = 4;

    private int size;
    private int[] chosen = new int[1024];
    private int[] rejected = new int[1024];
    private byte[] flags = new byte[1024];

    void add(int chosenRow, int rejectedRow, int flag) {
        if (size == chosen.length) {
            int n = size * 2;
            chosen = Arrays.copyOf(chosen, n);
            rejected = Arrays.copyOf(rejected, n);
            flags = Arrays.copyOf(flags, n);
        }
        chosen[size] = chosenRow;
        rejected[size] = rejectedRow;
        flags[size] = (byte) flag;
        size++;
    }

    /** The pairs whose {@code keep} is true, in order. */
    PairList select(boolean[] keep) {
        PairList out = new PairList();
        for (int i = 0; i < size; i++) if (keep[i]) out.add(chosen[i], rejected[i], flags[i]);
        return out;
    }

    public int size() {
        return size;
    }

    public int chosen(int i) {
        return chosen[i];
    }

    /** The rejected row, or -1 for an SFT pick. */
    public int rejected(int i) {
        return rejected[i];
    }

    public int flags(int i) {
        return flags[i];
    }

    public boolean gold(int i) {
        return (flags[i] & (GOLD_CHOSEN | GOLD_REJECTED)) != 0;
    }
}
