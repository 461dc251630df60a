package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfGroups;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/** `label-model correlations | group | ungroup` on the demo with seven planted length LFs. */
class LabelModelCorrelationsCliTest {

    static final Path LENGTH_LFS = Path.of("../modules/labeling/src/test/resources/length-lfs.json");

    @TempDir
    Path dir;

    @Test
    void correlationsWarnGroupingTheClusterAndRefittingReducesItsShare() throws Exception {
        Path ws = dir.resolve("demo");
        assertThat(cli("init", ws.toString(), "--demo").code()).isZero();
        try (Workspace w = Workspace.open(ws); LabelingService labeling = new LabelingService(w)) {
            labeling.importLibrary(LENGTH_LFS);
        }
        assertThat(cli("label-model", "fit", ws.toString()).code()).isZero();

        PrefworkCliTest.Run run = cli("label-model", "correlations", ws.toString(), "--json");
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("rows").asInt()).isEqualTo(330);
        assertThat(json.get("lfs").size()).isEqualTo(23);
        assertThat(json.get("lfs").get(0).get("r").size()).isEqualTo(23);
        assertThat(json.get("lfs").get(0).get("r").get(0).asDouble()).isEqualTo(1.0);
        assertThat(json.get("modelShare").asBoolean()).isTrue();
        assertThat(json.get("warning").asText()).contains("of your 23 LFs mostly measure response length");
        JsonNode cluster = json.get("clusters").get(0);
        double shareBefore = cluster.get("share").asDouble();
        List<String> names = new ArrayList<>();
        cluster.get("lfs").forEach(n -> names.add(n.asText()));
        assertThat(names).contains("Long answer", "Short answer", "Longest of its prompt");

        PrefworkCliTest.Run text = cli("label-model", "correlations", ws.toString(), "--measure", "words");
        assertThat(text.out()).startsWith("WARNING: ").contains("r words").contains("Matrix of r");

        PrefworkCliTest.Run group = cli("label-model", "group", ws.toString(), "--lfs", String.join(",", names), "--mode", "merge");
        assertThat(group.code()).as(group.err()).isZero();
        assertThat(group.out()).startsWith("merge: ").contains("Long answer");
        try (Workspace w = Workspace.open(ws)) {
            assertThat(LfGroups.read(w)).singleElement().satisfies(g -> assertThat(g.lfIds()).hasSize(names.size()));
        }
        assertThat(cli("label-model", "fit", ws.toString()).code()).isZero();
        JsonNode after = new ObjectMapper().readTree(cli("label-model", "correlations", ws.toString(), "--json").out());
        JsonNode clusterAfter = after.get("clusters").get(0);
        assertThat(clusterAfter.get("grouped").asBoolean()).isTrue();
        assertThat(clusterAfter.get("share").asDouble()).isLessThan(shareBefore - 0.15);

        PrefworkCliTest.Run ungroup = cli("label-model", "ungroup", ws.toString(), "--all");
        assertThat(ungroup.out()).startsWith("No LF groups");
        PrefworkCliTest.Run bad = cli("label-model", "group", ws.toString(), "--lfs", "Long answer,No such LF");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("no labeling function named 'No such LF'");
        assertThat(cli("label-model", "group", ws.toString(), "--lfs", "Long answer,Short answer", "--mode", "fuse").err())
                .contains("unknown group mode 'fuse'");
    }
}
