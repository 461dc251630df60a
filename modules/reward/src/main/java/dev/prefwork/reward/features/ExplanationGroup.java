package dev.prefwork.reward.features;

/**
 * What the expert sees a contribution under: one per LF, per label-model aspect and per text statistic, and one for
 * all embedding components together (a single component means nothing to a reader).
 *
 * @param label    plain words ("Length vs the other answers", "LF: Refusal or deflection")
 * @param aspect   the aspect whose slider scales this group's contribution, or null (not an aspect's)
 * @param lfId     the labeling function of an LF group, else null
 * @param vote     an LF group's vote ("GOOD" or "BAD"), else null
 * @param accuracy an LF group's accuracy as the label model saw it (on gold with ≥ 5 gold hits, else learned), NaN if unknown
 */
public record ExplanationGroup(String key, String label, FeatureGroup group, String aspect, Long lfId, String vote, double accuracy) {

    public ExplanationGroup(String key, String label, FeatureGroup group, String aspect, Long lfId) {
        this(key, label, group, aspect, lfId, null, Double.NaN);
    }

    public boolean isLf() {
        return lfId != null;
    }
}
