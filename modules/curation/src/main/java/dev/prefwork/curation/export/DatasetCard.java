package dev.prefwork.curation.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prefwork.curation.CurationService;
import dev.prefwork.curation.Json;
import dev.prefwork.curation.pairs.FunnelStep;
import dev.prefwork.store.PairSetRepository.StoredPairSet;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README.md of a Hugging Face dataset folder: a YAML header the Hub reads ({@code configs} naming the two
 * splits' files, {@code dataset_info} with the features and counts) and a "How this data was made" section from
 * the pair set's recorded provenance: the LFs with their learned accuracies, the label model, the ranking and its
 * metrics, the strategy, its filters and the funnel.
 */
final class DatasetCard {

    private DatasetCard() {
    }

    static String render(StoredPairSet set, ExportFormat rows, int[] counts, long[] bytes, int trainPrompts, int testPrompts,
                         Exporter.Options options, CurationService curation) {
        StringBuilder y = new StringBuilder();
        y.append("---\n");
        y.append("configs:\n- config_name: default\n  data_files:\n");
        y.append("  - split: train\n    path: data/train.jsonl\n");
        y.append("  - split: test\n    path: data/test.jsonl\n");
        y.append("dataset_info:\n  features:\n");
        for (String key : Exporter.keys(rows)) {
            y.append("  - name: ").append(key).append('\n');
            boolean messages = (rows == ExportFormat.TRL_CHAT && (key.equals("prompt") || key.equals("chosen") || key.equals("rejected")))
                    || (rows == ExportFormat.SFT_CHAT && key.equals("messages"));
            if (messages) {
                y.append("    list:\n    - name: role\n      dtype: string\n    - name: content\n      dtype: string\n");
            } else {
                y.append("    dtype: ").append(key.endsWith("score") || key.equals("margin") ? "float64" : "string").append('\n');
            }
        }
        y.append("  splits:\n");
        y.append("  - name: train\n    num_bytes: ").append(bytes[0]).append("\n    num_examples: ").append(counts[0]).append('\n');
        y.append("  - name: test\n    num_bytes: ").append(bytes[1]).append("\n    num_examples: ").append(counts[1]).append('\n');
        y.append("  download_size: ").append(bytes[0] + bytes[1]).append('\n');
        y.append("  dataset_size: ").append(bytes[0] + bytes[1]).append('\n');
        y.append("tags:\n").append(set.sft() ? "- sft\n" : "- dpo\n- preference\n").append("- prefwork\n");
        y.append("---\n\n");

        JsonNode provenance = Json.read(set.provenanceJson());
        JsonNode params = Json.read(set.parametersJson());
        StringBuilder md = new StringBuilder(y);
        md.append("# ").append(escape(set.name())).append("\n\n");
        if (set.sft()) {
            md.append(String.format(Locale.ROOT, "Supervised fine-tuning examples (prompt and the best-ranked completion) curated in Prefwork: "
                    + "%,d examples, one per prompt.%n%n", counts[0] + counts[1]));
        } else {
            md.append(String.format(Locale.ROOT, "Preference pairs (chosen and rejected responses to the same prompt) for DPO, curated in "
                    + "Prefwork: %,d pairs over %,d prompts.%n%n", counts[0] + counts[1], trainPrompts + testPrompts));
        }
        md.append(String.format(Locale.ROOT, "Splits are drawn by prompt (every pair of a prompt is in the same split) with seed %d: "
                + "**train** %,d rows from %,d prompts, **test** %,d rows from %,d prompts (%s of the prompts).%n%n",
                options.seed(), counts[0], trainPrompts, counts[1], testPrompts, pct(options.testFraction())));
        md.append("## Fields\n\n| Field | Type | Meaning |\n|---|---|---|\n");
        for (String key : Exporter.keys(rows)) md.append("| `").append(key).append("` | ").append(type(rows, key)).append(" | ")
                .append(meaning(key)).append(" |\n");
        md.append('\n');
        md.append("TRL's trainers read `prompt`, `chosen` and `rejected` (or `prompt`/`completion`, `messages`) and ignore the other fields, "
                + "which say where each row came from.\n\n");

        md.append("## How this data was made\n\n");
        md.append("A subject-matter expert wrote labeling functions (LFs) that vote GOOD or BAD on each response; a label model "
                + "learned how accurate each LF is from their agreements and combined the votes into P(GOOD) per response; the "
                + "responses of each prompt were ranked, and pairs were chosen by the strategy and filters below.\n\n");
        JsonNode lm = provenance.get("labelModel");
        if (lm != null) {
            md.append("### Labeling functions\n\n| LF | Aspect | Vote | Version | Learned accuracy | Accuracy on gold (n) | Coverage |\n|---|---|---|---:|---:|---:|---:|\n");
            for (JsonNode lf : lm.path("lfs")) {
                md.append("| ").append(escape(lf.path("name").asText())).append(" | ").append(escape(lf.path("aspect").asText()))
                        .append(" | ").append(lf.path("vote").asText()).append(" | ").append(lf.path("version").asInt())
                        .append(" | ").append(pct(lf.get("learnedAccuracy"))).append(" | ")
                        .append(lf.path("goldHits").asInt() == 0 ? "–" : pct(lf.get("goldAccuracy")) + " (" + lf.path("goldHits").asInt() + ")")
                        .append(" | ").append(pct(lf.get("coverage"))).append(" |\n");
            }
            md.append("\n### Label model\n\n");
            JsonNode s = lm.path("summary");
            md.append(String.format(Locale.ROOT, "Run #%d, %s, class balance P(GOOD) = %.2f (%s); label coverage %s, conflict %s; "
                            + "agreement with the expert's gold %s on %,d gold responses.%s%n%n",
                    lm.path("run").asLong(), lm.path("kind").asText(), lm.path("classBalance").asDouble(),
                    "fixed".equals(lm.path("prior").asText()) ? "from gold" : "estimated", pct(s.get("labelCoverage")),
                    pct(s.get("labelConflict")), pct(s.get("goldAgreement")), s.path("goldRows").asInt(),
                    lm.path("stale").asBoolean() ? " The LFs or responses changed after this fit." : ""));
        }
        JsonNode ranking = provenance.path("ranking");
        md.append("### Ranking\n\n");
        md.append("Scores from ").append(escape(ranking.path("description").asText(set.rankingDescription())))
                .append(ranking.path("stale").asBoolean() ? " (stale when the pairs were made: " + escape(ranking.path("staleReason").asText()) + ")" : "")
                .append(".\n\n");
        JsonNode metrics = ranking.path("metrics");
        if (metrics.size() > 0) {
            md.append("| Metric | Value |\n|---|---:|\n");
            for (Map.Entry<String, JsonNode> m : (Iterable<Map.Entry<String, JsonNode>>) metrics::fields) {
                JsonNode v = m.getValue();
                String value = v.isFloatingPointNumber() && v.asDouble() >= 0 && v.asDouble() <= 1 ? pct(v)
                        : v.isNumber() ? v.asText() : escape(v.asText());
                md.append("| ").append(escape(m.getKey())).append(" | ").append(value).append(" |\n");
            }
            md.append('\n');
        }
        md.append("### Pair strategy and filters\n\n");
        md.append("Strategy: **").append(params.path("strategy").asText()).append("**.");
        md.append(" Parameters: ");
        boolean first = true;
        for (Map.Entry<String, JsonNode> p : (Iterable<Map.Entry<String, JsonNode>>) params::fields) {
            if (p.getKey().equals("strategy")) continue;
            md.append(first ? "" : ", ").append('`').append(p.getKey()).append(" = ")
                    .append(p.getValue().isNull() ? "off" : p.getValue().asText()).append('`');
            first = false;
        }
        md.append(".\n\n| Step | Pairs | Prompts | Removed | Note |\n|---|---:|---:|---:|---|\n");
        List<FunnelStep> funnel = CurationService.funnel(set);
        for (FunnelStep f : funnel) {
            md.append("| ").append(escape(f.label())).append(" | ").append(f.pairs() < 0 ? "" : String.format(Locale.ROOT, "%,d", f.pairs()))
                    .append(" | ").append(String.format(Locale.ROOT, "%,d", f.prompts())).append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", f.removed())).append(" | ").append(escape(f.note())).append(" |\n");
        }
        md.append('\n');
        JsonNode comparisons = params.get("includeComparisonAnswers");
        if (comparisons != null) {
            md.append(comparisons.asBoolean()
                    ? "Answers of before/after comparisons (a tuned model's and its base's own outputs) could be drawn from, as the curator asked.\n\n"
                    : "Answers of before/after comparisons (a tuned model's and its base's own outputs) were left out.\n\n");
        }
        String note = provenance.path("lfNote").asText("");
        if (!note.isEmpty()) md.append("Note: ").append(escape(note)).append(".\n\n");
        md.append("Pair set #").append(set.id()).append(", ").append(escape(set.origin())).append(".\n");
        return md.toString();
    }

    private static String type(ExportFormat rows, String key) {
        boolean messages = (rows == ExportFormat.TRL_CHAT && (key.equals("prompt") || key.equals("chosen") || key.equals("rejected")))
                || (rows == ExportFormat.SFT_CHAT && key.equals("messages"));
        if (messages) return "list of {role, content}";
        return key.endsWith("score") || key.equals("margin") ? "float64" : "string";
    }

    private static String meaning(String key) {
        return switch (key) {
            case "prompt" -> "the prompt";
            case "chosen" -> "the preferred response";
            case "rejected" -> "the response it is preferred to";
            case "completion" -> "the best-ranked response";
            case "messages" -> "the prompt and the best-ranked response as a conversation";
            case "prompt_id" -> "the prompt's id in the source data";
            case "chosen_score" -> "the ranking's score of the chosen response";
            case "rejected_score" -> "the ranking's score of the rejected response";
            case "margin" -> "chosen_score − rejected_score";
            case "score" -> "the ranking's score of the response";
            default -> "";
        };
    }

    private static String pct(JsonNode v) {
        return v == null || !v.isNumber() ? "–" : pct(v.asDouble());
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * v);
    }

    /** Markdown table cells: pipes and line breaks would end the cell. */
    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
