package dev.prefwork.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-wide switches that keep DJL offline, set before any DJL class starts its engine.
 *
 * <p>{@code ai.djl.offline} stops DJL from downloading engines or zoo models; {@code OPT_OUT_TRACKING} stops
 * its telemetry, which otherwise asks a cloud metadata address for an instance id the first time the engine
 * starts (DESIGN §15). DJL reads both, and {@code DJL_CACHE_DIR}/{@code ENGINE_CACHE_DIR}, from system
 * properties as well as the environment, so an installed app needs no wrapper script. The cache dir is where
 * the tokenizers' native library is unpacked; it lives under the folder the caller owns (the workspace or the
 * user data folder), never in {@code ~/.djl.ai}.
 */
public final class InferenceEnvironment {

    public static final String CACHE_SUBDIR = "djl-cache";

    private InferenceEnvironment() { }

    /** Sets the offline switches and points DJL's cache into {@code dataDir/djl-cache}; returns that folder. */
    public static synchronized Path prepare(Path dataDir) {
        Path cache = dataDir.toAbsolutePath().normalize().resolve(CACHE_SUBDIR);
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model cache folder " + cache + ": " + e.getMessage(), e);
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("DJL_CACHE_DIR", cache.toString());
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
        // Only our engine is on the class path; naming it saves DJL's engine discovery from guessing.
        System.setProperty("ai.djl.default_engine", "OnnxRuntime");
        return cache;
    }
}
