package dev.prefwork.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prefwork.core.InputException;
import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.gold.GoldFile;
import dev.prefwork.store.importer.ImportFormat;
import dev.prefwork.store.importer.ImportSource;
import dev.prefwork.store.importer.Importer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher with the real trainer on the tiny model (CPU), a real H2 workspace and the demo's gold picks as a
 * TRL pair file: metrics arrive in H2 while it runs, a cancel stops it with a checkpoint, a resume finishes it, a
 * crash is recorded as failed with its logs kept, and a service started later follows a trainer that outlived the
 * one that launched it (or records that it died unwatched).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    private Path python;
    private Path model;
    private Path pairs;
    private Workspace ws;

    @BeforeAll
    void setUp() throws Exception {
        python = TestPython.withTorch();
        ws = Workspace.open(tmp.resolve("ws"));
        model = TinyModel.create(python, tmp.resolve("tools"), ws.dir().resolve("models").resolve(TinyModel.FOLDER));
        pairs = DemoPairs.write(ws.exportsDir().resolve("demo-pairs.jsonl"));
    }

    @AfterAll
    void tearDown() {
        if (ws != null) ws.close(); // null when the assumption in setUp skipped the class
    }

    private TrainingService.RunSetup setup(String name, int maxSteps) {
        TrainingConfig.Builder b = TrainingConfig.tinyDemo().toBuilder();
        b.maxSteps = maxSteps;
        b.maxLength = 64;
        b.maxPromptLength = 32;
        b.evalSteps = 10;
        return new TrainingService.RunSetup(name, new TrlPairFile(pairs), model, b.build());
    }

    private static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("not within " + timeout + ": " + what);
            Thread.sleep(50);
        }
    }

    /** Freezes or thaws a process (SIGSTOP / SIGCONT), so a test's steps cannot race the trainer's. */
    private static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    private List<Integer> trainSteps(TrainingService s, long id) {
        return s.metrics(id).stream().filter(p -> !p.eval()).map(MetricPoint::step).toList();
    }

    @Test
    void metricsStreamIntoH2ThenCancelThenResumeToTheEnd() throws Exception {
        TrainingService s = new TrainingService(ws, Duration.ofMillis(100));
        List<MetricPoint> heard = new CopyOnWriteArrayList<>();
        List<RunStatus> statuses = new CopyOnWriteArrayList<>();
        s.addListener(new TrainingService.Listener() {
            @Override public void metrics(long runId, List<MetricPoint> points) { heard.addAll(points); }
            @Override public void runChanged(TrainingRun run) { statuses.add(run.status()); }
        });
        try {
            TrainingRun run = s.launch(setup("demo pairs on tiny", 40), python);
            long id = run.id();
            assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(run.pid()).isNotNull();
            Path dir = run.dir();
            assertThat(dir).isEqualTo(ws.runsDir().resolve("run-" + id));
            JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
            assertThat(config.get("model").asText()).isEqualTo(model.toString());
            assertThat(config.get("beta").asDouble()).isEqualTo(0.1);
            assertThat(Files.readAllLines(dir.resolve("data/train.jsonl"))).hasSize(24);
            assertThat(dir.resolve("trainer/prefwork_trainer/train.py")).exists();
            assertThat(Files.isExecutable(dir.resolve("launch.sh"))).isTrue();
            assertThat(dir.resolve("README.md")).content().contains("./launch.sh");

            until("three metric points in H2", Duration.ofSeconds(90), () -> trainSteps(s, id).size() >= 3);
            signal(run.pid(), "STOP");   // SIGTERM stays pending until SIGCONT: the cancel cannot lose a race with the end
            s.cancel(id);
            signal(run.pid(), "CONT");
            assertThat(s.await(id, Duration.ofSeconds(60))).isTrue();
            TrainingRun cancelled = s.run(id).orElseThrow();
            assertThat(cancelled.status()).as(cancelled.error()).isEqualTo(RunStatus.CANCELLED);
            assertThat(cancelled.exitCode()).isEqualTo(TrainerPackage.EXIT_STOPPED);
            assertThat(cancelled.totalSteps()).isEqualTo(40);
            int stoppedAt = cancelled.checkpointStep();
            assertThat(stoppedAt).isLessThan(40).isEqualTo(cancelled.lastStep());
            assertThat(trainSteps(s, id)).isEqualTo(IntStream.rangeClosed(1, stoppedAt).boxed().toList());
            assertThat(cancelled.resumable()).isTrue();
            assertThat(heard).isNotEmpty();
            assertThat(s.logTail(id, 50)).anyMatch(l -> l.contains("\"status\": \"cancelled\""));

            TrainingRun resumed = s.resume(id, python);
            assertThat(resumed.status()).isEqualTo(RunStatus.RUNNING);
            assertThat(s.await(id, Duration.ofSeconds(120))).isTrue();
            TrainingRun done = s.run(id).orElseThrow();
            assertThat(done.status()).as(done.error()).isEqualTo(RunStatus.FINISHED);
            assertThat(done.exitCode()).isZero();
            assertThat(done.error()).isNull();
            assertThat(trainSteps(s, id)).as("every step once, across the cancel").isEqualTo(IntStream.rangeClosed(1, 40).boxed().toList());
            assertThat(s.metrics(id).stream().filter(MetricPoint::eval).map(MetricPoint::step)).contains(40);
            assertThat(done.metric("loss")).isFinite();
            assertThat(done.metric("eval_rewards/accuracies")).isBetween(0.0, 1.0);
            assertThat(done.artifacts()).contains("final/model.pt");
            for (String a : done.artifacts()) assertThat(dir.resolve(a)).exists();
            assertThat(done.duration(java.time.Instant.now())).isPositive();
            assertThat(statuses).contains(RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FINISHED);
            assertThat(done.resumable()).isFalse();
            assertThatThrownBy(() -> s.resume(id, python)).isInstanceOf(InputException.class).hasMessageContaining("finished");

            // a second run on the same pairs and model reuses the first one's reference log-probs
            TrainingRun second = s.launch(setup("again", 3), python);
            assertThat(s.await(second.id(), Duration.ofSeconds(90))).isTrue();
            assertThat(s.logTail(second.id(), 50)).anyMatch(l -> l.contains("\"source\": \"cache\""));
            assertThat(s.run(second.id()).orElseThrow().status()).isEqualTo(RunStatus.FINISHED);
        } finally {
            s.close();
        }
    }

    @Test
    void aTrainerCrashMarksTheRunFailedAndKeepsItsLogs() throws Exception {
        Path broken = tmp.resolve("broken-model");
        Files.createDirectories(broken);
        Files.copy(model.resolve(TinyModel.CONFIG_FILE), broken.resolve(TinyModel.CONFIG_FILE));
        Files.writeString(broken.resolve("model.pt"), "not a torch file");
        TrainingService s = new TrainingService(ws, Duration.ofMillis(100));
        try {
            TrainingService.RunSetup setup = setup("broken", 5);
            TrainingRun run = s.launch(new TrainingService.RunSetup("broken", setup.pairs(), broken, setup.config()), python);
            assertThat(s.await(run.id(), Duration.ofSeconds(90))).isTrue();
            TrainingRun failed = s.run(run.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.exitCode()).isEqualTo(TrainerPackage.EXIT_FAILED);
            assertThat(failed.error()).isNotBlank();
            assertThat(failed.stderrLog()).content().contains("Traceback");
            assertThat(failed.resumable()).isFalse();

            // an interpreter that cannot be started: refused, and recorded
            TrainingRun prepared = s.prepare(setup("no python", 5));
            assertThatThrownBy(() -> s.start(prepared.id(), tmp.resolve("no-such-python")))
                    .isInstanceOf(InputException.class).hasMessageContaining("could not start the trainer");
            assertThat(s.run(prepared.id()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        } finally {
            s.close();
        }
    }

    @Test
    void badSetupsAreRefusedAndLeaveNothingBehind() throws Exception {
        TrainingService s = new TrainingService(ws);
        long before = ws.trainingRuns().count();
        TrainingService.RunSetup ok = setup("x", 5);
        assertThatThrownBy(() -> s.prepare(new TrainingService.RunSetup("x", ok.pairs(), tmp.resolve("nope"), ok.config())))
                .isInstanceOf(InputException.class).hasMessageStartingWith("model:");
        TrainingConfig.Builder b = ok.config().toBuilder();
        b.beta = 0;
        assertThatThrownBy(() -> s.prepare(new TrainingService.RunSetup("x", ok.pairs(), model, b.build())))
                .hasMessageContaining("beta must be greater than 0");
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "{\"prompt\": \"p\", \"chosen\": \"c\"}\n");
        assertThatThrownBy(() -> s.prepare(new TrainingService.RunSetup("x", new TrlPairFile(bad), model, ok.config())))
                .hasMessage("bad.jsonl:1: field 'rejected': is missing");
        assertThat(ws.trainingRuns().count()).isEqualTo(before);
        try (var dirs = Files.list(ws.runsDir())) {
            assertThat(dirs.filter(d -> d.getFileName().toString().startsWith("."))).isEmpty();
        }
    }

    @Test
    void aLaterServiceFollowsATrainerThatOutlivedTheWorkbench() throws Exception {
        TrainingService first = new TrainingService(ws, Duration.ofMillis(100));
        TrainingRun run = first.launch(setup("outlives", 30), python);
        until("a metric point", Duration.ofSeconds(90), () -> !trainSteps(first, run.id()).isEmpty());
        signal(run.pid(), "STOP");   // frozen while the workbench is swapped, so it is surely still running
        first.close();   // the workbench goes away; the trainer does not notice
        ProcessHandle trainer = ProcessHandle.of(run.pid()).orElseThrow();
        assertThat(trainer.isAlive()).isTrue();

        TrainingService second = new TrainingService(ws, Duration.ofMillis(100));
        try {
            second.reattach();
            assertThat(second.following(run.id())).isTrue();
            signal(run.pid(), "CONT");
            assertThat(second.await(run.id(), Duration.ofSeconds(120))).isTrue();
            TrainingRun done = second.run(run.id()).orElseThrow();
            assertThat(done.status()).as(done.error()).isEqualTo(RunStatus.FINISHED);
            assertThat(trainSteps(second, run.id())).as("no line lost or read twice across the hand-over")
                    .isEqualTo(IntStream.rangeClosed(1, 30).boxed().toList());
        } finally {
            second.close();
        }
    }

    @Test
    void aTrainerThatDiedUnwatchedIsMarkedFailed() throws Exception {
        TrainingService first = new TrainingService(ws, Duration.ofMillis(100));
        TrainingRun run = first.launch(setup("dies", 400), python);
        until("a metric point", Duration.ofSeconds(90), () -> !trainSteps(first, run.id()).isEmpty());
        first.close();
        ProcessHandle trainer = ProcessHandle.of(run.pid()).orElseThrow();
        trainer.destroyForcibly();   // kill -9 while nobody watches
        until("the trainer gone", Duration.ofSeconds(30), () -> !trainer.isAlive());

        TrainingService second = new TrainingService(ws);
        try {
            second.reattach();
            TrainingRun failed = second.run(run.id()).orElseThrow();
            assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.error()).contains("without a final report");
            assertThat(failed.lastStep()).isPositive();
            assertThat(second.following(run.id())).isFalse();
        } finally {
            second.close();
        }
    }

    @Test
    void goldPicksArePairsToo() throws Exception {
        try (Workspace demo = Workspace.open(tmp.resolve("demo"))) {
            Path assets = TestPython.assets().resolve("demo");
            new Importer(demo).importSource(ImportSource.of(assets.resolve("prompts.jsonl")),
                    new Importer.Options(ImportFormat.CANDIDATES, "demo"), Progress.NONE);
            GoldPicksPairs source = new GoldPicksPairs(demo);
            assertThatThrownBy(source::check).isInstanceOf(InputException.class).hasMessageContaining("best and a worst");
            new GoldFile(demo).importGold(ImportSource.of(assets.resolve("gold.jsonl")));
            assertThat(source.check().pairs()).isEqualTo(24);
            Path out = tmp.resolve("gold-pairs.jsonl");
            source.writeTo(out);
            List<String> expected = new ArrayList<>(Files.readAllLines(pairs));
            assertThat(Files.readAllLines(out)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(new TrlPairFile(out).check().pairs()).isEqualTo(24);
        }
    }
}
