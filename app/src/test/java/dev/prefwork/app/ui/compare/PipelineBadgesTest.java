package dev.prefwork.app.ui.compare;

import dev.prefwork.app.AppLabeling;
import dev.prefwork.app.AppPaths;
import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Candidate;
import dev.prefwork.core.Progress;
import dev.prefwork.core.Prompt;
import dev.prefwork.core.PromptFilter;
import dev.prefwork.labeling.service.LabelModelService;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineBadgesTest {

    @TempDir
    Path dir;

    @Test
    void showsLfVotesAndThenTheLabelModelsPGood() {
        AppPaths paths = new AppPaths(dir.resolve("home"));
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            DemoWorkspace.fill(ws, Progress.NONE); // imports and applies the starter LFs
            long[] ids = ws.prompts().ids(PromptFilter.ALL);

            int lfBadges = 0;
            try (PipelineBadges badges = new PipelineBadges(paths)) {
                for (long id : ids) {
                    Prompt p = ws.prompts().get(id).orElseThrow();
                    Map<Long, List<Badge>> b = badges.badges(ws, p, ws.candidates().forPrompt(id));
                    for (List<Badge> list : b.values()) {
                        assertThat(list).allSatisfy(x -> assertThat(x.source()).isEqualTo("lf"));
                        lfBadges += list.size();
                    }
                }
            }
            assertThat(lfBadges).as("the demo LFs vote somewhere").isGreaterThan(50);

            try (LabelingService labeling = AppLabeling.service(ws, paths)) {
                new LabelModelService(ws, labeling).fit(LabelModelService.FitRequest.defaults(), Progress.NONE);
            }
            try (PipelineBadges badges = new PipelineBadges(paths)) {
                Prompt first = ws.prompts().get(ids[0]).orElseThrow();
                List<Candidate> cands = ws.candidates().forPrompt(first.id());
                Map<Long, List<Badge>> b = badges.badges(ws, first, cands);
                for (Candidate c : cands) {
                    assertThat(b.get(c.id())).as("candidate %d", c.position())
                            .anySatisfy(x -> assertThat(x.text()).startsWith("P(GOOD) 0.").doesNotContain("stale"));
                }
            }
        }
    }
}
