package dev.prefwork.inference;

import java.util.List;

/** Scores (prompt, response) pairs; {@link ExternalScorer} is the ONNX implementation. */
public interface PairScorer extends AutoCloseable {

    /** Stable id of the model and of every setting that changes its scores; stored scores are keyed by it. */
    String id();

    /** Outputs per pair: 1 for a reward model's logit, 2 or more for a classifier. */
    int classes();

    /** One score per pair; the two lists are parallel. Thread-safe. */
    List<ExternalScorer.Score> score(List<String> prompts, List<String> responses);

    DeviceStatus deviceStatus();

    @Override
    void close();
}
