package dev.prefwork.app;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which argument of the workbench's command line opens which workspace, and which is the bundle to import. */
class StartArgumentsTest {

    @Test
    void noArgumentsOpenTheMostRecentWorkspace() {
        StartArguments args = StartArguments.parse(List.of());
        assertThat(args.workspace()).isNull();
        assertThat(args.bundle()).isNull();
        assertThat(args.ignored()).isEmpty();
    }

    @Test
    void aFolderIsTheWorkspace() {
        StartArguments args = StartArguments.parse(List.of("/data/ws"));
        assertThat(args.workspace()).isEqualTo(Path.of("/data/ws"));
        assertThat(args.bundle()).isNull();
    }

    @Test
    void aDoubleClickedBundleAloneLeavesTheWorkspaceToTheDefault() {
        StartArguments args = StartArguments.parse(List.of("/home/ann/Downloads/from-bob.prefwork.zip"));
        assertThat(args.workspace()).isNull();
        assertThat(args.bundle()).isEqualTo(Path.of("/home/ann/Downloads/from-bob.prefwork.zip"));
    }

    @Test
    void workspaceAndBundleInEitherOrder() {
        StartArguments a = StartArguments.parse(List.of("/data/ws", "b.prefwork.zip"));
        StartArguments b = StartArguments.parse(List.of("b.prefwork.zip", "/data/ws"));
        for (StartArguments args : List.of(a, b)) {
            assertThat(args.workspace()).isEqualTo(Path.of("/data/ws"));
            assertThat(args.bundle()).isEqualTo(Path.of("b.prefwork.zip"));
            assertThat(args.ignored()).isEmpty();
        }
    }

    @Test
    void theSuffixIsMatchedWithoutCaseAndOnlyAsTheWholeEnding() {
        assertThat(StartArguments.parse(List.of("C-Team.PREFWORK.ZIP")).bundle()).isEqualTo(Path.of("C-Team.PREFWORK.ZIP"));
        // a plain zip, or a folder that merely mentions the suffix, is a workspace folder
        assertThat(StartArguments.parse(List.of("export.zip")).workspace()).isEqualTo(Path.of("export.zip"));
        assertThat(StartArguments.parse(List.of("x.prefwork.zip.d")).workspace()).isEqualTo(Path.of("x.prefwork.zip.d"));
        assertThat(StartArguments.parse(List.of("x.prefwork.zip.d")).bundle()).isNull();
    }

    @Test
    void fileUrisFromDesktopLaunchersBecomePaths() {
        StartArguments args = StartArguments.parse(List.of("file:///tmp/my%20team.prefwork.zip"));
        assertThat(args.bundle()).isEqualTo(Path.of("/tmp/my team.prefwork.zip"));
    }

    @Test
    void optionsAreLeftToJavaFxAndExtrasAreReportedNotOpened() {
        StartArguments args = StartArguments.parse(List.of("--verbose", "/data/ws", "/data/other", "a.prefwork.zip", "b.prefwork.zip", " "));
        assertThat(args.workspace()).isEqualTo(Path.of("/data/ws"));
        assertThat(args.bundle()).isEqualTo(Path.of("a.prefwork.zip"));
        assertThat(args.ignored()).containsExactly("/data/other", "b.prefwork.zip");
    }
}
