package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The size of a model, read from its folder without loading it: a transformers {@code config.json} (hidden size,
 * layers, MLP width, vocabulary, attention heads), the tiny model's {@code prefwork-tiny.json}, or, failing both,
 * the weight files' total size. Enough for a memory estimate.
 *
 * @param parameters    all parameters
 * @param hidden        hidden size
 * @param layers        transformer blocks
 * @param vocab         vocabulary size
 * @param kind          "transformers", "prefwork-tiny" or "weights" (from file sizes only)
 */
public record ModelShape(long parameters, int hidden, int layers, int vocab, String kind, String name) {

    /** Architectures whose MLP has a gate (three matrices instead of two). */
    private static final Set<String> GATED = Set.of("llama", "mistral", "mixtral", "qwen2", "qwen3", "gemma", "gemma2",
            "gemma3_text", "phi3", "olmo", "olmo2", "cohere", "granite", "stablelm", "internlm2", "deepseek_v2", "smollm3");

    private static final ObjectMapper JSON = new ObjectMapper();

    public String describe() {
        String size = parameters >= 1_000_000_000L ? String.format(Locale.ROOT, "%.1fB", parameters / 1e9)
                : parameters >= 1_000_000L ? String.format(Locale.ROOT, "%.0fM", parameters / 1e6)
                : String.format(Locale.ROOT, "%,d", parameters);
        return name + " (" + size + " parameters" + (hidden > 0 ? ", hidden " + hidden + ", " + layers + " layers" : "") + ")";
    }

    /** A model of about {@code billions} parameters shaped like a Llama (for the form's size field). */
    public static ModelShape ofSize(double billions) {
        long p = Math.round(billions * 1e9);
        // Llama proportions: P ≈ 12 h² per layer, layers ≈ h / 128
        int hidden = (int) Math.max(256, Math.round(Math.cbrt(p * 128.0 / 12) / 128) * 128);
        int layers = (int) Math.max(1, Math.round(p / (12.0 * hidden * hidden)));
        return new ModelShape(p, hidden, layers, 32000, "size", String.format(Locale.ROOT, "a %.1fB model", billions));
    }

    /** Reads {@code folder}; throws IOException when it holds no model this can size. */
    public static ModelShape read(Path folder) throws IOException {
        String name = folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
        Path tiny = folder.resolve("prefwork-tiny.json");
        if (Files.isRegularFile(tiny)) {
            JsonNode c = JSON.readTree(tiny.toFile());
            int d = c.path("d_model").asInt(), l = c.path("n_layers").asInt(), ff = c.path("d_ff").asInt();
            int v = c.path("vocab_size").asInt(), pos = c.path("max_positions").asInt();
            long perLayer = 4L * (d * (long) d + d) + (d * (long) ff + ff) + (ff * (long) d + d) + 4L * d;
            long p = (long) v * d + (long) pos * d + l * perLayer + 2L * d + (long) v * d;
            return new ModelShape(p, d, l, v, "prefwork-tiny", name);
        }
        Path config = folder.resolve("config.json");
        if (Files.isRegularFile(config)) {
            JsonNode c = JSON.readTree(config.toFile());
            JsonNode text = c.has("text_config") ? c.get("text_config") : c;
            int h = first(text, "hidden_size", "n_embd", "d_model");
            int l = first(text, "num_hidden_layers", "n_layer", "num_layers");
            int v = first(text, "vocab_size");
            if (h > 0 && l > 0 && v > 0) {
                int heads = Math.max(1, first(text, "num_attention_heads", "n_head"));
                int kv = first(text, "num_key_value_heads");
                kv = kv > 0 ? kv : heads;
                int inter = first(text, "intermediate_size", "n_inner", "ffn_dim");
                inter = inter > 0 ? inter : 4 * h;
                boolean gated = GATED.contains(text.path("model_type").asText(c.path("model_type").asText("")));
                long attn = 2L * h * h + 2L * h * ((long) h / heads * kv);
                long mlp = (gated ? 3L : 2L) * h * inter;
                long p = (long) l * (attn + mlp + 2L * h) + (long) v * h * (text.path("tie_word_embeddings").asBoolean(false) ? 1 : 2) + h;
                return new ModelShape(p, h, l, v, "transformers", name);
            }
        }
        long bytes = 0;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String n = f.getFileName().toString();
                if (n.endsWith(".safetensors") || (n.endsWith(".bin") && n.contains("model"))) bytes += Files.size(f);
            }
        }
        if (bytes == 0) throw new IOException(folder + " holds no model (no config.json, prefwork-tiny.json or weight files)");
        return new ModelShape(bytes / 2, 0, 0, 32000, "weights", name);  // most checkpoints are 16-bit
    }

    private static int first(JsonNode c, String... names) {
        for (String n : names) if (c.hasNonNull(n) && c.get(n).canConvertToInt()) return c.get(n).asInt();
        return 0;
    }
}
