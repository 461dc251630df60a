package dev.prefwork.app.ui.compare;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.app.ui.MutableClock;
import dev.prefwork.app.ui.RecordingNotifier;
import dev.prefwork.app.ui.compare.CompareViewModel.SaveState;
import dev.prefwork.app.ui.compare.CompareViewModel.ViewState;
import dev.prefwork.app.ui.task.CurrentThreadTaskExecutor;
import dev.prefwork.app.ui.workspace.SettingsStore;
import dev.prefwork.app.ui.workspace.WorkspaceService;
import dev.prefwork.core.CandidateGold;
import dev.prefwork.core.LabelQueue;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.SessionRepository;
import dev.prefwork.store.SessionRepository.LabelingSession;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Compare view model on the real demo workspace (66 prompts × 5 candidates, 24 labelled), every task on the calling thread. */
class CompareViewModelTest {

    @TempDir
    Path tmp;

    private final CurrentThreadTaskExecutor executor = new CurrentThreadTaskExecutor();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private final MutableClock clock = new MutableClock();
    private Path wsDir;
    private SettingsStore settings;
    private WorkspaceService workspaces;
    private CompareViewModel vm;

    @BeforeEach
    void open() {
        wsDir = tmp.resolve("demo");
        DemoWorkspace.openOrCreate(wsDir, Progress.NONE).close();
        settings = new SettingsStore(tmp.resolve("home/settings.json"));
        start();
    }

    private void start() {
        workspaces = new WorkspaceService(new AppPaths(tmp.resolve("home")), settings, executor, notifier);
        vm = new CompareViewModel(workspaces, executor, notifier, settings, clock);
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.NO_WORKSPACE);
        workspaces.openExisting(wsDir);
    }

    /** Closes as the workbench does on exit. */
    private void closeApp() {
        vm.close();
        workspaces.close();
    }

    @AfterEach
    void close() {
        closeApp();
        assertThat(executor.errors()).isEmpty();
    }

    private Workspace ws() {
        return workspaces.workspace();
    }

    private String shown() {
        return vm.currentProperty().get().prompt().sourceId();
    }

    private long candidateId(int index) {
        return vm.currentProperty().get().candidates().get(index).id();
    }

    private PromptJudgments stored() {
        return ws().gold().forPrompt(vm.currentProperty().get().id());
    }

    @Test
    void opensOnTheFirstUnlabelledPromptWithProgressAndPrefetchesTheNext() {
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.READY);
        assertThat(shown()).isEqualTo("demo-policy-02");
        assertThat(vm.currentProperty().get().candidates()).hasSize(5);
        assertThat(vm.currentProperty().get().candidates().get(0).markdown().blocks()).isNotEmpty();
        assertThat(vm.queueProperty().get()).isEqualTo(LabelQueue.DEFAULT);
        assertThat(vm.positionTextProperty().get()).isEqualTo("Prompt 1 of 66");
        assertThat(vm.progressTextProperty().get()).isEqualTo("24 of 66 labelled");
        assertThat(vm.progressProperty().get()).isEqualTo(24 / 66.0);
        assertThat(vm.judgmentsProperty().get().isEmpty()).isTrue();
        assertThat(vm.categories()).contains("policy-qa", "sql-code");
        long nextId = ws().queues().load(LabelQueue.DEFAULT).ids()[1];
        assertThat(vm.isCached(nextId)).as("the next prompt is prefetched").isTrue();
        assertThat(vm.sessionActiveProperty().get()).as("no session before the expert works").isFalse();
        assertThat(ws().sessions().list()).isEmpty();
        assertThat(vm.sessionSummaryProperty().get()).isEqualTo("No labelling sessions yet");
    }

    @Test
    void everyJudgmentIsSavedAtOnceAndTogglesOff() {
        vm.toggleBest(2);
        assertThat(vm.judgmentsProperty().get().best()).isEqualTo(candidateId(2));
        assertThat(stored().prompt().bestCandidateId()).isEqualTo(candidateId(2));
        assertThat(vm.saveStateProperty().get()).isEqualTo(SaveState.SAVED);
        assertThat(vm.lastActionProperty().get()).isEqualTo("Candidate 3 is the best");

        vm.toggleWorst(2); // the best becomes the worst
        assertThat(stored().prompt().bestCandidateId()).isNull();
        assertThat(stored().prompt().worstCandidateId()).isEqualTo(candidateId(2));
        vm.toggleBest(0);
        vm.toggleWorst(2); // again: cleared
        assertThat(stored().prompt().worstCandidateId()).isNull();
        assertThat(stored().prompt().bestCandidateId()).isEqualTo(candidateId(0));

        vm.toggleLabel(1, Verdict.GOOD);
        vm.toggleLabel(3, Verdict.BAD);
        vm.toggleLabel(1, Verdict.GOOD);
        vm.rate(4, 4);
        vm.rate(0, 5);
        vm.rate(0, 5);
        assertThat(stored().candidates()).containsExactlyInAnyOrder(
                new CandidateGold(candidateId(3), vm.currentProperty().get().id(), Verdict.BAD, null),
                new CandidateGold(candidateId(4), vm.currentProperty().get().id(), null, 4));

        vm.prefer(1, 3);
        assertThat(stored().preferences()).singleElement().satisfies(p -> {
            assertThat(p.preferred()).isEqualTo(candidateId(1));
            assertThat(p.other()).isEqualTo(candidateId(3));
        });
        vm.prefer(3, 1); // reversed
        assertThat(stored().preferences()).singleElement().satisfies(p -> assertThat(p.preferred()).isEqualTo(candidateId(3)));
        vm.prefer(3, 1); // same again: removed
        assertThat(stored().preferences()).isEmpty();

        vm.setNote("  Candidate 1 cites the handbook.  ");
        assertThat(stored().prompt().note()).isEqualTo("Candidate 1 cites the handbook.");
        vm.setNote("Candidate 1 cites the handbook.");
        assertThat(vm.lastActionProperty().get()).as("an unchanged note is not saved again").isEqualTo("Note saved");
        assertThat(vm.judgmentsProperty().get()).isEqualTo(Judgments.of(stored()));
        assertThat(vm.doneProperty().get()).isEqualTo(25);
        assertThat(notifier.errors).isEmpty();
    }

    @Test
    void undoPutsTheDatabaseBackExactlyEvenOnAnotherPrompt() {
        var before = ws().gold().snapshot(vm.currentProperty().get().id());
        long first = vm.currentProperty().get().id();
        vm.toggleBest(1);
        vm.toggleWorst(1);
        vm.toggleLabel(1, Verdict.BAD);
        vm.next();
        String second = shown();
        vm.toggleLabel(0, Verdict.GOOD);
        assertThat(vm.undoTextProperty().get()).isEqualTo("Undo: Candidate 1: GOOD");

        vm.undo();
        assertThat(shown()).isEqualTo(second);
        assertThat(stored().candidates()).isEmpty();
        assertThat(vm.lastActionProperty().get()).isEqualTo("Undone: Candidate 1: GOOD");
        vm.undo(); // the BAD label on the first prompt: the view goes back there
        assertThat(vm.currentProperty().get().id()).isEqualTo(first);
        assertThat(stored().candidates()).isEmpty();
        assertThat(stored().prompt().worstCandidateId()).isEqualTo(candidateId(1));
        vm.undo();
        vm.undo();
        assertThat(ws().gold().snapshot(first)).isEqualTo(before);
        assertThat(vm.judgmentsProperty().get().isEmpty()).isTrue();
        assertThat(vm.canUndoProperty().get()).isFalse();
        vm.undo();
        assertThat(vm.lastActionProperty().get()).isEqualTo("Nothing to undo");
        LabelingSession s = ws().sessions().latest().orElseThrow();
        assertThat(s.judgments()).as("undone judgments do not count").isZero();
        assertThat(vm.doneProperty().get()).isEqualTo(24);
    }

    @Test
    void aSessionStartsWithWorkRecordsTimePerPromptAndEndsWhenIdle() {
        vm.userActive(); // looking is not labelling
        assertThat(ws().sessions().list()).isEmpty();
        clock.advance(Duration.ofSeconds(20));
        vm.toggleLabel(0, Verdict.GOOD);
        LabelingSession s = ws().sessions().latest().orElseThrow();
        assertThat(s.queue()).isEqualTo("unlabelled");
        assertThat(s.judgments()).isEqualTo(1);
        assertThat(vm.sessionActiveProperty().get()).isTrue();
        long firstPrompt = vm.currentProperty().get().id();

        clock.advance(Duration.ofSeconds(30));
        vm.toggleBest(0);
        clock.advance(Duration.ofSeconds(10));
        vm.next();
        long secondPrompt = vm.currentProperty().get().id();
        assertThat(ws().sessions().get(s.id()).orElseThrow().lastPromptId()).isEqualTo(secondPrompt);
        assertThat(ws().sessions().promptTimes(s.id())).filteredOn(t -> t.promptId() == firstPrompt).singleElement()
                .satisfies(t -> {
                    assertThat(t.activeMillis()).isEqualTo(60_000); // 20 s reading + 30 s + 10 s
                    assertThat(t.judgments()).isEqualTo(2);
                });
        clock.advance(Duration.ofSeconds(30));
        assertThat(vm.rateTextProperty().get()).isEqualTo("4.0 labels/min"); // 2 labels in the session's first 30 s
        vm.tick();
        assertThat(vm.rateTextProperty().get()).isEqualTo("1.7 labels/min"); // 2 labels in 70 s

        // six idle minutes: the session ends at its last activity, the time after it is not counted
        clock.advance(Duration.ofMinutes(6));
        vm.tick();
        LabelingSession ended = ws().sessions().get(s.id()).orElseThrow();
        assertThat(ended.endedAt()).isNotNull();
        assertThat(ended.endReason()).isEqualTo(SessionRepository.END_IDLE);
        assertThat(vm.sessionActiveProperty().get()).isFalse();
        assertThat(vm.rateTextProperty().get()).isEmpty();
        assertThat(ws().sessions().promptTimes(s.id())).filteredOn(t -> t.promptId() == secondPrompt).isEmpty();
        assertThat(vm.sessionSummaryProperty().get()).startsWith("Today: 2 labels in").contains("All time: 2 labels in");

        // the next judgment starts a new session
        vm.toggleLabel(1, Verdict.BAD);
        assertThat(ws().sessions().list()).hasSize(2);
        assertThat(ws().sessions().latest().orElseThrow().judgments()).isEqualTo(1);
        assertThat(vm.sessionSummaryProperty().get()).startsWith("Today: 3 labels in");
    }

    @Test
    void idleTimeoutIsConfigurableAndRemembered() {
        vm.idleMinutesProperty().set(2);
        vm.toggleLabel(0, Verdict.GOOD);
        clock.advance(Duration.ofMinutes(3));
        vm.tick();
        assertThat(ws().sessions().latest().orElseThrow().endReason()).isEqualTo("idle");
        assertThat(settings.get("compare.idleMinutes")).isEqualTo("2");
    }

    @Test
    void reopeningResumesInTheSameQueueAtThePromptWhereTheExpertLeftOff() {
        vm.setQueue(new LabelQueue.Category("sql-code"));
        assertThat(shown()).startsWith("demo-sql-");
        vm.next();
        vm.toggleLabel(2, Verdict.GOOD);
        vm.next();
        vm.next();
        String leftAt = shown();
        int pos = vm.positionProperty().get();
        closeApp();
        LabelingSession s;
        try (Workspace w = Workspace.open(wsDir)) {
            s = w.sessions().latest().orElseThrow();
        }
        start();
        assertThat(vm.queueProperty().get()).isEqualTo(new LabelQueue.Category("sql-code"));
        assertThat(shown()).isEqualTo(leftAt);
        // the prompt labelled on the way moved to the back of the queue (unlabelled first)
        assertThat(vm.positionProperty().get()).isEqualTo(pos - 1);
        assertThat(vm.lastActionProperty().get()).isEqualTo("Resumed where you left off");
        assertThat(s.endReason()).isEqualTo("close");
    }

    @Test
    void aSessionLeftOpenByAKillIsEndedAtItsLastActivityOnReopen() {
        vm.toggleLabel(0, Verdict.GOOD);
        long id = ws().sessions().latest().orElseThrow().id();
        closeApp();
        assertThat(sessionAfterClose(id).endReason()).isEqualTo(SessionRepository.END_CLOSE);
        // what a kill -9 leaves behind: the session never ended
        try (Workspace w = Workspace.open(wsDir)) {
            w.jdbc().update("UPDATE labeling_session SET ended_at = NULL, end_reason = NULL");
            assertThat(w.gold().forPrompt(w.sessions().get(id).orElseThrow().lastPromptId()).candidates()).hasSize(1);
        }
        start();
        LabelingSession s = ws().sessions().get(id).orElseThrow();
        assertThat(s.endReason()).isEqualTo(SessionRepository.END_UNCLEAN);
        assertThat(s.endedAt()).isEqualTo(s.lastActiveAt());
        assertThat(vm.lastActionProperty().get()).isEqualTo("Resumed where you left off");
    }

    private LabelingSession sessionAfterClose(long id) {
        try (Workspace w = Workspace.open(wsDir)) {
            return w.sessions().get(id).orElseThrow();
        }
    }

    @Test
    void queuesByCategoryRandomAndNeedsReview() {
        vm.setQueue(new LabelQueue.Category("writing"));
        assertThat(vm.queueSizeProperty().get()).isEqualTo(11);
        assertThat(shown()).startsWith("demo-write-");

        vm.setQueue(new LabelQueue.Random(7));
        String firstRandom = shown();
        assertThat(vm.queueSizeProperty().get()).isEqualTo(66);
        assertThat(vm.randomSeedProperty().get()).isEqualTo(7);
        vm.setQueue(LabelQueue.DEFAULT);
        vm.setQueue(new LabelQueue.Random(7));
        assertThat(shown()).as("the same seed, the same order").isEqualTo(firstRandom);
        vm.randomSeedProperty().set(8);
        assertThat(vm.queueProperty().get()).isEqualTo(new LabelQueue.Random(8));

        vm.setQueue(new LabelQueue.NeedsReview());
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.EMPTY_QUEUE);
        assertThat(vm.emptyTextProperty().get()).startsWith("Nothing needs review");
        assertThat(vm.currentProperty().get()).isNull();

        long p1 = ws().prompts().bySourceId("demo-data-03").orElseThrow().id();
        long p2 = ws().prompts().bySourceId("demo-sum-04").orElseThrow().id();
        ws().reviews().flag(p1, "The reward model ranks the padded answer first", 0.4, "rankings");
        ws().reviews().flag(p2, "Low margin between 1st and 2nd", 0.9, "rankings");
        vm.setQueue(new LabelQueue.NeedsReview());
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.READY);
        assertThat(shown()).isEqualTo("demo-sum-04");
        assertThat(vm.currentProperty().get().reviewReason()).isEqualTo("Low margin between 1st and 2nd");
        assertThat(vm.progressTextProperty().get()).isEqualTo("0 of 2 reviewed");
        vm.toggleBest(4);
        assertThat(vm.progressTextProperty().get()).isEqualTo("1 of 2 reviewed");
        assertThat(vm.reviewPendingProperty().get()).isEqualTo(1);
    }

    @Test
    void theMostInformativeQueueIsOfferedAndWalksOnlyItsOwnFlags() {
        assertThat(vm.queueChoices()).contains(new LabelQueue.MostInformative());
        vm.setQueue(new LabelQueue.MostInformative());
        assertThat(vm.stateProperty().get()).isEqualTo(ViewState.EMPTY_QUEUE);
        assertThat(vm.emptyTextProperty().get()).startsWith("No prompts picked yet");

        long p1 = ws().prompts().bySourceId("demo-data-03").orElseThrow().id();
        long p2 = ws().prompts().bySourceId("demo-sum-04").orElseThrow().id();
        long p3 = ws().prompts().bySourceId("demo-write-05").orElseThrow().id();
        ws().reviews().flag(p1, "Low margin between 1st and 2nd", 0.9, "rankings");
        ws().reviews().flag(p2, "most informative: the model can hardly tell its two best answers (1 and 2) apart", 1.2, "informative");
        ws().reviews().flag(p3, "most informative: the model prefers answer 3 over 1, but not by much", 0.3, "informative");
        vm.setQueue(new LabelQueue.MostInformative());
        assertThat(vm.queueSizeProperty().get()).isEqualTo(2);
        assertThat(shown()).isEqualTo("demo-sum-04");
        assertThat(vm.currentProperty().get().reviewReason()).contains("can hardly tell its two best answers");
        assertThat(vm.progressTextProperty().get()).isEqualTo("0 of 2 reviewed");
        vm.toggleBest(4);
        assertThat(vm.progressTextProperty().get()).isEqualTo("1 of 2 reviewed");
        assertThat(vm.reviewPendingProperty().get()).as("needs review counts only its own flags").isEqualTo(1);
        vm.setQueue(new LabelQueue.NeedsReview());
        assertThat(vm.queueSizeProperty().get()).isEqualTo(1);
        assertThat(shown()).isEqualTo("demo-data-03");
        assertThat(LabelQueue.parse(new LabelQueue.MostInformative().key())).isEqualTo(new LabelQueue.MostInformative());
    }

    @Test
    void openingAPromptFromThePromptsStepWorksTwiceAndLeavesANarrowQueue() {
        long id = ws().prompts().bySourceId("demo-write-05").orElseThrow().id();
        vm.setQueue(new LabelQueue.Category("sql-code"));
        vm.open(id);
        assertThat(shown()).isEqualTo("demo-write-05");
        assertThat(vm.queueProperty().get()).isEqualTo(LabelQueue.DEFAULT);
        vm.next();
        assertThat(shown()).isNotEqualTo("demo-write-05");
        vm.open(id); // the same prompt again
        assertThat(shown()).isEqualTo("demo-write-05");
    }

    @Test
    void searchGoesToTheNextMatchingPromptInTheQueue() {
        vm.search("  invoice ");
        String first = shown();
        assertThat(vm.currentProperty().get().prompt().text().toLowerCase()).contains("invoice");
        assertThat(vm.searchStatusProperty().get()).matches("Match 1 of \\d+ in this queue");
        vm.search("invoice");
        assertThat(shown()).isNotEqualTo(first);
        assertThat(vm.searchStatusProperty().get()).startsWith("Match 2 of");
        vm.search("demo-sql-07");
        assertThat(shown()).isEqualTo("demo-sql-07");
        vm.search("no such words anywhere");
        assertThat(vm.searchStatusProperty().get()).isEqualTo("No prompt in this queue matches \u201cno such words anywhere\u201d");
        assertThat(shown()).isEqualTo("demo-sql-07");
    }

    @Test
    void aFailedWriteIsReportedAndTheScreenShowsWhatIsStored() {
        long victim = candidateId(4);
        ws().jdbc().update("DELETE FROM candidate WHERE id = ?", victim);
        vm.toggleLabel(4, Verdict.GOOD);
        assertThat(notifier.errors).singleElement().asString()
                .contains("Could not save \u201cCandidate 5: GOOD\u201d").contains("no candidate with id " + victim);
        assertThat(vm.saveStateProperty().get()).isEqualTo(SaveState.FAILED);
        assertThat(vm.judgmentsProperty().get().label(victim)).isNull();
        assertThat(vm.canUndoProperty().get()).isFalse();
    }

    @Test
    void badgeProvidersFillTheBadgeSlot() {
        vm.addBadgeProvider((ws, prompt, candidates) -> Map.of(candidates.get(1).id(),
                List.of(new Badge("reward", "score 0.91", "reward model score", Badge.Tone.GOOD))));
        assertThat(vm.currentProperty().get().candidates().get(1).badges()).extracting(Badge::text).containsExactly("score 0.91");
        assertThat(vm.currentProperty().get().candidates().get(0).badges()).isEmpty();
        vm.next();
        assertThat(vm.currentProperty().get().candidates().get(1).badges()).hasSize(1);
    }

    @Test
    void togglesAreRememberedAndFocusWraps() {
        vm.rawProperty().set(true);
        vm.revealModelsProperty().set(true);
        vm.syncScrollProperty().set(true);
        vm.focusPrevious();
        assertThat(vm.focusedProperty().get()).isEqualTo(4);
        vm.focusNext();
        assertThat(vm.focusedProperty().get()).isZero();
        closeApp();
        start();
        assertThat(vm.rawProperty().get()).isTrue();
        assertThat(vm.revealModelsProperty().get()).isTrue();
        assertThat(vm.syncScrollProperty().get()).isTrue();
    }

    @Test
    void durationsAndSummaryText() {
        assertThat(CompareViewModel.duration(0)).isEqualTo("< 1 min");
        assertThat(CompareViewModel.duration(59_000)).isEqualTo("< 1 min");
        assertThat(CompareViewModel.duration(24 * 60_000)).isEqualTo("24 min");
        assertThat(CompareViewModel.duration((5 * 60 + 10) * 60_000L)).isEqualTo("5 h 10 min");
        assertThat(CompareViewModel.summaryText(new SessionRepository.Summary(1, 37, 24 * 60_000, 9),
                new SessionRepository.Summary(8, 412, 310 * 60_000L, 90)))
                .isEqualTo("Today: 37 labels in 24 min  \u00b7  All time: 412 labels in 5 h 10 min");
    }
}
