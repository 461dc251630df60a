package dev.prefwork.training;

import java.util.Map;

/**
 * One metric line of a run: a logging step's train metrics ({@code loss}, {@code rewards/chosen} …) or an
 * evaluation's ({@code eval_loss} …), with TRL's names as the trainer printed them.
 *
 * @param seq the line's place in the run's stream
 */
public record MetricPoint(int seq, int step, Double epoch, boolean eval, Map<String, Double> values) {

    public MetricPoint {
        values = Map.copyOf(values);
    }

    /** A value, or NaN when the line has none. */
    public double get(String name) {
        Double v = values.get(name);
        return v == null ? Double.NaN : v;
    }
}
