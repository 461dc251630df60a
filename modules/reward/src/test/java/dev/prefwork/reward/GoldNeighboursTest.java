package dev.prefwork.reward;

import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptGold;
import dev.prefwork.inference.EmbeddingLookup;
import dev.prefwork.labeling.analysis.GoldVector;
import dev.prefwork.reward.features.CandidateIndex;
import dev.prefwork.reward.features.FeatureGroup;
import dev.prefwork.reward.features.GoldNeighbours;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gold nearest-neighbour feature on the demo workspace, embedded with the tiny test embedder (a real ONNX model). */
class GoldNeighboursTest {

    @TempDir
    Path tmp;

    @Test
    void aPromptsOwnGoldNeverEntersItsCandidatesValuesButMovesItsNeighbours() {
        try (Workspace ws = DemoData.workspace(tmp.resolve("ws")); DemoData.Services s = DemoData.services(ws, tmp.resolve("home"))) {
            RewardModel m = s.reward().fit(DemoData.request(), Progress.NONE);
            assertThat(m.columns()).anyMatch(c -> c.group() == FeatureGroup.GOLD_NEIGHBOURS);
            CandidateIndex index = s.reward().rankings().orElseThrow().index();
            List<Long> best = new ArrayList<>(), worst = new ArrayList<>();
            for (PromptGold g : ws.bulk().goldPicks()) {
                if (g.bestCandidateId() != null) best.add(g.bestCandidateId());
                if (g.worstCandidateId() != null) worst.add(g.worstCandidateId());
            }
            byte[] gold = GoldVector.build(index.candidateIds(), ws.bulk().goldLabels(), best, worst);
            EmbeddingLookup lookup = new EmbeddingLookup(ws);
            float[] before = GoldNeighbours.compute(lookup, m.embeddingModelId(), index, gold);
            assertThat(before).isNotNull();

            // flip the gold of the first labelled prompt
            int p = index.promptOf(firstGold(gold));
            byte[] flipped = gold.clone();
            for (int r : index.rowsOf(p)) flipped[r] = (byte) -flipped[r];
            float[] after = GoldNeighbours.compute(lookup, m.embeddingModelId(), index, flipped);
            for (int r : index.rowsOf(p)) assertThat(after[r]).as("leave one prompt out").isEqualTo(before[r]);
            int changed = 0;
            for (int r = 0; r < index.rows(); r++) if (index.promptOf(r) != p && after[r] != before[r]) changed++;
            assertThat(changed).as("candidates of prompts that have it as a neighbour").isGreaterThan(0);

            // no BAD gold at all: nothing to contrast with
            byte[] onlyGood = gold.clone();
            for (int r = 0; r < onlyGood.length; r++) if (onlyGood[r] < 0) onlyGood[r] = 0;
            assertThat(GoldNeighbours.compute(lookup, m.embeddingModelId(), index, onlyGood)).isNull();
        }
    }

    private static int firstGold(byte[] gold) {
        for (int r = 0; r < gold.length; r++) if (gold[r] != 0) return r;
        throw new AssertionError("the demo workspace has gold");
    }
}
