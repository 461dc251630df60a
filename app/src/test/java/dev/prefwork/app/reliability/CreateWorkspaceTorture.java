package dev.prefwork.app.reliability;

import dev.prefwork.app.DemoWorkspace;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating workspaces — the schema migrations of a new database — and building the demo workspace, one after
 * another in new folders. After a kill every folder that holds a database opens with the complete schema (a
 * demo one with all of the demo: prompts, gold, LFs and their votes), and a folder the kill left without one
 * can be created again.
 */
final class CreateWorkspaceTorture implements TortureOperation {

    private final Set<Path> verified = new HashSet<>();

    @Override
    public void prepare(Path dir, Path scratch) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public boolean singleWorkspace() {
        return false;
    }

    @Override
    public int maxStepsBeforeKill() {
        return 3;
    }

    @Override
    public void work(ChildContext ctx) {
        ctx.ready();
        for (int i = 0; ; i++) {
            boolean demo = i % 3 == 2;
            Path ws = ctx.dir().resolve((demo ? "demo-" : "ws-") + ctx.token() + "-" + i);
            ctx.journal().begin("create", ws.getFileName());
            if (demo) DemoWorkspace.openOrCreate(ws, Progress.NONE).close();
            else Workspace.open(ws).close();
            ctx.journal().ack("create", ws.getFileName());
        }
    }

    @Override
    public void check(CheckContext ctx) throws IOException {
        for (Journal.Entry ack : ctx.acks()) {
            assertThat(Workspace.exists(ctx.dir().resolve(ack.field(1)))).as("acknowledged workspace %s", ack.field(1)).isTrue();
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(ctx.dir())) {
            folders = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().endsWith(".building")).sorted().toList();
        }
        for (Path f : folders) {
            if (verified.contains(f)) continue;
            boolean demo = f.getFileName().toString().startsWith("demo-");
            boolean existed = Workspace.exists(f);
            // where the kill left no database, creating it again must work (and is checked the same way)
            try (Workspace ws = demo ? DemoWorkspace.openOrCreate(f, Progress.NONE) : Workspace.open(f)) {
                ctx.invariants(ws);
                if (demo) {
                    assertThat(ws.stats().compute().total().prompts()).as("demo prompts in %s (existed: %s)", f, existed).isEqualTo(66);
                    assertThat(ws.gold().labelledPromptIds()).as("demo gold").isNotEmpty();
                    assertThat(ws.labelingFunctions().count()).as("demo LFs").isGreaterThan(0);
                    assertThat(ws.lfVotes().versionIds()).as("demo LF votes").hasSize((int) ws.labelingFunctions().count());
                }
            }
            verified.add(f);
        }
    }
}
