package dev.prefwork.reward.train;

import dev.prefwork.reward.features.ExplanationGroup;
import dev.prefwork.reward.features.FeatureColumn;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.FeatureMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Feature matrices built in the tests: random ones, and ones from given values. */
public final class Matrices {

    private Matrices() {
    }

    /** {@code rows} × {@code cols} standard-normal values; column j is its own explanation group. */
    public static FeatureMatrix random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return of(rows, cols, x);
    }

    public static FeatureMatrix of(int rows, int cols, float[] x) {
        List<FeatureColumn> columns = new ArrayList<>();
        List<ExplanationGroup> groups = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            columns.add(new FeatureColumn("f" + j, FeatureGroup.TEXT_STATS, null, null, j, 0, 1));
            groups.add(new ExplanationGroup("f" + j, "feature " + j, FeatureGroup.TEXT_STATS, null, null));
        }
        return new FeatureMatrix(rows, columns, groups, x);
    }
}
