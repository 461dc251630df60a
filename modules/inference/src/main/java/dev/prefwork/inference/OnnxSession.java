package dev.prefwork.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.util.PairList;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX model loaded through DJL's ONNX Runtime engine, on the device the settings ask for or, when CUDA
 * cannot be used, on the CPU with a {@link DeviceStatus} that says why.
 */
final class OnnxSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnnxSession.class);

    static final String HOW_TO_ENABLE_GPU = "To use an NVIDIA GPU, install the CUDA 12 runtime and cuDNN 9 and run Prefwork with"
            + " ONNX Runtime's GPU build (com.microsoft.onnxruntime:onnxruntime_gpu in place of onnxruntime; see docs/INFERENCE.md).";

    /** Where the model bytes come from: a jar resource or a file the user chose. */
    interface Source {
        void loadInto(Model model, Map<String, Object> options) throws IOException, MalformedModelException;

        static Source resource(Class<?> anchor, String name) {
            return (model, options) -> {
                try (InputStream in = anchor.getResourceAsStream(name)) {
                    if (in == null) throw new IOException("resource " + name + " is not on the class path");
                    model.load(in, options);
                }
            };
        }

        static Source file(Path onnxFile) {
            return (model, options) -> {
                if (!Files.isRegularFile(onnxFile)) throw new IOException("no ONNX file at " + onnxFile);
                model.load(onnxFile, null, options);
            };
        }
    }

    private final Model model;
    private final SessionOptions sessionOptions;
    private final DeviceStatus deviceStatus;
    private final List<String> inputNames;

    private OnnxSession(Model model, SessionOptions sessionOptions, DeviceStatus deviceStatus) {
        this.model = model;
        this.sessionOptions = sessionOptions;
        this.deviceStatus = deviceStatus;
        PairList<String, ?> described = model.describeInput();
        this.inputNames = described == null ? List.of() : List.copyOf(described.keys());
    }

    static OnnxSession load(String name, Source source, InferenceSettings settings) {
        return load(name, source, settings, true);
    }

    /**
     * @param checkProviders false skips the "is CUDA in this ONNX Runtime build" check, so tests can drive
     *                       the second fallback path (the session itself failing to start on CUDA)
     */
    static OnnxSession load(String name, Source source, InferenceSettings settings, boolean checkProviders) {
        return load(name, source, settings, checkProviders, 1);
    }

    /**
     * @param intraOpThreads ONNX Runtime threads inside one run: 1 where batches run side by side (embeddings),
     *                       more where one sequence at a time is all there is to run (a causal LM's decoding steps)
     */
    static OnnxSession load(String name, Source source, InferenceSettings settings, boolean checkProviders, int intraOpThreads) {
        InferenceEnvironment.prepare(settings.dataDir());
        if (settings.device() == DeviceChoice.GPU) {
            String problem = checkProviders ? cudaMissingReason() : null;
            if (problem == null) {
                try {
                    return open(name, source, intraOpThreads, Device.gpu(),
                            new DeviceStatus(DeviceChoice.GPU, DeviceChoice.GPU, "Running on the GPU (CUDA)."));
                } catch (IOException | MalformedModelException | RuntimeException e) {
                    problem = "CUDA could not be started (" + rootMessage(e) + ")";
                }
            }
            String message = "GPU requested, but " + problem + ". Running on the CPU instead. " + HOW_TO_ENABLE_GPU;
            log.warn("{}: {}", name, message);
            try {
                return open(name, source, intraOpThreads, Device.cpu(), new DeviceStatus(DeviceChoice.GPU, DeviceChoice.CPU, message));
            } catch (IOException | MalformedModelException e) {
                throw new ModelLoadException("cannot load the model " + name + ": " + rootMessage(e), e);
            }
        }
        try {
            return open(name, source, intraOpThreads, Device.cpu(), DeviceStatus.cpu());
        } catch (IOException | MalformedModelException e) {
            throw new ModelLoadException("cannot load the model " + name + ": " + rootMessage(e), e);
        }
    }

    private static OnnxSession open(String name, Source source, int intraOpThreads, Device device, DeviceStatus status)
            throws IOException, MalformedModelException {
        SessionOptions options = sessionOptions(intraOpThreads);
        Model model = Model.newInstance(name, device, "OnnxRuntime");
        try {
            source.loadInto(model, Map.of("sessionOptions", options));
            return new OnnxSession(model, options, status);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            options.close();
            throw e;
        }
    }

    /**
     * The session options both this class and the benchmark's bare-session baseline use: one intra-op and
     * one inter-op thread per run (cores are used by running batches side by side, see {@link BatchRunner}),
     * everything else ONNX Runtime's default.
     */
    static SessionOptions sessionOptions() {
        return sessionOptions(1);
    }

    static SessionOptions sessionOptions(int intraOpThreads) {
        SessionOptions options = new SessionOptions();
        try {
            options.setIntraOpNumThreads(Math.max(1, intraOpThreads));
            options.setInterOpNumThreads(1);
        } catch (OrtException e) {
            options.close();
            throw new ModelLoadException("invalid ONNX Runtime options: " + e.getMessage(), e);
        }
        return options;
    }

    /** Null when this ONNX Runtime build offers CUDA, else a sentence saying it does not. */
    static String cudaMissingReason() {
        try {
            if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) return null;
            return "this ONNX Runtime build has no CUDA support (it is the CPU-only onnxruntime artifact)";
        } catch (RuntimeException | LinkageError e) {
            return "ONNX Runtime could not list its execution providers (" + e.getMessage() + ")";
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        List<Throwable> seen = new ArrayList<>();
        while (t.getCause() != null && !seen.contains(t.getCause())) {
            seen.add(t);
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.strip();
    }

    Model model() { return model; }

    DeviceStatus deviceStatus() { return deviceStatus; }

    /** The model's input names in declaration order (e.g. input_ids, attention_mask, token_type_ids). */
    List<String> inputNames() { return inputNames; }

    @Override
    public void close() {
        model.close();
        sessionOptions.close();
    }
}
