package dev.prefwork.labeling.lf;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.prefwork.core.Verdict;

import java.util.List;

/**
 * An LF library file ({@code lfs.json}): what export writes, import reads, colleague bundles carry and the
 * demo ships. {@code format} is always {@link #FORMAT}; {@code version} is the format's version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LfLibrary(String format, Integer version, List<Entry> lfs) {

    public static final String FORMAT = "prefwork-lfs";
    public static final int VERSION = 1;

    public static LfLibrary of(List<Entry> lfs) {
        return new LfLibrary(FORMAT, VERSION, List.copyOf(lfs));
    }

    /** One LF of a library: its spec fields plus whether it is enabled (absent: enabled). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String name, String aspect, Verdict vote, String description, Condition promptScope,
                        Condition when, LfSpec.Kind kind, LfSpec.Ratio ratio, LfSpec.Judge judge, Boolean enabled) {

        public Entry {
            enabled = enabled == null || enabled;
            if (kind == LfSpec.Kind.CANDIDATE) kind = null;
        }

        /** An ordinary per-candidate LF. */
        public Entry(String name, String aspect, Verdict vote, String description, Condition promptScope, Condition when, Boolean enabled) {
            this(name, aspect, vote, description, promptScope, when, null, null, null, enabled);
        }

        public static Entry of(LfSpec spec, boolean enabled) {
            return new Entry(spec.name(), spec.aspect(), spec.vote(), spec.description(), spec.promptScope(), spec.when(),
                    spec.kind(), spec.ratio(), spec.judge(), enabled);
        }

        public LfSpec spec() {
            return new LfSpec(name, aspect, vote, description, promptScope, when, kind, ratio, judge);
        }
    }
}
