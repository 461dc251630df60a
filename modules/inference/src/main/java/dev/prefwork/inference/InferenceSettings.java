package dev.prefwork.inference;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How models are run.
 *
 * @param dataDir   folder the caller owns (workspace or user data folder); DJL's cache goes in {@code dataDir/djl-cache}
 * @param device    CPU, or GPU (falls back to the CPU with a message when CUDA is not usable)
 * @param threads   cores to use: batches run side by side, one ONNX Runtime thread each; 0 means every available core
 * @param batchSize texts (windows) per inference call
 */
public record InferenceSettings(Path dataDir, DeviceChoice device, int threads, int batchSize) {

    public static final int DEFAULT_BATCH_SIZE = 32;

    public InferenceSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(device, "device");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, was " + threads);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }

    /** CPU, every core, batches of 32. */
    public static InferenceSettings defaults(Path dataDir) {
        return new InferenceSettings(dataDir, DeviceChoice.CPU, 0, DEFAULT_BATCH_SIZE);
    }

    public InferenceSettings withDevice(DeviceChoice d) { return new InferenceSettings(dataDir, d, threads, batchSize); }

    public InferenceSettings withThreads(int t) { return new InferenceSettings(dataDir, device, t, batchSize); }

    public InferenceSettings withBatchSize(int b) { return new InferenceSettings(dataDir, device, threads, b); }

    /** The thread count actually used: {@link #threads()} or the number of available cores. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
