package dev.prefwork.labeling.lf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The named phrase lists a {@code phrase_list} template refers to. The built-in {@code refusal} and
 * {@code hedging} lists ship as resources; a workspace may replace them or add lists of its own. Immutable.
 */
public final class PhraseLists {

    public static final String REFUSAL = "refusal";
    public static final String HEDGING = "hedging";
    public static final int MAX_PHRASES = 2000;
    public static final int MAX_PHRASE_CHARS = 200;

    private static final PhraseLists BUILT_IN = new PhraseLists(Map.of(
            REFUSAL, readResource("refusal.txt"),
            HEDGING, readResource("hedging.txt")));

    private final Map<String, List<String>> lists;

    private PhraseLists(Map<String, List<String>> lists) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        lists.keySet().stream().sorted().forEach(k -> copy.put(k, List.copyOf(lists.get(k))));
        this.lists = Collections.unmodifiableMap(copy);
    }

    public static PhraseLists builtIn() {
        return BUILT_IN;
    }

    /** The built-in phrases of {@code name}, or an empty list for a list that is not built in. */
    public static List<String> builtIn(String name) {
        return BUILT_IN.lists.getOrDefault(name, List.of());
    }

    /** These lists with {@code name} replaced (or added) by {@code phrases}; blank phrases are dropped. */
    public PhraseLists with(String name, List<String> phrases) {
        Map<String, List<String>> m = new LinkedHashMap<>(lists);
        m.put(name, clean(phrases));
        return new PhraseLists(m);
    }

    public Set<String> names() {
        return lists.keySet();
    }

    public boolean has(String name) {
        return lists.containsKey(name);
    }

    public List<String> get(String name) {
        List<String> l = lists.get(name);
        if (l == null) throw new IllegalArgumentException("no phrase list named " + name);
        return l;
    }

    /** A short hash of one list's content: votes computed with it go stale when the list is edited. */
    public String fingerprint(String name) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            for (String p : lists.getOrDefault(name, List.of())) {
                md.update((byte) 0);
                md.update(p.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Problems with a list the expert typed (empty, too long, blank), as errors on {@code phrases[i]}. */
    public static List<SpecError> validate(String name, List<String> phrases) {
        List<SpecError> errors = new ArrayList<>();
        if (name == null || !name.matches("[a-z][a-z0-9_-]{0,63}")) {
            errors.add(new SpecError("name", "a list name is lowercase letters, digits, - or _ (up to 64)"));
        }
        if (phrases == null || clean(phrases).isEmpty()) {
            errors.add(new SpecError("phrases", "add at least one phrase"));
            return errors;
        }
        if (phrases.size() > MAX_PHRASES) errors.add(new SpecError("phrases", "at most " + MAX_PHRASES + " phrases"));
        for (int i = 0; i < phrases.size(); i++) {
            String p = phrases.get(i);
            if (p != null && p.strip().length() > MAX_PHRASE_CHARS) {
                errors.add(new SpecError("phrases[" + i + "]", "a phrase is at most " + MAX_PHRASE_CHARS + " characters"));
            }
        }
        return errors;
    }

    private static List<String> clean(List<String> phrases) {
        List<String> out = new ArrayList<>();
        for (String p : phrases) {
            if (p == null) continue;
            String s = p.strip();
            if (!s.isEmpty() && !s.startsWith("#") && !out.contains(s)) out.add(s);
        }
        return out;
    }

    private static List<String> readResource(String file) {
        try (InputStream in = PhraseLists.class.getResourceAsStream(file)) {
            Objects.requireNonNull(in, "missing resource " + file);
            List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
            return clean(lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhraseLists p && p.lists.equals(lists);
    }

    @Override
    public int hashCode() {
        return lists.hashCode();
    }
}
