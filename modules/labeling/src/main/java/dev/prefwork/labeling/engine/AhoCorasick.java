package dev.prefwork.labeling.engine;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Finds many ASCII terms in one pass over a text (Aho–Corasick as a dense DFA over ASCII): a phrase list of
 * 40 phrases costs one scan instead of 40 indexOf calls. A non-ASCII character in the text cannot be part of
 * any term and resets the automaton.
 */
final class AhoCorasick {

    /** Receives a term occurrence ending just before {@code end}; returns true to stop scanning. */
    interface Hit {
        boolean hit(int term, int end);
    }

    private static final int[] NONE = new int[0];

    /** Next state for (state, char); negative (the sign bit set) when the next state ends a term. */
    private final int[] delta;
    /** Terms ending in each state, including those ending in its suffix states. */
    private final int[][] out;
    private static final ThreadLocal<char[]> BUFFER = ThreadLocal.withInitial(() -> new char[4096]);

    /** @param terms non-empty ASCII terms (already lowercased when matching ignores case) */
    AhoCorasick(String[] terms) {
        int maxStates = 1;
        for (String t : terms) maxStates += t.length();
        int[] next = new int[maxStates * 128];
        Arrays.fill(next, -1);
        int[][] outs = new int[maxStates][];
        int states = 1;
        for (int t = 0; t < terms.length; t++) {
            int s = 0;
            for (int k = 0; k < terms[t].length(); k++) {
                char c = terms[t].charAt(k);
                if (c >= 128) throw new IllegalArgumentException("not ASCII: " + terms[t]);
                int idx = s * 128 + c;
                if (next[idx] < 0) next[idx] = states++;
                s = next[idx];
            }
            outs[s] = add(outs[s], t);
        }
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < 128; c++) {
            int v = next[c];
            if (v < 0) next[c] = 0;
            else {
                fail[v] = 0;
                queue.add(v);
            }
        }
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (int c = 0; c < 128; c++) {
                int idx = u * 128 + c;
                int v = next[idx];
                int viaFail = next[fail[u] * 128 + c];
                if (v < 0) {
                    next[idx] = viaFail;
                } else {
                    fail[v] = viaFail;
                    if (outs[viaFail] != null) for (int t : outs[viaFail]) outs[v] = add(outs[v], t);
                    queue.add(v);
                }
            }
        }
        this.out = new int[states][];
        for (int s = 0; s < states; s++) out[s] = outs[s] == null ? NONE : outs[s];
        this.delta = Arrays.copyOf(next, states * 128);
        for (int k = 0; k < delta.length; k++) if (out[delta[k]].length != 0) delta[k] |= Integer.MIN_VALUE;
    }

    private static int[] add(int[] a, int t) {
        if (a == null) return new int[]{t};
        for (int x : a) if (x == t) return a;
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = t;
        return b;
    }

    void scan(String s, Hit hit) {
        int n = s.length();
        char[] buf = BUFFER.get();
        if (buf.length < n) {
            buf = new char[Math.max(n, buf.length * 2)];
            BUFFER.set(buf);
        }
        s.getChars(0, n, buf, 0); // one bulk copy beats a bounds- and coder-checked charAt per character
        int state = 0;
        int[] d = delta;
        for (int i = 0; i < n; i++) {
            char c = buf[i];
            if (c >= 128) {
                state = 0;
                continue;
            }
            int v = d[(state << 7) + c];
            state = v & Integer.MAX_VALUE;
            if (v < 0) {
                for (int t : out[state]) if (hit.hit(t, i + 1)) return;
            }
        }
    }
}
