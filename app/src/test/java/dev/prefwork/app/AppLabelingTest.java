package dev.prefwork.app;

import dev.prefwork.labeling.lf.LfJson;
import dev.prefwork.labeling.lf.SpecError;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AppLabelingTest {

    @TempDir Path dir;

    @Test
    void theAppsLabelingServiceKnowsTheModelTemplates() {
        try (Workspace ws = Workspace.open(dir.resolve("ws"))) {
            LabelingService service = AppLabeling.service(ws, new AppPaths(dir.resolve("home")));
            List<SpecError> errors = service.validate(LfJson.parseSpec("""
                    {"name": "x", "aspect": "helpfulness", "vote": "BAD",
                     "when": {"type": "model_score", "provider": "embedding_similarity", "params": {"exemplars": []}, "min": 0.6}}""").value());
            // The provider's own check ran: the provider is registered (an unknown one fails on "provider").
            assertThat(errors).extracting(SpecError::path).containsExactly("params.exemplars");
        }
    }
}
