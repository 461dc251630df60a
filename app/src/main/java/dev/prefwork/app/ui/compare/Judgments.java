package dev.prefwork.app.ui.compare;

import dev.prefwork.core.CandidateGold;
import dev.prefwork.core.Preference;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository.PromptJudgments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the expert has said about one prompt, as the Compare view shows it: best and worst (candidate ids), the
 * note, GOOD/BAD and 1–5 ratings per candidate id, and pairwise preferences. Immutable; each change makes a new one.
 */
public record Judgments(Long best, Long worst, String note, Map<Long, Verdict> labels, Map<Long, Integer> ratings,
                        List<Preference> preferences) {

    public static final Judgments NONE = new Judgments(null, null, null, Map.of(), Map.of(), List.of());

    public Judgments {
        note = note == null || note.isBlank() ? null : note;
        labels = Map.copyOf(labels);
        ratings = Map.copyOf(ratings);
        preferences = List.copyOf(preferences);
    }

    public static Judgments of(PromptJudgments j) {
        Map<Long, Verdict> labels = new HashMap<>();
        Map<Long, Integer> ratings = new HashMap<>();
        for (CandidateGold g : j.candidates()) {
            if (g.label() != null) labels.put(g.candidateId(), g.label());
            if (g.rating() != null) ratings.put(g.candidateId(), g.rating());
        }
        return new Judgments(j.prompt().bestCandidateId(), j.prompt().worstCandidateId(), j.prompt().note(), labels, ratings,
                j.preferences());
    }

    /** True when nothing is recorded (the prompt is not labelled). */
    public boolean isEmpty() {
        return best == null && worst == null && note == null && labels.isEmpty() && ratings.isEmpty() && preferences.isEmpty();
    }

    public Verdict label(long candidateId) {
        return labels.get(candidateId);
    }

    public Integer rating(long candidateId) {
        return ratings.get(candidateId);
    }

    public boolean isBest(long candidateId) {
        return best != null && best == candidateId;
    }

    public boolean isWorst(long candidateId) {
        return worst != null && worst == candidateId;
    }

    /** The preferred one of the pair, or null when the expert has not compared them. */
    public Long preferred(long a, long b) {
        for (Preference p : preferences) {
            if ((p.preferred() == a && p.other() == b) || (p.preferred() == b && p.other() == a)) return p.preferred();
        }
        return null;
    }

    /** Best; the worst is cleared when it is the same candidate. */
    public Judgments withBest(Long id) {
        return new Judgments(id, Objects.equals(worst, id) ? null : worst, note, labels, ratings, preferences);
    }

    /** Worst; the best is cleared when it is the same candidate. */
    public Judgments withWorst(Long id) {
        return new Judgments(Objects.equals(best, id) ? null : best, id, note, labels, ratings, preferences);
    }

    public Judgments withNote(String text) {
        return new Judgments(best, worst, text, labels, ratings, preferences);
    }

    public Judgments withLabel(long candidateId, Verdict v) {
        Map<Long, Verdict> m = new LinkedHashMap<>(labels);
        if (v == null) m.remove(candidateId);
        else m.put(candidateId, v);
        return new Judgments(best, worst, note, m, ratings, preferences);
    }

    public Judgments withRating(long candidateId, Integer r) {
        Map<Long, Integer> m = new LinkedHashMap<>(ratings);
        if (r == null) m.remove(candidateId);
        else m.put(candidateId, r);
        return new Judgments(best, worst, note, labels, m, preferences);
    }

    /** Sets ({@code preferred} non-null) or removes the preference between a and b. */
    public Judgments withPreference(long promptId, long a, long b, Long preferred) {
        List<Preference> list = new ArrayList<>();
        for (Preference p : preferences) {
            boolean samePair = (p.preferred() == a && p.other() == b) || (p.preferred() == b && p.other() == a);
            if (!samePair) list.add(p);
        }
        if (preferred != null) list.add(new Preference(promptId, preferred, preferred == a ? b : a));
        list.sort((x, y) -> {
            long xa = Math.min(x.preferred(), x.other()), ya = Math.min(y.preferred(), y.other());
            if (xa != ya) return Long.compare(xa, ya);
            return Long.compare(Math.max(x.preferred(), x.other()), Math.max(y.preferred(), y.other()));
        });
        return new Judgments(best, worst, note, labels, ratings, list);
    }
}
