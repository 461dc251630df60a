package dev.prefwork.reward.features;

/**
 * One column of the feature matrix, with how its raw value was standardised ({@code (raw − mean) / scale}, so a
 * stored model can score a candidate it has not seen) and the explanation group its contribution is shown under.
 *
 * @param key          stable name ({@code "lf:<version id>"}, {@code "aspect:policy"}, {@code "text:length_z"}, {@code "embedding:3"})
 * @param group        the feature group
 * @param aspect       the LF aspect the column belongs to (LF votes and label-model columns), else null
 * @param lfVersionId  the LF version of a vote column, else null
 * @param explanation  index of the explanation group (see {@link ExplanationGroup})
 */
public record FeatureColumn(String key, FeatureGroup group, String aspect, Long lfVersionId, int explanation, double mean,
                            double scale) {
}
