package dev.prefwork.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Known answers for the bundled quantized all-MiniLM-L6-v2, its windowing and its batching. */
class BundledMiniLmTest {

    @TempDir static Path data;
    static OnnxEmbeddingModel model;

    @BeforeAll
    static void load() {
        model = OnnxEmbeddingModel.bundledMiniLm(InferenceSettings.defaults(data));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void isTheQuantizedMiniLmWith384UnitDimensions() {
        assertThat(model.id()).isEqualTo(OnnxEmbeddingModel.BUNDLED_ID);
        assertThat(model.dimension()).isEqualTo(384);
        assertThat(model.deviceStatus()).isEqualTo(DeviceStatus.cpu());
        float[] v = model.embed(List.of("Any sentence at all.")) [0];
        assertThat(v).hasSize(384);
        assertThat(Vectors.dot(v, v)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void paraphrasesAreCloseAndUnrelatedSentencesAreNot() {
        float[][] v = model.embed(List.of(
                "A man is playing a guitar.", "Someone plays the guitar.",
                "How do I reset my password?", "What are the steps to change my password?",
                "The stock market fell sharply today."));
        assertThat(Vectors.cosine(v[0], v[1])).isGreaterThan(0.7);
        assertThat(Vectors.cosine(v[2], v[3])).isGreaterThan(0.7);
        assertThat(Vectors.cosine(v[0], v[4])).isLessThan(0.3);
        assertThat(Vectors.cosine(v[2], v[4])).isLessThan(0.3);
        assertThat(Vectors.cosine(v[0], v[2])).isLessThan(0.3);
    }

    @Test
    void oneSentenceGivesThePinnedReferenceVector() {
        // Computed once with this model alone in its batch (no padding, so no batch effect) and pinned. For
        // comparison, the fp32 sentence-transformers model gives 0.0677, 0.0635, 0.0487, 0.0793, 0.0374, ...
        float[] reference = {0.06223067f, 0.08089612f, 0.053913675f, 0.083588645f, 0.037427623f, 0.020540886f, 0.07005363f, 0.002582061f};
        float[] v = model.embed(List.of("This is an example sentence")) [0];
        for (int d = 0; d < reference.length; d++) {
            assertThat(v[d]).as("dimension %d", d).isCloseTo(reference[d], within(1e-4f));
        }
    }

    @Test
    void aLongTextIsTheTokenWeightedAverageOfIts256TokenWindows() {
        String cooking = "To make a good risotto, toast the rice in butter, add warm stock one ladle at a time and stir often. ";
        String football = "The striker scored twice in the second half and the home team won the cup final on penalties. ";
        String text = cooking.repeat(12) + football.repeat(12);

        List<TokenWindow> windows = model.tokenize(List.of(text)).get(0);
        assertThat(windows.size()).isGreaterThanOrEqualTo(3);
        long[] content = new long[0];
        for (TokenWindow w : windows) {
            assertThat(w.length()).isLessThanOrEqualTo(OnnxEmbeddingModel.WINDOW_TOKENS);
            assertThat(w.ids()[0]).isEqualTo(101L);                  // [CLS]
            assertThat(w.ids()[w.length() - 1]).isEqualTo(102L);     // [SEP]
            content = concat(content, Arrays.copyOfRange(w.ids(), 1, w.length() - 1));
        }
        // Nothing is lost or repeated: the windows' contents are the whole text's tokens, in order.
        try (HuggingFaceTokenizer tokenizer = OnnxEmbeddingModel.tokenizer(OnnxEmbeddingModel.class, OnnxEmbeddingModel.BUNDLED_TOKENIZER)) {
            Encoding whole = tokenizer.encode(text);
            assertThat(whole.getIds().length).isGreaterThan(512);
            assertThat(content).containsExactly(Arrays.copyOfRange(whole.getIds(), 1, whole.getIds().length - 1));
        }

        // Each window as its own text, in one call: the same batches as the long text's windows get.
        List<List<TokenWindow>> separately = new ArrayList<>();
        for (TokenWindow w : windows) separately.add(List.of(w));
        float[][] windowVectors = model.embedTokenized(separately);
        float[] expected = new float[model.dimension()];
        for (int i = 0; i < windows.size(); i++) {
            for (int d = 0; d < expected.length; d++) expected[d] += windows.get(i).length() * windowVectors[i][d];
        }
        Vectors.normalize(expected);
        float[] actual = model.embed(List.of(text)) [0];
        for (int d = 0; d < expected.length; d++) assertThat(actual[d]).isCloseTo(expected[d], within(1e-5f));

        // The tail counts: the whole text sits between its cooking half and its football half.
        float[][] halves = model.embed(List.of(cooking.repeat(12), football.repeat(12)));
        assertThat(Vectors.cosine(actual, halves[1])).isGreaterThan(0.5);
        assertThat(Vectors.cosine(actual, halves[0])).isGreaterThan(0.5);
        assertThat(Vectors.cosine(windowVectors[0], halves[1])).isLessThan(0.3);
    }

    @Test
    void shortTextsAreOneWindowAndTheEmptyTextStillGetsAUnitVector() {
        assertThat(model.tokenize(List.of("short text")).get(0)).hasSize(1);
        float[] empty = model.embed(List.of("")) [0];
        assertThat(Vectors.dot(empty, empty)).isCloseTo(1.0, within(1e-5));
        assertThat(model.embed(List.of())).isEmpty();
    }

    @Test
    void batchingChangesVectorsOnlyWithinTolerance() {
        // The int8 model quantises activations with one scale per batch tensor, so batch-mates shift a vector
        // slightly (duplicates do not: same range). Measured here: cosine to the vector alone ≥ 0.97 for very
        // short texts, ≈ 0.99+ for sentences. The bounds leave a little room; a real bug (mask, padding,
        // pooling or order mix-up) drops cosines far below them.
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(i % 3 == 0 ? "Short answer " + i + "."
                    : i % 3 == 1 ? "A somewhat longer response number " + i + " that explains the steps to follow in some detail."
                    : "Response " + i + ": " + "it depends on the context and on what you want to achieve, ".repeat(1 + i % 5));
        }
        float[][] together = model.embed(texts);
        double sum = 0, min = 1;
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = model.embed(List.of(texts.get(i))) [0];
            double c = Vectors.cosine(alone, together[i]);
            sum += c;
            min = Math.min(min, c);
            // A text stays closer to itself than to texts of the other two kinds (an order mix-up fails here).
            for (int j = 0; j < texts.size(); j++) {
                if (j % 3 != i % 3) assertThat(c).isGreaterThan(Vectors.cosine(alone, together[j]));
            }
        }
        assertThat(min).isGreaterThan(0.95);
        assertThat(sum / texts.size()).isGreaterThan(0.98);

        // Duplicates in a batch and a batch of one text repeated give exactly the vector alone.
        float[] alone = model.embed(List.of(texts.get(1))) [0];
        float[][] dup = model.embed(List.of(texts.get(1), texts.get(1), texts.get(1)));
        assertThat(dup[0]).containsExactly(alone);
        assertThat(dup[2]).containsExactly(alone);

        // Order within the call does not matter beyond that tolerance either.
        List<String> reversed = new ArrayList<>(texts);
        java.util.Collections.reverse(reversed);
        float[][] back = model.embed(reversed);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(Vectors.cosine(back[texts.size() - 1 - i], together[i])).isGreaterThan(0.95);
        }
    }

    @Test
    void batchSizeOneIsExactlyReproducible() {
        try (OnnxEmbeddingModel single = OnnxEmbeddingModel.bundledMiniLm(InferenceSettings.defaults(data).withBatchSize(1))) {
            List<String> texts = List.of("Short answer.", "The striker scored twice in the second half.", "How do I reset my password?");
            float[][] together = single.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(together[i]).containsExactly(model.embed(List.of(texts.get(i)))[0]);
            }
        }
    }

    @Test
    void concurrentCallsEachBorrowTheirOwnPredictor() throws Exception {
        List<String> texts = List.of("A man is playing a guitar.", "The stock market fell sharply today.");
        float[][] reference = model.embed(texts);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[][]>> futures = new ArrayList<>();
            for (int i = 0; i < 6; i++) futures.add(pool.submit(() -> model.embed(texts)));
            for (Future<float[][]> f : futures) {
                float[][] got = f.get();
                assertThat(Vectors.cosine(got[0], reference[0])).isGreaterThan(0.9999);
                assertThat(Vectors.cosine(got[1], reference[1])).isGreaterThan(0.9999);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
