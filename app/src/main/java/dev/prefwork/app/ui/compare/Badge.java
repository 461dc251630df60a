package dev.prefwork.app.ui.compare;

import java.util.Objects;

/**
 * A small fact shown on a candidate's card in the Compare view, next to its length: an LF vote, P(GOOD), a reward
 * score. Later pipeline steps supply them through a {@link BadgeProvider}; the card shows them in order, coloured
 * by {@link Tone}, with the tooltip on hover.
 *
 * @param source  who made it (e.g. "lf", "label-model", "reward"), also a style class {@code badge-<source>}
 * @param text    what the chip says, short ("P(GOOD) 0.82", "refusal ✗")
 * @param tooltip the longer explanation, or null
 */
public record Badge(String source, String text, String tooltip, Tone tone) {

    public enum Tone { NEUTRAL, GOOD, BAD, ACCENT, WARNING }

    public Badge {
        Objects.requireNonNull(source);
        Objects.requireNonNull(text);
        tone = tone == null ? Tone.NEUTRAL : tone;
    }
}
