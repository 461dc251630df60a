package dev.prefwork.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptGold;
import dev.prefwork.store.Workspace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The expert's own picks as pairs: for every prompt with a best and a worst candidate marked, best as chosen and
 * worst as rejected (TRL standard, with {@code prompt_id}). Direct, small and exactly what the expert said; the
 * curated pair sets (rankings-based strategies) come from curation.
 */
public final class GoldPicksPairs implements PairSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;

    public GoldPicksPairs(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public String description() {
        return "gold picks: best vs worst";
    }

    @Override
    public PairSummary check() {
        int n = pairs().size();
        if (n == 0) throw noPicks();
        return new PairSummary(n, 0);
    }

    private InputException noPicks() {
        return new InputException("no prompt has both a best and a worst candidate marked yet; mark them in Compare & label "
                + "(1–5 best, Shift+1–5 worst) or choose a pair file");
    }

    @Override
    public PairSummary writeTo(Path target) throws IOException {
        List<ObjectNode> pairs = pairs();
        if (pairs.isEmpty()) throw noPicks();
        Path tmp = Files.createTempFile(target.getParent(), ".pairs", ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (ObjectNode p : pairs) {
                    out.write(JSON.writeValueAsString(p));
                    out.newLine();
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new PairSummary(pairs.size(), 0);
    }

    private List<ObjectNode> pairs() {
        List<ObjectNode> out = new ArrayList<>();
        for (PromptGold g : workspace.bulk().goldPicks()) {
            if (g.bestCandidateId() == null || g.worstCandidateId() == null) continue;
            Prompt prompt = workspace.prompts().get(g.promptId()).orElse(null);
            if (prompt == null) continue;
            Map<Long, Candidate> byId = workspace.candidates().forPrompt(g.promptId()).stream()
                    .collect(Collectors.toMap(Candidate::id, Function.identity()));
            Candidate best = byId.get(g.bestCandidateId()), worst = byId.get(g.worstCandidateId());
            if (best == null || worst == null) continue;
            ObjectNode o = JSON.createObjectNode();
            o.put("prompt", prompt.text());
            o.put("chosen", best.text());
            o.put("rejected", worst.text());
            o.put("prompt_id", prompt.sourceId());
            out.add(o);
        }
        return out;
    }
}
