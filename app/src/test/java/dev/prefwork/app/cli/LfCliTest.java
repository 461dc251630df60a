package dev.prefwork.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.Progress;
import dev.prefwork.labeling.service.LabelingService;
import dev.prefwork.labeling.service.LfApplyReport;
import dev.prefwork.store.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.prefwork.app.cli.PrefworkCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LfCliTest {

    @TempDir
    Path dir;

    @Test
    void demoHasTheStarterLibraryAndApplyEqualsTheService() throws Exception {
        Path ws = dir.resolve("demo");
        assertThat(cli("init", ws.toString(), "--demo").code()).isZero();

        PrefworkCliTest.Run list = cli("lf", "list", ws.toString(), "--json");
        assertThat(list.code()).as(list.err()).isZero();
        JsonNode lfs = new ObjectMapper().readTree(list.out());
        assertThat(lfs.size()).isEqualTo(16);
        assertThat(lfs.get(0).get("name").asText()).isEqualTo("Refusal or deflection");

        PrefworkCliTest.Run apply = cli("lf", "apply", ws.toString(), "--json");
        assertThat(apply.code()).as(apply.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(apply.out());
        assertThat(json.get("candidates").asInt()).isEqualTo(330);
        assertThat(json.get("recomputed").asInt()).as("votes stored by the demo are read back").isZero();

        LfApplyReport report;
        try (Workspace w = Workspace.open(ws); LabelingService service = new LabelingService(w)) {
            report = service.apply(Progress.NONE);
        }
        assertThat(json.get("lfs").size()).isEqualTo(report.lfs().size());
        int withHits = 0;
        for (int i = 0; i < report.lfs().size(); i++) {
            LfApplyReport.Row r = report.lfs().get(i);
            JsonNode row = json.get("lfs").get(i);
            assertThat(row.get("name").asText()).isEqualTo(r.lf().name());
            assertThat(row.get("hits").asInt()).isEqualTo(r.stats().hits());
            assertThat(row.get("conflictRows").asInt()).isEqualTo(r.stats().conflictRows());
            assertThat(row.get("coverage").asDouble()).isCloseTo(r.stats().coverage(), within(1e-12));
            assertThat(row.get("correct").asInt()).isEqualTo(r.stats().correct());
            assertThat(row.get("incorrect").asInt()).isEqualTo(r.stats().incorrect());
            if (r.stats().hits() > 0) withHits++;
        }
        assertThat(withHits).as("the starter LFs vote on the demo").isGreaterThan(8);
        assertThat(json.at("/matrix/labelCoverage").asDouble()).isCloseTo(report.matrix().labelCoverage(), within(1e-12));

        PrefworkCliTest.Run table = cli("lf", "apply", ws.toString());
        assertThat(table.out()).contains("Refusal or deflection").contains("coverage").contains("330 candidates");
    }

    @Test
    void addExportAndAddAgainMakesNoNewVersions() throws Exception {
        Path ws = dir.resolve("ws");
        Path other = dir.resolve("other");
        cli("init", ws.toString(), "--demo");
        cli("init", other.toString());
        Path file = dir.resolve("lfs.json");
        PrefworkCliTest.Run export = cli("lf", "export", ws.toString(), "-o", file.toString());
        assertThat(export.code()).as(export.err()).isZero();
        assertThat(Files.readString(file)).contains("prefwork-lfs");

        PrefworkCliTest.Run add = cli("lf", "add", other.toString(), "--file", file.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("Added 16 new LFs, 0 new versions, 0 unchanged");
        assertThat(cli("lf", "add", other.toString(), "--file", file.toString()).out()).contains("Added 0 new LFs, 0 new versions, 16 unchanged");
        assertThat(cli("lf", "list", other.toString()).out()).contains("16 labeling functions");
    }

    @Test
    void anInvalidLibraryIsBadInputAndNothingIsAdded() throws Exception {
        Path ws = dir.resolve("ws");
        cli("init", ws.toString());
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"format":"prefwork-lfs","version":1,"lfs":[
                  {"name":"ok","aspect":"tone","vote":"BAD","when":{"type":"keywords","terms":["sorry"]}},
                  {"name":"broken","aspect":"tone","vote":"BAD","when":{"type":"regex","pattern":"(unclosed"}}]}
                """);
        PrefworkCliTest.Run r = cli("lf", "add", ws.toString(), "--file", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("lfs[1].when.pattern");
        assertThat(cli("lf", "list", ws.toString()).out()).contains("0 labeling functions");
    }
}
