package dev.prefwork.store;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.PromptGold;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.QueueRepository.QueueIds;
import dev.prefwork.store.SessionRepository.LabelingSession;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compare & label's store: queues (unlabelled first, category, seeded random, needs review), undo snapshots, sessions. */
class QueuesAndSessionsTest {

    @TempDir
    Path dir;
    Workspace ws;
    long[] all;

    @BeforeEach
    void open() throws IOException {
        ws = Workspace.open(dir.resolve("ws"));
        // 10 prompts q-p-1..q-p-10, 3 candidates each; odd ones cat-a, even ones cat-b
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "q", 10, 3), Importer.Options.DETECT, Progress.NONE);
        all = ws.prompts().ids(dev.prefwork.core.PromptFilter.ALL);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private long prompt(int n) {
        return all[n - 1];
    }

    private List<Candidate> candidates(int n) {
        return ws.candidates().forPrompt(prompt(n));
    }

    @Test
    void unlabelledFirstKeepsWorkspaceOrderAndPutsLabelledLast() {
        ws.gold().setLabel(candidates(2).get(0).id(), Verdict.GOOD, null);
        ws.gold().setPromptGold(new PromptGold(prompt(5), candidates(5).get(1).id(), null, null), null);
        QueueIds q = ws.queues().load(LabelQueue.DEFAULT);
        assertThat(q.ids()).containsExactly(prompt(1), prompt(3), prompt(4), prompt(6), prompt(7), prompt(8), prompt(9),
                prompt(10), prompt(2), prompt(5));
        assertThat(q.done()).isEqualTo(2);
        assertThat(q.indexOf(prompt(5))).isEqualTo(9);
        assertThat(q.indexOf(-1)).isEqualTo(-1);
        ws.gold().setRating(candidates(7).get(2).id(), 4, null);
        assertThat(ws.queues().done(LabelQueue.DEFAULT)).isEqualTo(3);
    }

    @Test
    void categoryQueueHoldsOnlyThatCategory() {
        ws.gold().setLabel(candidates(3).get(0).id(), Verdict.BAD, null);
        QueueIds q = ws.queues().load(new LabelQueue.Category("cat-a"));
        assertThat(q.ids()).containsExactly(prompt(1), prompt(5), prompt(7), prompt(9), prompt(3));
        assertThat(q.done()).isEqualTo(1);
        assertThat(ws.queues().done(new LabelQueue.Category("cat-a"))).isEqualTo(1);
        assertThat(ws.queues().done(new LabelQueue.Category("cat-b"))).isZero();
        assertThat(ws.queues().load(new LabelQueue.Category("")).ids()).isEmpty();
    }

    @Test
    void randomQueueIsAFixedPermutationPerSeedWithUnlabelledFirst() {
        QueueIds a = ws.queues().load(new LabelQueue.Random(42));
        QueueIds b = ws.queues().load(new LabelQueue.Random(42));
        QueueIds c = ws.queues().load(new LabelQueue.Random(7));
        assertThat(a.ids()).containsExactly(b.ids());
        assertThat(a.ids()).isNotEqualTo(c.ids());
        long[] sorted = a.ids().clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(all);
        assertThat(a.ids()).isNotEqualTo(all);

        // labelling moves a prompt to the back; the unlabelled keep their relative order
        long first = a.ids()[0];
        ws.gold().setLabel(ws.candidates().forPrompt(first).get(0).id(), Verdict.GOOD, null);
        QueueIds after = ws.queues().load(new LabelQueue.Random(42));
        assertThat(after.ids()[after.size() - 1]).isEqualTo(first);
        assertThat(Arrays.copyOf(after.ids(), 9)).containsExactly(Arrays.copyOfRange(a.ids(), 1, 10));
        assertThat(after.done()).isEqualTo(1);
    }

    @Test
    void needsReviewQueueIsByPriorityAndAJudgmentMarksItReviewed() {
        ws.reviews().flag(prompt(4), "model contradicts gold", 0.5, "rankings");
        ws.reviews().flag(prompt(8), "low margin", 0.9, "rankings");
        ws.reviews().flag(prompt(1), "manual", 0.1, "expert");
        assertThat(ws.queues().load(new LabelQueue.NeedsReview()).ids()).containsExactly(prompt(8), prompt(4), prompt(1));
        assertThat(ws.reviews().get(prompt(8)).orElseThrow().reason()).isEqualTo("low margin");

        ws.gold().setLabel(candidates(8).get(1).id(), Verdict.GOOD, null);
        assertThat(ws.reviews().get(prompt(8)).orElseThrow().reviewed()).isTrue();
        QueueIds q = ws.queues().load(new LabelQueue.NeedsReview());
        assertThat(q.ids()).containsExactly(prompt(4), prompt(1), prompt(8));
        assertThat(q.done()).isEqualTo(1);
        assertThat(ws.queues().done(new LabelQueue.NeedsReview())).isEqualTo(1);
        assertThat(ws.reviews().pending()).isEqualTo(2);

        // flagging again starts over; clearing by source keeps the others
        ws.reviews().flag(prompt(8), "still unsure", 0.3, "rankings");
        assertThat(ws.reviews().get(prompt(8)).orElseThrow().reviewed()).isFalse();
        assertThat(ws.reviews().clear("rankings")).isEqualTo(2);
        assertThat(ws.reviews().list()).extracting(ReviewRepository.ReviewItem::promptId).containsExactly(prompt(1));
        assertThatThrownBy(() -> ws.reviews().flag(-5, "x", 0, "t")).hasMessageContaining("no prompt");
    }

    @Test
    void restoringASnapshotUndoesAnyJudgmentExactlyAndUncountsIt() {
        LabelingSession s = ws.sessions().start("unlabelled", prompt(3));
        List<Candidate> c = candidates(3);
        ws.reviews().flag(prompt(3), "why", 1, "rankings");
        ws.gold().setLabel(c.get(0).id(), Verdict.GOOD, s.id());
        ws.gold().setPreference(c.get(0).id(), c.get(1).id(), c.get(0).id(), s.id());
        GoldRepository.Snapshot before = ws.gold().snapshot(prompt(3));
        assertThat(before.flagged()).isTrue();
        assertThat(before.reviewedAt()).isNotNull();
        PromptJudgments judged = ws.gold().forPrompt(prompt(3));

        // one more judgment that changes several rows (best and worst, a label), then undo it
        ws.gold().setPromptGold(new PromptGold(prompt(3), c.get(1).id(), c.get(0).id(), "hmm"), s.id());
        ws.gold().setLabel(c.get(0).id(), Verdict.BAD, s.id());
        GoldRepository.Snapshot mid = ws.gold().snapshot(prompt(3));
        ws.gold().setLabel(c.get(2).id(), Verdict.BAD, s.id());
        assertThat(ws.sessions().get(s.id()).orElseThrow().judgments()).isEqualTo(5);

        ws.gold().restore(mid, s.id());
        assertThat(ws.gold().snapshot(prompt(3))).isEqualTo(mid);
        assertThat(ws.sessions().get(s.id()).orElseThrow().judgments()).isEqualTo(4);
        ws.gold().restore(before, s.id());
        assertThat(ws.gold().forPrompt(prompt(3))).isEqualTo(judged);
        assertThat(ws.gold().snapshot(prompt(3))).isEqualTo(before);
        assertThat(ws.sessions().promptTimes(s.id())).singleElement().satisfies(t -> assertThat(t.judgments()).isEqualTo(3));

        // undoing the very first judgment leaves no gold and the review flag pending again
        GoldRepository.Snapshot empty = new GoldRepository.Snapshot(prompt(3), null, List.of(), List.of(), true, null);
        ws.gold().restore(empty, null);
        assertThat(ws.gold().labelledPromptIds()).isEmpty();
        assertThat(ws.reviews().get(prompt(3)).orElseThrow().reviewed()).isFalse();
    }

    @Test
    void sessionsRecordQueueTimePerPromptEndAndResumePoint() {
        LabelingSession s = ws.sessions().start("category:cat-a", prompt(1));
        assertThat(s.queue()).isEqualTo("category:cat-a");
        assertThat(s.endedAt()).isNull();
        ws.gold().setLabel(candidates(1).get(0).id(), Verdict.GOOD, s.id());
        ws.sessions().addTime(s.id(), prompt(1), 12_000);
        ws.sessions().visit(s.id(), prompt(3), null);
        ws.sessions().addTime(s.id(), prompt(3), 3_000);
        ws.sessions().addTime(s.id(), prompt(3), 2_500);
        assertThat(ws.sessions().promptTimes(s.id())).extracting(SessionRepository.PromptTime::activeMillis).containsExactly(12_000L, 5_500L);
        assertThat(ws.sessions().promptTimes(s.id())).extracting(SessionRepository.PromptTime::judgments).containsExactly(1, 0);
        assertThat(ws.sessions().timeOnPrompt(prompt(3))).isEqualTo(5_500);

        LabelingSession open = ws.sessions().latestWithPrompt().orElseThrow();
        assertThat(open.lastPromptId()).isEqualTo(prompt(3));

        ws.sessions().end(s.id(), SessionRepository.END_IDLE);
        ws.sessions().end(s.id(), SessionRepository.END_CLOSE);
        LabelingSession ended = ws.sessions().get(s.id()).orElseThrow();
        assertThat(ended.endedAt()).isEqualTo(ended.lastActiveAt());
        assertThat(ended.endReason()).isEqualTo("idle");
        // visits after the end do not move an ended session
        ws.sessions().visit(s.id(), prompt(5), null);
        assertThat(ws.sessions().get(s.id()).orElseThrow().lastPromptId()).isEqualTo(prompt(3));
        assertThatThrownBy(() -> ws.sessions().addTime(s.id(), prompt(1), -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionsLeftOpenByAKilledProcessEndAtTheirLastActivity() {
        LabelingSession s = ws.sessions().start("unlabelled", prompt(2));
        ws.gold().setLabel(candidates(2).get(0).id(), Verdict.GOOD, s.id());
        assertThat(ws.sessions().endUnclean()).isEqualTo(1);
        LabelingSession after = ws.sessions().get(s.id()).orElseThrow();
        assertThat(after.endedAt()).isEqualTo(after.lastActiveAt());
        assertThat(after.endReason()).isEqualTo(SessionRepository.END_UNCLEAN);
        assertThat(ws.sessions().endUnclean()).isZero();
    }

    @Test
    void summariesCountSessionsJudgmentsTimeAndPromptsSinceAMoment() throws Exception {
        assertThat(ws.sessions().allTime()).isEqualTo(SessionRepository.Summary.EMPTY);
        LabelingSession a = ws.sessions().start("unlabelled", null);
        ws.gold().setLabel(candidates(1).get(0).id(), Verdict.GOOD, a.id());
        ws.gold().setLabel(candidates(1).get(1).id(), Verdict.BAD, a.id());
        ws.gold().setRating(candidates(2).get(1).id(), 3, a.id());
        Thread.sleep(20);
        ws.sessions().visit(a.id(), prompt(2), null);
        ws.sessions().end(a.id());
        LabelingSession b = ws.sessions().start("unlabelled", null);
        ws.gold().setLabel(candidates(1).get(2).id(), Verdict.GOOD, b.id());

        SessionRepository.Summary all = ws.sessions().allTime();
        assertThat(all.sessions()).isEqualTo(2);
        assertThat(all.judgments()).isEqualTo(4);
        assertThat(all.prompts()).isEqualTo(2);
        assertThat(all.activeMillis()).isGreaterThanOrEqualTo(20);
        assertThat(ws.sessions().summary(Instant.now().plus(1, ChronoUnit.HOURS))).isEqualTo(SessionRepository.Summary.EMPTY);
        assertThat(ws.sessions().summary(b.startedAt()).judgments()).isEqualTo(1);
    }

    @Test
    void queueParsingRoundTripsAndFallsBackToTheDefault() {
        for (LabelQueue q : List.of(new LabelQueue.UnlabelledFirst(), new LabelQueue.Category("coding"), new LabelQueue.Category(""),
                new LabelQueue.Random(-3), new LabelQueue.NeedsReview())) {
            assertThat(LabelQueue.parse(q.key())).isEqualTo(q);
        }
        assertThat(LabelQueue.parse("random:x")).isEqualTo(LabelQueue.DEFAULT);
        assertThat(LabelQueue.parse(null)).isEqualTo(LabelQueue.DEFAULT);
        assertThat(LabelQueue.parse("whatever")).isEqualTo(LabelQueue.DEFAULT);
    }
}
