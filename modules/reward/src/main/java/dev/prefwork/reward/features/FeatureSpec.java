package dev.prefwork.reward.features;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which features a reward model is fitted on, recorded with the model.
 *
 * @param groups              the feature groups to use
 * @param embeddingModel      "bundled" (the bundled MiniLM) or a folder with model.onnx and tokenizer.json
 * @param embeddingComponents how many principal components of the response embedding become features
 */
public record FeatureSpec(Set<FeatureGroup> groups, String embeddingModel, int embeddingComponents) {

    public static final String BUNDLED = "bundled";
    public static final int DEFAULT_COMPONENTS = 32;

    public FeatureSpec {
        groups = groups.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(groups));
        embeddingModel = embeddingModel == null || embeddingModel.isBlank() ? BUNDLED : embeddingModel;
        if (embeddingComponents < 1) throw new IllegalArgumentException("embeddingComponents must be ≥ 1");
    }

    public static FeatureSpec defaults() {
        return new FeatureSpec(EnumSet.allOf(FeatureGroup.class), BUNDLED, DEFAULT_COMPONENTS);
    }

    public boolean has(FeatureGroup g) {
        return groups.contains(g);
    }

    public boolean needsEmbeddings() {
        return has(FeatureGroup.EMBEDDING) || has(FeatureGroup.PROMPT_SIMILARITY) || has(FeatureGroup.GOLD_NEIGHBOURS);
    }

    public FeatureSpec withGroups(Set<FeatureGroup> g) {
        return new FeatureSpec(g, embeddingModel, embeddingComponents);
    }

    public FeatureSpec without(FeatureGroup g) {
        EnumSet<FeatureGroup> s = groups.isEmpty() ? EnumSet.noneOf(FeatureGroup.class) : EnumSet.copyOf(groups);
        s.remove(g);
        return withGroups(s);
    }

    public FeatureSpec withEmbeddingModel(String model) {
        return new FeatureSpec(groups, model, embeddingComponents);
    }
}
