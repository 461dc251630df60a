package dev.prefwork.labeling.engine;

import dev.prefwork.core.Progress;
import dev.prefwork.labeling.lf.Condition.LengthUnit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The one-pass word measures equal the straightforward definitions in {@link TextStats}. */
class FeaturesTest {

    @Test
    void theWordPassEqualsTheReferenceDefinitions() {
        Corpus c = LfEngineTest.synthetic(3_000, 21);
        try (Parallel par = new Parallel(2)) {
            Features f = new Features(c, par);
            float[] words = f.length(Features.Side.RESPONSE, LengthUnit.WORDS, Progress.NONE);
            float[] flesch = f.flesch(Features.Side.RESPONSE, Progress.NONE);
            float[] rep = f.repetition(Features.Side.RESPONSE, 3, Progress.NONE);
            float[] overlap = f.promptOverlap(Progress.NONE);
            float[] near = f.nearDuplicate(3, Progress.NONE);
            for (int row = 0; row < c.size(); row++) {
                String t = c.text(row);
                assertThat(words[row]).isEqualTo((float) TextStats.words(t));
                double fl = TextStats.flesch(t);
                if (Double.isNaN(fl)) assertThat(flesch[row]).isNaN();
                else assertThat((double) flesch[row]).isCloseTo(fl, within(1e-3));
                assertThat((double) rep[row]).isCloseTo(TextStats.duplicateNgramRate(TextStats.wordHashes(t), 3), within(1e-6));
                long[] content = Features.contentWords(c.promptText(c.promptIndex(row)));
                long[] mine = TextStats.wordHashes(t);
                Arrays.sort(mine);
                double expectOverlap = content.length == 0 ? Double.NaN : (double) TextStats.intersection(content, TextStats.distinct(mine)) / content.length;
                if (Double.isNaN(expectOverlap)) assertThat(overlap[row]).isNaN();
                else assertThat((double) overlap[row]).isCloseTo(expectOverlap, within(1e-6));
                int p = c.promptIndex(row);
                double best = c.groupSize(p) < 2 ? Double.NaN : 0;
                long[] sh = TextStats.shingles(TextStats.wordHashes(t), 3);
                for (int k = 0; k < c.groupSize(p); k++) {
                    int other = c.groupRow(p, k);
                    if (other != row) best = Math.max(best, TextStats.jaccard(sh, TextStats.shingles(TextStats.wordHashes(c.text(other)), 3)));
                }
                if (Double.isNaN(best)) assertThat(near[row]).isNaN();
                else assertThat((double) near[row]).isCloseTo(best, within(1e-6));
            }
        }
    }
}
