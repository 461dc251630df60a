package dev.prefwork.labeling.model;

import java.util.Objects;

/**
 * One aspect's share of a per-aspect fit: which LFs (columns of the full matrix) belong to it, the model fitted on
 * them, and, for the UI, why that model: {@code fallback} is true when the chosen model could not be fitted and
 * majority vote stands in, with {@code reason} saying why in plain words.
 */
public record AspectResult(String aspect, int[] lfs, FittedLabelModel model, boolean fallback, String reason) {

    public AspectResult {
        Objects.requireNonNull(aspect);
        Objects.requireNonNull(model);
        Objects.requireNonNull(reason);
        lfs = lfs.clone();
    }

    @Override
    public int[] lfs() {
        return lfs.clone();
    }
}
