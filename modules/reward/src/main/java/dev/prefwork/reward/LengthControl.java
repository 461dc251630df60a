package dev.prefwork.reward;

import java.util.Locale;

/**
 * Whether the reward model removes the length effect (issue 13, like length-controlled win rates): the model is fitted
 * with response length as an unpenalised nuisance covariate (the text statistics' two length columns), and candidates
 * are scored with their length held at their prompt's median, so length neither ranks them nor leaks into the
 * features that merely correlate with it.
 * <ul>
 *   <li>{@link #AUTO} (default): on when the plain model's within-prompt Spearman ρ between score and length reaches
 *       {@value #AUTO_THRESHOLD}: at ρ = 0.5 a ranking already orders about two pairs of answers in three the way
 *       "longer is better" would (Kendall τ ≈ 0.35, concordance (1 + τ)/2 ≈ 0.67), which is more than surface LFs
 *       should explain unless the gold says so;</li>
 *   <li>{@link #ON}, {@link #OFF}: always, never.</li>
 * </ul>
 */
public enum LengthControl {
    AUTO, ON, OFF;

    /** Within-prompt score–length Spearman ρ of the plain model at which {@link #AUTO} turns length control on. */
    public static final double AUTO_THRESHOLD = 0.5;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LengthControl parse(String s) {
        for (LengthControl c : values()) if (c.name().equalsIgnoreCase(s.strip())) return c;
        throw new IllegalArgumentException("unknown length control '" + s + "'; choose auto, on or off");
    }

    /** Whether a plain model with this within-prompt (or, where that is undefined, overall) ρ gets length control. */
    public boolean applies(double rhoWithin, double rhoAll) {
        return switch (this) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> (Double.isNaN(rhoWithin) ? rhoAll : rhoWithin) >= AUTO_THRESHOLD;
        };
    }
}
