package dev.prefwork.reward;

import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.FeatureMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The length columns of a feature matrix (the text statistics' {@code text:length_z} and {@code text:length_log}) and
 * the matrix with every candidate's length set to its prompt's median: what {@link LengthControl} scores on. The
 * values are computed the way {@code TextFeatures} computes them (z within the prompt, log(1 + characters)), then
 * standardised with the columns' own mean and scale.
 */
final class LengthNuisance {

    static final String LENGTH_Z = "text:length_z";
    static final String LENGTH_LOG = "text:length_log";

    private LengthNuisance() {
    }

    /** Indices of the length columns (empty when the text statistics are not among the features). */
    static int[] columns(FeatureMatrix x) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < x.cols(); j++) {
            String key = x.columns().get(j).key();
            if (key.equals(LENGTH_Z) || key.equals(LENGTH_LOG)) out.add(j);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A copy of {@code x} with the length columns at each prompt's median length. */
    static FeatureMatrix atMedian(FeatureMatrix x, CandidateIndex index, int[] lengthColumns) {
        int d = x.cols();
        float[] v = x.data().clone();
        for (int p = 0; p < index.prompts(); p++) {
            int[] rows = index.rowsOf(p);
            double[] c = new double[rows.length];
            double mean = 0;
            for (int i = 0; i < rows.length; i++) {
                c[i] = index.chars(rows[i]);
                mean += c[i] / rows.length;
            }
            double var = 0;
            for (double ci : c) var += (ci - mean) * (ci - mean) / rows.length;
            double sd = Math.sqrt(var);
            double[] sorted = c.clone();
            Arrays.sort(sorted);
            int m = sorted.length;
            double median = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2;
            for (int j : lengthColumns) {
                var col = x.columns().get(j);
                double raw = col.key().equals(LENGTH_Z) ? (sd > 0 ? (median - mean) / sd : 0) : Math.log1p(median);
                float value = (float) ((raw - col.mean()) / col.scale());
                for (int r : rows) v[r * d + j] = value;
            }
        }
        return new FeatureMatrix(x.rows(), x.columns(), x.explanations(), v);
    }
}
