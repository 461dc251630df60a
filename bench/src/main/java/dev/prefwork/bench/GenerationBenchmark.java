package dev.prefwork.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Progress;
import dev.prefwork.generation.GenerationParams;
import dev.prefwork.generation.GenerationRequest;
import dev.prefwork.generation.GenerationService;
import dev.prefwork.generation.OpenAiBackend;
import dev.prefwork.generation.OpenAiConfig;
import dev.prefwork.generation.PromptSelection;
import dev.prefwork.generation.ServerPreset;
import dev.prefwork.inference.CausalLmOptions;
import dev.prefwork.inference.CausalLmOutput;
import dev.prefwork.inference.InferenceSettings;
import dev.prefwork.inference.OnnxCausalLm;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;
import dev.prefwork.testkit.OpenAiTestServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generation throughput (issue 10), each figure beside a baseline measured in the same run:
 *
 * <ul>
 *   <li><b>OpenAI-compatible server</b>: a generation job (JSON, retries machinery, one H2 transaction per prompt)
 *   against {@link OpenAiTestServer} on loopback, at concurrency 1 and 4, beside the <b>bare HttpClient request
 *   rate</b>: the same requests from the same number of threads with the JDK client alone, bodies read, nothing
 *   parsed or stored. The server answers after a fixed latency (0 ms: the client's own cost; 50 ms: a model at
 *   work), five choices a request.</li>
 *   <li><b>In-process ONNX</b>: tokens/s of {@link OnnxCausalLm} with the KV cache beside the same model recomputing
 *   the whole sequence each step (same seed, same tokens).</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp … dev.prefwork.bench.GenerationBenchmark [--prompts 200] [--latencies 0,50] [--rounds 3]
 * [--lm-dir DIR] [--new-tokens 128] [--no-doc]}. {@code --lm-dir} defaults to the committed tiny test LM; a model of
 * a more telling size comes from {@code /usr/bin/python3 modules/inference/src/test/python/make_tiny_lm.py --bench DIR}.
 */
public final class GenerationBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Map<String, String> opt = new HashMap<>(Map.of("--prompts", "200", "--latencies", "0,50", "--rounds", "3",
                "--lm-dir", "modules/inference/src/test/resources/tiny-lm/with-past", "--new-tokens", "128"));
        boolean doc = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-doc")) doc = false;
            else opt.put(args[i], args[++i]);
        }
        int prompts = Integer.parseInt(opt.get("--prompts"));
        int rounds = Integer.parseInt(opt.get("--rounds"));
        Path root = BenchDoc.findRoot();
        Path lmDir = root.resolve(opt.get("--lm-dir"));
        double loadBefore = Env.load();
        StringBuilder md = new StringBuilder();
        md.append("Measured ").append(Env.summary()).append(String.format(Locale.ROOT, " · 1-min load average %.1f at the start.%n%n", loadBefore));

        md.append("**OpenAI-compatible server.** A job over ").append(prompts).append(" prompts, five candidates each (one request"
                + " with `n = 5` per prompt), against `OpenAiTestServer` on loopback, beside the bare JDK `HttpClient` sending the"
                + " same requests from as many threads (bodies read, nothing parsed or stored). Medians of ").append(rounds)
                .append(" rounds; the two alternate within each round.\n\n");
        md.append("| Server latency | Concurrency | Bare HttpClient | Generation job | Job ÷ bare | Job speed-up 1 → 4 |\n");
        md.append("|---:|---:|---:|---:|---:|---:|\n");
        for (String l : opt.get("--latencies").split(",")) {
            long latency = Long.parseLong(l.strip());
            double[] job1 = null;
            try (OpenAiTestServer server = OpenAiTestServer.start("bench-model").latency(latency)) {
                for (int c : new int[]{1, 4}) {
                    double[] bare = new double[rounds], job = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        if (r % 2 == 0) {
                            bare[r] = bareRate(server, c, prompts);
                            job[r] = jobRate(server, c, prompts);
                        } else {
                            job[r] = jobRate(server, c, prompts);
                            bare[r] = bareRate(server, c, prompts);
                        }
                    }
                    double b = median(bare), j = median(job);
                    if (c == 1) job1 = job;
                    md.append(String.format(Locale.ROOT, "| %d ms | %d | %,.0f requests/s | %,.0f prompts/s (%,.0f candidates/s) | %.2f× | %s |%n",
                            latency, c, b, j, 5 * j, j / b, c == 1 ? "" : String.format(Locale.ROOT, "%.2f×", j / median(job1))));
                    System.out.printf(Locale.ROOT, "latency %d ms, concurrency %d: bare %s, job %s%n", latency, c, Arrays.toString(bare), Arrays.toString(job));
                }
            }
        }

        Path lm = lmDir.toAbsolutePath().normalize();
        md.append("\n**In-process ONNX** (`").append(lm.startsWith(root) ? root.relativize(lm) : lm).append("`). ")
                .append(lmSection(lmDir, Integer.parseInt(opt.get("--new-tokens")), rounds));
        md.append(String.format(Locale.ROOT, "%n1-min load average %.1f at the end (this 2-core machine is shared: above ~1 someone else was busy too).%n", Env.load()));
        System.out.println();
        System.out.println(md);
        if (doc) BenchDoc.updateSection(root.resolve("docs/BENCHMARKS.md"), "generation", "Generation", md.toString());
    }

    /** Requests/s of the JDK client alone: {@code threads} threads each sending the same chat request in turn. */
    static double bareRate(OpenAiTestServer server, int threads, int requests) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectNode body = JSON.createObjectNode().put("model", "bench-model").put("n", 5).put("temperature", 0.8).put("top_p", 0.95)
                .put("max_tokens", 512);
        body.putArray("messages").addObject().put("role", "user").put("content", "A prompt of a typical length for the benchmark?");
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        AtomicInteger left = new AtomicInteger(requests);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        double s = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return requests / s;
    }

    /** Prompts/s of a generation job over a fresh workspace of {@code prompts} prompt-only prompts (opening not timed). */
    static double jobRate(OpenAiTestServer server, int concurrency, int prompts) throws Exception {
        Path dir = Files.createTempDirectory("prefwork-bench-gen");
        try {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < prompts; i++) {
                sb.append("{\"id\":\"b-").append(i).append("\",\"prompt\":\"A prompt of a typical length for the benchmark, number ")
                        .append(i).append("?\"}\n");
            }
            try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
                new Importer(ws).importFile(Files.writeString(dir.resolve("p.jsonl"), sb), Importer.Options.DETECT, Progress.NONE);
                OpenAiConfig config = OpenAiConfig.of(ServerPreset.VLLM, "bench-model").withBaseUrl(server.baseUrl()).withConcurrency(concurrency);
                GenerationService service = new GenerationService(ws);
                long t0 = System.nanoTime();
                GenerationService.JobReport r = service.generate(new GenerationRequest("bench", PromptSelection.missingCandidates(),
                        GenerationParams.defaults(), config), OpenAiBackend.open(config, null), null, Progress.NONE);
                double s = (System.nanoTime() - t0) / 1e9;
                if (r.stats().candidates() != 5L * prompts) throw new IllegalStateException("job wrote " + r.stats().candidates());
                return prompts / s;
            }
        } finally {
            Benchmarks.deleteTree(dir);
        }
    }

    private static String lmSection(Path lmDir, int newTokens, int rounds) throws Exception {
        Path data = Files.createTempDirectory("prefwork-bench-lm");
        StringBuilder md = new StringBuilder();
        try (OnnxCausalLm lm = OnnxCausalLm.fromFolder(lmDir, InferenceSettings.defaults(data))) {
            String prompt = "how do i sort a list in python ? tell me about the code and the answer .";
            int promptTokens = lm.encode(prompt).length;
            md.append(String.format(Locale.ROOT, "Prompt of %d tokens, %d new tokens per sequence (temperature 0.8, top-p 0.95, one seed"
                    + " for both paths, so both make the same tokens), ONNX Runtime on %d threads; tokens/s counts new tokens of all"
                    + " sequences. Medians of %d rounds, the two paths alternating.%n%n", promptTokens, newTokens,
                    InferenceSettings.defaults(data).effectiveThreads(), rounds));
            md.append("| Sequences per call | Without KV cache (whole sequence each step) | With KV cache | Cache ÷ no cache |\n");
            md.append("|---:|---:|---:|---:|\n");
            for (int n : new int[]{1, 5}) {
                CausalLmOptions options = new CausalLmOptions(newTokens, 0.8, 0.95, List.of(), 7, true);
                lm.generate(prompt, options, n, () -> false); // warm-up
                double[] cached = new double[rounds], plain = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    if (r % 2 == 0) {
                        cached[r] = tokensPerSecond(lm, prompt, options, n);
                        plain[r] = tokensPerSecond(lm, prompt, options.withCache(false), n);
                    } else {
                        plain[r] = tokensPerSecond(lm, prompt, options.withCache(false), n);
                        cached[r] = tokensPerSecond(lm, prompt, options, n);
                    }
                }
                md.append(String.format(Locale.ROOT, "| %d | %,.0f tokens/s | %,.0f tokens/s | %.1f× |%n", n, median(plain), median(cached),
                        median(cached) / median(plain)));
                System.out.printf(Locale.ROOT, "onnx n=%d: cached %s, no cache %s%n", n, Arrays.toString(cached), Arrays.toString(plain));
            }
        } finally {
            Benchmarks.deleteTree(data);
        }
        return md.toString();
    }

    private static double tokensPerSecond(OnnxCausalLm lm, String prompt, CausalLmOptions options, int n) {
        long t0 = System.nanoTime();
        List<CausalLmOutput> out = lm.generate(prompt, options, n, () -> false);
        double s = (System.nanoTime() - t0) / 1e9;
        long tokens = out.stream().mapToLong(o -> o.tokenIds().length).sum();
        return tokens / s;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
