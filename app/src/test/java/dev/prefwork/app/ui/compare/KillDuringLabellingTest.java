package dev.prefwork.app.ui.compare;

import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Verdict;
import dev.prefwork.store.GoldRepository.PromptJudgments;
import dev.prefwork.store.SessionRepository;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Every judgment acknowledged to the expert survives a kill -9 of the process, and the session is closed on reopen. */
class KillDuringLabellingTest {

    @TempDir
    Path tmp;

    @Test
    void acknowledgedJudgmentsSurviveKill9() throws Exception {
        Path ws = tmp.resolve("demo");
        DemoWorkspace.openOrCreate(ws, Progress.NONE).close();
        List<Long> firstThree;
        try (Workspace w = Workspace.open(ws)) {
            firstThree = List.of(java.util.Arrays.stream(w.queues().load(dev.prefwork.core.LabelQueue.DEFAULT).ids()).limit(3).boxed()
                    .toArray(Long[]::new));
        }
        Process child = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                LabelInChildProcess.class.getName(), ws.toString(), tmp.resolve("home").toString())
                .redirectErrorStream(true).start();
        int acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) acked = Integer.parseInt(line.substring(4));
                if (line.startsWith("done ")) break;
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no session end, no H2 close
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acked).isEqualTo(12);
        try (Workspace w = Workspace.open(ws)) {
            for (int p = 0; p < 3; p++) {
                long pid = firstThree.get(p);
                List<Candidate> c = w.candidates().forPrompt(pid);
                PromptJudgments j = w.gold().forPrompt(pid);
                assertThat(j.prompt().bestCandidateId()).isEqualTo(c.get(p).id());
                assertThat(j.prompt().worstCandidateId()).isEqualTo(c.get(4).id());
                assertThat(Judgments.of(j).label(c.get(1).id())).isEqualTo(Verdict.GOOD);
                assertThat(Judgments.of(j).rating(c.get(2).id())).isEqualTo(3);
            }
            SessionRepository.LabelingSession s = w.sessions().latest().orElseThrow();
            assertThat(s.judgments()).isEqualTo(12);
            assertThat(s.endedAt()).as("killed: never ended").isNull();
            assertThat(w.sessions().endUnclean()).isEqualTo(1);
        }
    }
}
