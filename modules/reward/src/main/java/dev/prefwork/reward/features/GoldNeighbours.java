package dev.prefwork.reward.features;

import dev.prefwork.inference.EmbeddingLookup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The gold nearest-neighbour feature (issue 13, "gold goes further"): the expert's GOOD and BAD responses become
 * exemplars. For a candidate, take the {@value #K} prompts most like its own (cosine of the prompt embeddings) among
 * those with gold, leaving out its own prompt (so a gold candidate never sees its own label, nor its siblings'), and
 * measure how much closer the response is to their GOOD responses than to their BAD ones:
 * <pre>  knn(c) = max cos(c, GOOD exemplars) − max cos(c, BAD exemplars)</pre>
 * A side with no exemplar among the neighbours counts as the average of the other candidates (0 after
 * standardisation). The k-fold evaluation keeps the feature as it is: a held-out prompt's own gold is never in its
 * candidates' values, though it is in other prompts' (a weak leak through one weight, the usual for such features).
 */
public final class GoldNeighbours {

    /** Neighbour prompts per candidate. */
    public static final int K = 5;

    private GoldNeighbours() {
    }

    /**
     * @param gold per row: 1 GOOD, −1 BAD, 0 none
     * @return per row the feature, or null when the gold has no GOOD or no BAD response, or no prompt vectors
     */
    public static float[] compute(EmbeddingLookup lookup, String modelId, CandidateIndex index, byte[] gold) {
        List<Long> goldIds = new ArrayList<>();
        boolean anyGood = false, anyBad = false;
        for (int r = 0; r < gold.length; r++) {
            if (gold[r] == 0) continue;
            goldIds.add(index.candidateId(r));
            anyGood |= gold[r] > 0;
            anyBad |= gold[r] < 0;
        }
        if (!anyGood || !anyBad) return null;
        Map<Long, float[]> goldVectors = lookup.candidateVectors(modelId, goldIds);
        // exemplars per prompt with gold
        int prompts = index.prompts();
        List<List<float[]>> good = new ArrayList<>(), bad = new ArrayList<>();
        for (int p = 0; p < prompts; p++) {
            good.add(null);
            bad.add(null);
        }
        List<Integer> goldPrompts = new ArrayList<>();
        for (int r = 0; r < gold.length; r++) {
            float[] v = goldVectors.get(index.candidateId(r));
            if (gold[r] == 0 || v == null) continue;
            int p = index.promptOf(r);
            if (good.get(p) == null) {
                good.set(p, new ArrayList<>());
                bad.set(p, new ArrayList<>());
                goldPrompts.add(p);
            }
            (gold[r] > 0 ? good : bad).get(p).add(v);
        }
        Map<Long, float[]> promptVectors = lookup.promptVectors(modelId, Arrays.stream(index.promptIds()).boxed().toList());
        if (promptVectors.isEmpty() || goldPrompts.isEmpty()) return null;
        // each prompt's neighbours among the gold prompts, itself left out
        float[][][] goodOf = new float[prompts][][], badOf = new float[prompts][][];
        for (int p = 0; p < prompts; p++) {
            float[] pv = promptVectors.get(index.promptId(p));
            int self = p;
            List<Integer> near = new ArrayList<>(goldPrompts);
            near.removeIf(q -> q == self);
            if (pv != null) {
                double[] sim = new double[prompts];
                for (int q : near) {
                    float[] qv = promptVectors.get(index.promptId(q));
                    sim[q] = qv == null ? Double.NEGATIVE_INFINITY : dot(pv, qv);
                }
                near.sort((a, b) -> a.equals(b) ? 0 : sim[a] != sim[b] ? Double.compare(sim[b], sim[a]) : Integer.compare(a, b));
            }
            List<float[]> g = new ArrayList<>(), b = new ArrayList<>();
            for (int i = 0; i < Math.min(K, near.size()); i++) {
                g.addAll(good.get(near.get(i)));
                b.addAll(bad.get(near.get(i)));
            }
            goodOf[p] = g.toArray(new float[0][]);
            badOf[p] = b.toArray(new float[0][]);
        }
        float[] out = new float[index.rows()];
        float[] sGood = new float[index.rows()], sBad = new float[index.rows()];
        Arrays.fill(sGood, Float.NaN);
        Arrays.fill(sBad, Float.NaN);
        lookup.forEachCandidateVector(modelId, (id, v) -> {
            int r = index.rowOf(id);
            if (r < 0) return;
            int p = index.promptOf(r);
            if (goodOf[p].length > 0) sGood[r] = (float) EmbeddingLookup.maxCosine(v, goodOf[p]);
            if (badOf[p].length > 0) sBad[r] = (float) EmbeddingLookup.maxCosine(v, badOf[p]);
        });
        double meanGood = mean(sGood), meanBad = mean(sBad);
        for (int r = 0; r < out.length; r++) {
            double g = Float.isNaN(sGood[r]) ? meanGood : sGood[r], b = Float.isNaN(sBad[r]) ? meanBad : sBad[r];
            out[r] = (float) (Double.isNaN(g) || Double.isNaN(b) ? 0 : g - b);
        }
        return out;
    }

    private static double mean(float[] v) {
        double s = 0;
        int k = 0;
        for (float x : v) {
            if (!Float.isNaN(x)) {
                s += x;
                k++;
            }
        }
        return k == 0 ? Double.NaN : s / k;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length && i < b.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
