package dev.prefwork.labeling.model;

import java.util.List;

/** The label models by their stored/command-line names, each with its default parameters. */
public final class LabelModels {

    /** The default model (DESIGN §6). */
    public static final String DEFAULT_KIND = SnorkelLabelModel.KIND;

    private LabelModels() {
    }

    public static List<String> kinds() {
        return List.of(SnorkelLabelModel.KIND, MajorityVote.KIND, DawidSkeneLabelModel.KIND);
    }

    public static LabelModel byKind(String kind) {
        return switch (kind) {
            case SnorkelLabelModel.KIND -> new SnorkelLabelModel();
            case MajorityVote.KIND -> new MajorityVote();
            case DawidSkeneLabelModel.KIND -> new DawidSkeneLabelModel();
            default -> throw new IllegalArgumentException("unknown label model '" + kind + "'; known: " + kinds());
        };
    }
}
