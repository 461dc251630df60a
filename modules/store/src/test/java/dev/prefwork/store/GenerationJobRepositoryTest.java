package dev.prefwork.store;

import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.store.GenerationJobRepository.CandidateToWrite;
import dev.prefwork.store.GenerationJobRepository.CommitOutcome;
import dev.prefwork.store.GenerationJobRepository.JobToCreate;
import dev.prefwork.store.GenerationJobRepository.StoredJob;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationJobRepositoryTest {

    @TempDir
    Path dir;
    Workspace ws;
    long[] prompts;

    @BeforeEach
    void open() throws Exception {
        ws = Workspace.open(dir.resolve("ws"));
        // two prompts with 2 candidates each, then three prompt-only prompts
        new Importer(ws).importFile(Fixtures.candidatesFile(dir, "with", 2, 2), Importer.Options.DETECT, Progress.NONE);
        new Importer(ws).importFile(Fixtures.write(dir, "only.jsonl", """
                {"id":"n-1","prompt":"First new prompt"}
                {"id":"n-2","prompt":"Second new prompt"}
                {"id":"n-3","prompt":"Third new prompt"}
                """), Importer.Options.DETECT, Progress.NONE);
        prompts = ws.prompts().ids(PromptFilter.ALL);
        assertThat(prompts).hasSize(5);
    }

    @AfterEach
    void close() {
        ws.close();
    }

    private long job(boolean onlyMissing, long... ids) {
        return ws.generationJobs().create(new JobToCreate("test", "openai", "base-7b", "{\"base_url\":\"http://x\"}",
                "{\"n\":2}", "{\"scope\":\"all\"}", onlyMissing, ids));
    }

    private static List<CandidateToWrite> two(String tag) {
        return List.of(new CandidateToWrite(tag + " one", "{\"i\":0}"), new CandidateToWrite(tag + " two", "{\"i\":1}"));
    }

    @Test
    void aPromptsCandidatesAreWrittenOnceAfterItsExistingOnesWithTheJobsModel() {
        GenerationJobRepository jobs = ws.generationJobs();
        long id = job(false, prompts[0], prompts[2]);
        StoredJob fresh = jobs.get(id).orElseThrow();
        assertThat(fresh.status()).isEqualTo(GenerationJobRepository.STOPPED);
        assertThat(fresh.promptsTotal()).isEqualTo(2);
        assertThat(fresh.remaining()).isEqualTo(2);
        assertThat(fresh.resumable()).isTrue();
        assertThat(jobs.remainingPromptIds(id)).containsExactly(prompts[0], prompts[2]);

        assertThat(jobs.commitPrompt(id, prompts[0], two("a"), 40L, 120)).isEqualTo(CommitOutcome.WRITTEN);
        assertThat(jobs.commitPrompt(id, prompts[0], two("again"), 40L, 120)).isEqualTo(CommitOutcome.ALREADY_DONE);
        List<Candidate> c = ws.candidates().forPrompt(prompts[0]);
        assertThat(c).extracting(Candidate::position).containsExactly(0, 1, 2, 3);
        assertThat(c.subList(2, 4)).extracting(Candidate::text).containsExactly("a one", "a two");
        assertThat(c.subList(2, 4)).extracting(Candidate::model).containsOnly("base-7b");
        assertThat(c.get(3).metadataJson()).isEqualTo("{\"i\":1}");
        assertThat(jobs.candidates(id)).extracting(Candidate::text).containsExactly("a one", "a two");
        assertThat(jobs.remainingPromptIds(id)).containsExactly(prompts[2]);
        assertThat(jobs.promptStatus(id, prompts[0])).contains("DONE");

        StoredJob half = jobs.get(id).orElseThrow();
        assertThat(half.done()).isEqualTo(1);
        assertThat(half.candidates()).isEqualTo(2);
        assertThat(half.completionTokens()).isEqualTo(40);
        assertThat(half.remaining()).isEqualTo(1);
        assertThatThrownBy(() -> jobs.commitPrompt(id, prompts[1], two("x"), null, 1))
                .isInstanceOf(StoreException.class).hasMessageContaining("not part of generation job");
    }

    @Test
    void failedPromptsStayToDoAndACompleteJobIsNotResumable() {
        GenerationJobRepository jobs = ws.generationJobs();
        long id = job(false, prompts[2], prompts[3]);
        jobs.markFailed(id, prompts[2], "HTTP 500 three times");
        assertThat(jobs.errors(id, 10)).singleElement().satisfies(e -> assertThat(e.error()).isEqualTo("HTTP 500 three times"));
        assertThat(jobs.remainingPromptIds(id)).containsExactly(prompts[2], prompts[3]);
        assertThat(jobs.get(id).orElseThrow().failed()).isEqualTo(1);
        jobs.commitPrompt(id, prompts[2], two("p2"), null, 5);
        jobs.commitPrompt(id, prompts[3], two("p3"), null, 5);
        assertThat(jobs.errors(id, 10)).isEmpty();
        jobs.setStatus(id, GenerationJobRepository.COMPLETE, null);
        StoredJob done = jobs.get(id).orElseThrow();
        assertThat(done.resumable()).isFalse();
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.completionTokens()).as("servers that don't count tokens").isZero();
        assertThat(jobs.latestResumable()).isEmpty();
    }

    @Test
    void anOnlyMissingJobSkipsAPromptThatGotCandidatesMeanwhile() {
        GenerationJobRepository jobs = ws.generationJobs();
        long first = job(true, prompts[2], prompts[3]);
        long second = job(true, prompts[2]);
        assertThat(jobs.commitPrompt(second, prompts[2], two("second"), null, 1)).isEqualTo(CommitOutcome.WRITTEN);
        assertThat(jobs.commitPrompt(first, prompts[2], two("first"), null, 1)).isEqualTo(CommitOutcome.SKIPPED);
        assertThat(ws.candidates().forPrompt(prompts[2])).extracting(Candidate::text).containsExactly("second one", "second two");
        StoredJob j = jobs.get(first).orElseThrow();
        assertThat(j.skipped()).isEqualTo(1);
        assertThat(j.remaining()).isEqualTo(1);
        assertThat(jobs.latestResumable().orElseThrow().id()).isEqualTo(first);
    }

    @Test
    void twoThreadsCommittingTheSamePromptWriteItOnce() throws Exception {
        long id = job(false, prompts[4]);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<CommitOutcome>> outcomes = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String tag = "t" + t;
                    outcomes.add(pool.submit(() -> {
                        barrier.await();
                        return ws.generationJobs().commitPrompt(id, prompts[4], two(tag), null, 1);
                    }));
                }
                List<CommitOutcome> got = new ArrayList<>();
                for (Future<CommitOutcome> f : outcomes) got.add(f.get());
                if (round == 0) assertThat(got).containsExactlyInAnyOrder(CommitOutcome.WRITTEN, CommitOutcome.ALREADY_DONE);
                else assertThat(got).containsOnly(CommitOutcome.ALREADY_DONE);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ws.candidates().forPrompt(prompts[4])).hasSize(2);
    }

    @Test
    void jobsSurviveReopeningAndListNewestFirst() {
        long a = job(false, prompts[2]);
        long b = job(true, prompts[3], prompts[4]);
        ws.generationJobs().setStatus(b, GenerationJobRepository.RUNNING, null);
        ws.close();
        ws = Workspace.open(dir.resolve("ws"));
        List<StoredJob> list = ws.generationJobs().list();
        assertThat(list).extracting(StoredJob::id).containsExactly(b, a);
        assertThat(list.get(0).status()).isEqualTo(GenerationJobRepository.RUNNING);
        assertThat(list.get(0).onlyMissing()).isTrue();
        assertThat(list.get(0).backendConfigJson()).isEqualTo("{\"base_url\":\"http://x\"}");
        ws.generationJobs().setStatus(b, GenerationJobRepository.DISCARDED, null);
        assertThat(ws.generationJobs().latestResumable().orElseThrow().id()).isEqualTo(a);
    }
}
