package dev.prefwork.app.cli;

import dev.prefwork.app.AppPaths;
import dev.prefwork.core.InputException;
import dev.prefwork.generation.ApiKey;
import dev.prefwork.generation.BackendConfig;
import dev.prefwork.generation.GenerationBackend;
import dev.prefwork.generation.GenerationException;
import dev.prefwork.generation.GenerationParams;
import dev.prefwork.generation.GenerationRequest;
import dev.prefwork.generation.GenerationService;
import dev.prefwork.generation.OnnxBackend;
import dev.prefwork.generation.OnnxConfig;
import dev.prefwork.generation.OpenAiBackend;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.OpenAiEndpoint;
import dev.prefwork.generation.PromptSelection;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.inference.DeviceChoice;
import dev.prefwork.store.GenerationJobRepository.StoredJob;
import dev.prefwork.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prefwork generate}: fill prompts with candidates from an OpenAI-compatible server or an ONNX model. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ask a model for candidate responses: by default n = 5 for every prompt that has none yet.",
                "Each prompt's candidates are saved as they arrive; an interrupted job resumes with --resume and never "
                        + "writes a prompt twice. The model name and the parameters are stored on every candidate.",
                "",
                "Examples:",
                "  prefwork generate ws --backend openai --preset vllm --model Qwen/Qwen2.5-7B-Instruct",
                "  prefwork generate ws --backend openai --base-url http://gpu-box:8080/v1 --preset llama-cpp",
                "  prefwork generate ws --backend onnx --model-dir ~/models/qwen2.5-0.5b-onnx --device gpu",
                "  prefwork generate ws --resume", ""})
final class GenerateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workspace>", description = "Workspace folder.")
    Path workspace;

    @Option(names = "--backend", paramLabel = "openai|onnx", description = "An OpenAI-compatible server (openai) or an ONNX model run here (onnx).")
    String backend;

    @Option(names = "--preset", paramLabel = "SERVER", description = "vllm, llama-cpp, ollama or custom (default): fills the base URL, "
            + "whether the server takes n, and the concurrency.")
    String preset;

    @Option(names = "--base-url", paramLabel = "URL", description = "The server's base URL, e.g. http://localhost:8000/v1 (default: the preset's).")
    String baseUrl;

    @Option(names = "--endpoint", paramLabel = "chat|completions", description = "/chat/completions (default) or /completions.")
    String endpoint;

    @Option(names = "--model", paramLabel = "NAME", description = "The model name: what the server serves (default: the first it lists), "
            + "or a name for the ONNX model (default: its folder's name). Stored on every candidate.")
    String model;

    @Option(names = "--api-key-env", paramLabel = "VAR", description = "Environment variable holding the server's API key "
            + "(the key is never stored or printed).")
    String apiKeyEnv;

    @Option(names = "--no-n", description = "Send one request per candidate even if the preset says the server takes n.")
    boolean noN;

    @Option(names = "--concurrency", paramLabel = "C", description = "Prompts in flight at once (default: the preset's).")
    Integer concurrency;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Time one request may take before it is retried (default 120).")
    Double timeout;

    @Option(names = "--retries", paramLabel = "R", description = "Retries after a 429, 5xx, timeout or dropped connection (default 4).")
    Integer retries;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "ONNX: a folder with model.onnx (optimum export), tokenizer.json "
            + "and generation_config.json.")
    Path modelDir;

    @Option(names = "--device", paramLabel = "cpu|gpu", defaultValue = "cpu", description = "ONNX: cpu (default) or gpu "
            + "(CUDA; falls back to the CPU with a message).")
    String device;

    @Option(names = "--no-kv-cache", description = "ONNX: recompute the whole sequence at every step (slow; for comparison).")
    boolean noKvCache;

    @Option(names = "--n", paramLabel = "N", defaultValue = "5", description = "Candidates per prompt (default 5).")
    int n;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8", description = "Sampling temperature, 0 = greedy (default 0.8).")
    double temperature;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "0.95", description = "Nucleus sampling mass (default 0.95).")
    double topP;

    @Option(names = "--max-tokens", paramLabel = "K", defaultValue = "512", description = "New tokens per candidate at most (default 512).")
    int maxTokens;

    @Option(names = "--stop", paramLabel = "TEXT", description = "A string that ends a candidate (repeatable, up to 4).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (candidate i of a prompt uses S + i when sent one by one).")
    Long seed;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Only the prompts of this dataset.")
    String dataset;

    @Option(names = "--category", paramLabel = "NAME", description = "Only the prompts of this category.")
    String category;

    @Option(names = "--all", description = "Also prompts that have candidates (they get n more each).")
    boolean all;

    @Option(names = "--label", paramLabel = "TEXT", description = "What the job is for, shown in the job list.")
    String label;

    @Option(names = "--resume", arity = "0..1", paramLabel = "JOB", fallbackValue = "-1",
            description = "Resume the newest unfinished job (or job JOB) with the settings it was started with.")
    Long resume;

    @Option(names = "--list", description = "List the workspace's generation jobs and exit.")
    boolean list;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Workspace ws = WorkspaceArg.openExisting(workspace)) {
            GenerationService service = new GenerationService(ws);
            if (list) {
                printJobs(out, service);
                return 0;
            }
            if (resume != null) {
                StoredJob job = (resume < 0 ? service.latestResumable() : service.job(resume)).orElseThrow(() -> new InputException(
                        resume < 0 ? "no unfinished generation job in " + workspace : "no generation job #" + resume + " in " + workspace));
                err.printf("prefwork: resuming job #%d (%s, model %s): %,d of %,d prompts left%n", job.id(), job.backend(), job.model(),
                        job.remaining(), job.promptsTotal());
                try (GenerationBackend b = open(GenerationService.requestOf(job).backend())) {
                    return run(service, job.id(), b, out, err);
                }
            }
            BackendConfig config = config();
            if (config instanceof OpenAiConfig c && c.model().isEmpty()) config = c.withModel(firstServerModel(c, err));
            GenerationRequest request = new GenerationRequest(label, selection(ws), params(), config);
            service.latestResumable().ifPresent(j -> err.printf("prefwork: job #%d has %,d prompts left; "
                    + "`prefwork generate %s --resume` finishes it%n", j.id(), j.remaining(), workspace));
            if (service.resolve(request.selection()).length == 0) service.create(request); // refuses, saying why
            try (GenerationBackend b = open(config)) {
                return run(service, service.create(request), b, out, err);
            }
        } catch (GenerationException e) {
            if (e.kind() == GenerationException.Kind.REFUSED) throw new InputException(e.getMessage());
            err.println("prefwork: " + e.getMessage());
            return 1;
        }
    }

    private int run(GenerationService service, long jobId, GenerationBackend backend, PrintWriter out, PrintWriter err) {
        if (backend instanceof OnnxBackend onnx && onnx.deviceStatus().fellBack()) err.println("prefwork: " + onnx.deviceStatus().message());
        EmbedCommand.TerminalProgressBar bar = new EmbedCommand.TerminalProgressBar();
        GenerationService.JobReport r;
        try {
            r = service.run(jobId, backend, null, bar);
        } finally {
            bar.finish();
        }
        GenerationService.JobStats s = r.stats();
        out.printf(Locale.ROOT, "Job #%d %s: %s, model %s, in %.1f s%s%n", jobId, r.status().toLowerCase(Locale.ROOT), s.line(),
                backend.modelName(), s.elapsed().toMillis() / 1000.0,
                s.tokensCounted() && s.tokens() > 0 ? String.format(Locale.ROOT, " (%,d tokens)", s.tokens()) : "");
        if (r.error() != null) {
            err.println("prefwork: " + r.error());
            return 1;
        }
        return 0;
    }

    private static void printJobs(PrintWriter out, GenerationService service) {
        List<StoredJob> jobs = service.jobs();
        if (jobs.isEmpty()) {
            out.println("No generation jobs yet.");
            return;
        }
        String fmt = "%-5s %-12s %-7s %-30s %9s %11s  %s%n";
        out.printf(fmt, "job", "state", "backend", "model", "prompts", "candidates", "created");
        for (StoredJob j : jobs) {
            out.printf(Locale.ROOT, fmt, "#" + j.id(), service.state(j), j.backend(), cut(j.model(), 30),
                    (j.done() + j.skipped()) + "/" + j.promptsTotal(), String.format(Locale.ROOT, "%,d", j.candidates()),
                    j.createdAt().toString().substring(0, 16).replace('T', ' ') + (j.label() == null ? "" : "  " + j.label()));
        }
    }

    private BackendConfig config() {
        String kind = backend != null ? backend : modelDir != null ? "onnx" : null;
        if (kind == null) throw new InputException(null, 0, "backend", "choose --backend openai (with --base-url or --preset) or --backend onnx (with --model-dir)");
        switch (kind) {
            case "openai" -> {
                if (modelDir != null) throw new InputException(null, 0, "model-dir", "--model-dir is for --backend onnx");
                ServerPreset p;
                try {
                    p = preset == null ? ServerPreset.CUSTOM : ServerPreset.byId(preset.toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InputException(null, 0, "preset", e.getMessage());
                }
                if (baseUrl == null && preset == null) {
                    throw new InputException(null, 0, "base-url", "give the server's --base-url (or a --preset for a server on this machine)");
                }
                OpenAiConfig c = OpenAiConfig.of(p, model == null ? "" : model);
                if (baseUrl != null) c = c.withBaseUrl(baseUrl);
                if (endpoint != null) {
                    try {
                        c = c.withEndpoint(OpenAiEndpoint.byId(endpoint.toLowerCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new InputException(null, 0, "endpoint", e.getMessage());
                    }
                }
                if (noN) c = c.withSupportsN(false);
                if (concurrency != null) c = c.withConcurrency(concurrency);
                if (timeout != null) c = c.withTimeout(Duration.ofMillis(Math.round(timeout * 1000)));
                if (retries != null) c = c.withMaxRetries(retries);
                return c.withApiKeyEnv(apiKeyEnv);
            }
            case "onnx" -> {
                if (modelDir == null) throw new InputException(null, 0, "model-dir", "--backend onnx needs --model-dir (a folder with model.onnx)");
                if (baseUrl != null || preset != null) throw new InputException(null, 0, "base-url", "--base-url and --preset are for --backend openai");
                DeviceChoice d = switch (device.toLowerCase(Locale.ROOT)) {
                    case "cpu" -> DeviceChoice.CPU;
                    case "gpu" -> DeviceChoice.GPU;
                    default -> throw new InputException(null, 0, "device", "must be cpu or gpu, not '" + device + "'");
                };
                return new OnnxConfig(modelDir, model, d, !noKvCache, 0);
            }
            default -> throw new InputException(null, 0, "backend", "must be openai or onnx, not '" + kind + "'");
        }
    }

    private GenerationParams params() {
        return new GenerationParams(n, temperature, topP, maxTokens, stop, seed);
    }

    private PromptSelection selection(Workspace ws) {
        if (dataset != null && category != null) throw new InputException(null, 0, "dataset", "give --dataset or --category, not both");
        if (dataset != null) {
            long id = ws.datasets().list().stream().filter(d -> d.name().equals(dataset)).findFirst()
                    .orElseThrow(() -> new InputException(null, 0, "dataset", "no dataset named '" + dataset + "' in " + workspace)).id();
            return PromptSelection.dataset(id, !all);
        }
        if (category != null) return PromptSelection.category(category, !all);
        return PromptSelection.all(!all);
    }

    private GenerationBackend open(BackendConfig config) {
        if (config instanceof OpenAiConfig c) {
            ApiKey key = c.apiKeyEnv() == null ? null : ApiKey.fromEnvironment(c.apiKeyEnv(), System.getenv());
            return OpenAiBackend.open(c, key);
        }
        return OnnxBackend.open((OnnxConfig) config, AppPaths.fromEnvironment().home());
    }

    /** For a server without --model: the first model it lists. */
    private static String firstServerModel(OpenAiConfig c, PrintWriter err) {
        ApiKey key = c.apiKeyEnv() == null ? null : ApiKey.fromEnvironment(c.apiKeyEnv(), System.getenv());
        List<String> models = OpenAiBackend.open(c, key).models(() -> false);
        if (models.isEmpty()) throw new InputException(null, 0, "model", "the server lists no models; name one with --model");
        err.println("prefwork: no --model given; using the model the server lists first: " + models.get(0));
        return models.get(0);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
