package dev.prefwork.labeling.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Estimates P(GOOD) from the votes alone. Second moments (the overlap matrix the matrix-completion model fits)
 * cannot identify the class balance: any balance fits them equally well after a rotation of μ. Third moments
 * can (the idea behind MeTaL's ClassBalanceModel); for two classes it has a closed form.
 *
 * <p>Read each vote as a number s = +1 (GOOD), −1 (BAD), 0 (ABSTAIN) and centre it: s̃ = s − E[s]. If LFs are
 * conditionally independent given Y, then E[s̃_i | Y] = δ_i·(1[Y = GOOD] − p) with δ_i = E[s_i | GOOD] −
 * E[s_i | BAD], so for distinct i, j, k
 * <pre>
 *   C_ij  = E[s̃_i s̃_j]      = δ_i δ_j · p(1 − p)
 *   T_ijk = E[s̃_i s̃_j s̃_k] = δ_i δ_j δ_k · p(1 − p)(1 − 2p)
 *   γ = T_ijk / √(C_ij C_ik C_jk) = (1 − 2p) / √(p(1 − p))   ⇒   p = (1 − γ/√(γ² + 4)) / 2
 * </pre>
 * whatever the LFs' accuracies and propensities (even class-dependent ones). Triplets are pooled as
 * γ = Σ T / Σ √(C C C), which weights each triplet by how informative its LFs are (|δ_i δ_j δ_k|); triplets with
 * a non-positive covariance (an LF no better than chance) are left out. Assumes LFs are better than chance
 * (δ > 0), the same assumption that orients every label model. All moments come from the single pass over the
 * votes ({@link VoteOverlaps}): C from the pair counts, T from a popcount per triplet.
 */
final class ClassBalanceEstimator {

    /** All triplets up to this many; beyond, a deterministic spread over the LFs (each LF in about 9 triplets). */
    private static final int ALL_TRIPLETS_UP_TO = 64;
    private static final int STRIDES = 3;
    /** The estimate is kept within these bounds: a prior of 0 or 1 would silence every LF. */
    private static final double MIN_BALANCE = 0.01;

    private ClassBalanceEstimator() {
    }

    /** The LF triplets whose third moments the estimate pools. */
    static int[][] triplets(int lfs) {
        List<int[]> triplets = new ArrayList<>();
        if ((long) lfs * (lfs - 1) * (lfs - 2) / 6 <= ALL_TRIPLETS_UP_TO) {
            for (int i = 0; i < lfs; i++) {
                for (int j = i + 1; j < lfs; j++) {
                    for (int k = j + 1; k < lfs; k++) triplets.add(new int[] {i, j, k});
                }
            }
        } else {
            // (i, i+s, i+2s) mod m for s = 1..3: distinct LFs since m > 2s here (m ≥ 9), every LF in 9 triplets.
            for (int s = 1; s <= STRIDES; s++) {
                for (int i = 0; i < lfs; i++) triplets.add(new int[] {i, (i + s) % lfs, (i + 2 * s) % lfs});
            }
        }
        return triplets.toArray(new int[0][]);
    }

    /**
     * @return the estimate, or NaN when no triplet carries information (every triplet has an LF no better than
     *         chance on the rows it shares with the others)
     */
    static double estimate(VoteOverlaps overlaps) {
        double n = overlaps.rows();
        if (n == 0) return Double.NaN;
        int[][] triplets = overlaps.triplets();
        double thirdMoments = 0, scale = 0;
        for (int t = 0; t < triplets.length; t++) {
            int i = triplets[t][0], j = triplets[t][1], k = triplets[t][2];
            double mi = overlaps.voteSum(i) / n, mj = overlaps.voteSum(j) / n, mk = overlaps.voteSum(k) / n;
            double eij = overlaps.pairSum(i, j) / n, eik = overlaps.pairSum(i, k) / n, ejk = overlaps.pairSum(j, k) / n;
            double cij = eij - mi * mj, cik = eik - mi * mk, cjk = ejk - mj * mk;
            if (cij <= 0 || cik <= 0 || cjk <= 0) continue;
            double third = overlaps.tripleSum(t) / n - mi * ejk - mj * eik - mk * eij + 2 * mi * mj * mk;
            thirdMoments += third;
            scale += Math.sqrt(cij * cik * cjk);
        }
        if (scale == 0) return Double.NaN;
        double gamma = thirdMoments / scale;
        double p = (1 - gamma / Math.sqrt(gamma * gamma + 4)) / 2;
        return Math.max(MIN_BALANCE, Math.min(1 - MIN_BALANCE, p));
    }
}
