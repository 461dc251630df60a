package dev.prefwork.store;

import dev.prefwork.core.LabelQueue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The prompts of a {@link LabelQueue} in the order the Compare step walks them, and how many are done. A queue is
 * fetched once as its ordered ids (8 bytes a prompt: 100K prompts in well under a second) and then walked in
 * memory; its order does not change while the expert labels (a labelled prompt stays where it was), only its
 * "done" count, which {@link #done} recounts cheaply.
 */
public final class QueueRepository {

    /** A queue's prompt ids in walking order; {@code done} of them are labelled (reviewed, for the review queue). */
    public record QueueIds(long[] ids, int done) {
        public int size() {
            return ids.length;
        }

        /** The position of {@code promptId} in the queue, or -1. */
        public int indexOf(long promptId) {
            for (int i = 0; i < ids.length; i++) if (ids[i] == promptId) return i;
            return -1;
        }
    }

    /** The review_item source of the most-informative flags (the reward module's ReviewQueue.SOURCE_INFORMATIVE). */
    public static final String INFORMATIVE = "informative";

    private final Jdbc jdbc;

    QueueRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public QueueIds load(LabelQueue queue) {
        if (queue.flagged()) {
            // the most-informative queue is the flags its source set; needs review is every other flag
            String where = queue instanceof LabelQueue.MostInformative ? "WHERE source = ?" : "WHERE source <> ?";
            List<long[]> rows = jdbc.list("SELECT prompt_id, CASE WHEN reviewed_at IS NULL THEN 0 ELSE 1 END FROM review_item " + where + """
                     ORDER BY CASE WHEN reviewed_at IS NULL THEN 0 ELSE 1 END, priority DESC, prompt_id""",
                    rs -> new long[]{rs.getLong(1), rs.getLong(2)}, INFORMATIVE);
            long[] ids = new long[rows.size()];
            int done = 0;
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rows.get(i)[0];
                done += (int) rows.get(i)[1];
            }
            return new QueueIds(ids, done);
        }
        long[] members = members(queue);
        if (queue instanceof LabelQueue.Random r) shuffle(members, r.seed());
        long[] labelled = labelledIds();
        return unlabelledFirst(members, labelled);
    }

    /** How many of the queue's prompts are done now. */
    public int done(LabelQueue queue) {
        if (queue.flagged()) {
            String op = queue instanceof LabelQueue.MostInformative ? "=" : "<>";
            return (int) jdbc.count("SELECT COUNT(*) FROM review_item WHERE reviewed_at IS NOT NULL AND source " + op + " ?", INFORMATIVE);
        }
        if (queue instanceof LabelQueue.Category c) {
            return c.category().isEmpty()
                    ? (int) jdbc.count("SELECT COUNT(*) FROM labelled_prompt l JOIN prompt p ON p.id = l.prompt_id WHERE p.category IS NULL")
                    : (int) jdbc.count("SELECT COUNT(*) FROM labelled_prompt l JOIN prompt p ON p.id = l.prompt_id WHERE p.category = ?", c.category());
        }
        return (int) jdbc.count("SELECT COUNT(*) FROM labelled_prompt");
    }

    private long[] members(LabelQueue queue) {
        List<Long> ids;
        if (queue instanceof LabelQueue.Category c) {
            ids = c.category().isEmpty()
                    ? jdbc.list("SELECT id FROM prompt WHERE category IS NULL ORDER BY id", rs -> rs.getLong(1))
                    : jdbc.list("SELECT id FROM prompt WHERE category = ? ORDER BY id", rs -> rs.getLong(1), c.category());
        } else {
            ids = jdbc.list("SELECT id FROM prompt ORDER BY id", rs -> rs.getLong(1));
        }
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    /** Sorted ids of the prompts with any gold. */
    private long[] labelledIds() {
        List<Long> ids = jdbc.list("SELECT prompt_id FROM labelled_prompt", rs -> rs.getLong(1));
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        Arrays.sort(out);
        return out;
    }

    /** A stable partition: the members without gold keep their order and come first. */
    static QueueIds unlabelledFirst(long[] members, long[] sortedLabelled) {
        long[] out = new long[members.length];
        int front = 0;
        int done = 0;
        for (long id : members) if (Arrays.binarySearch(sortedLabelled, id) < 0) out[front++] = id;
        int back = front;
        for (long id : members) {
            if (Arrays.binarySearch(sortedLabelled, id) >= 0) {
                out[back++] = id;
                done++;
            }
        }
        return new QueueIds(out, done);
    }

    /** Fisher–Yates with a seeded generator: the same seed and members give the same order on every machine. */
    static void shuffle(long[] ids, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = ids.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
    }
}
