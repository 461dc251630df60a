package dev.prefwork.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TrainerPackageTest {

    @TempDir
    Path tmp;

    @Test
    void theListedFilesAreThePackage() throws Exception {
        try (Stream<Path> files = Files.list(TestPython.assets().resolve("trainer").resolve(TrainerPackage.MODULE))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".py")))
                    .as("TrainerPackage.FILES lists every file of assets/trainer/prefwork_trainer")
                    .containsExactlyInAnyOrderElementsOf(TrainerPackage.FILES);
        }
    }

    @Test
    void writesThePackageAndAnExecutableLaunchScript() throws Exception {
        TrainerPackage.writePackage(tmp.resolve("trainer"));
        for (String f : TrainerPackage.FILES) {
            assertThat(tmp.resolve("trainer/prefwork_trainer/" + f)).hasSameTextualContentAs(
                    TestPython.assets().resolve("trainer/prefwork_trainer/" + f));
        }
        TrainerPackage.writeLaunchScript(tmp.resolve("launch.sh"));
        assertThat(Files.isExecutable(tmp.resolve("launch.sh"))).isTrue();
        assertThat(Files.readString(tmp.resolve("launch.sh"))).contains("torch.distributed.run").contains("--nproc_per_node");
    }

    @Test
    void installsOncePerContentVersion() {
        Path a = TrainerPackage.install(tmp);
        Path b = TrainerPackage.install(tmp);
        assertThat(a).isEqualTo(b).endsWith(Path.of("trainer-" + TrainerPackage.contentVersion()));
        assertThat(a.resolve("prefwork_trainer/train.py")).exists();
    }
}
