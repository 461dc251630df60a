package dev.prefwork.app.reliability;

import dev.prefwork.store.Workspace;
import dev.prefwork.testkit.OpenAiTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generation API key never leaves memory: a distinctive key, given the two ways a user can (the CLI's
 * {@code --api-key-env} variable, and typed on the Generate screen), is used against a loopback server that accepts
 * it, one that refuses it with a 401 whose body echoes the header back, and one that fails with 500s naming it; then
 * the pipeline goes on to pairs, every export format, gold and LF exports and a colleague bundle. The child JVMs log
 * everything they can (slf4j at trace, java.util.logging at FINE), and then the key is searched for in all their
 * output and, byte for byte, in every file the test's folder holds: the workspace database, its exports, the bundle
 * (its entries inflated), the user data folder's settings. It must be nowhere. What Prefwork stores is the variable's
 * name, which is checked to be there (so the search looks where the key would be). A control shows the search finds a
 * key that is written into a workspace database.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ApiKeyLeakTest {

    @TempDir
    Path tmp;

    @Test
    void theApiKeyAppearsInNoLogExportBundleDatabaseOrSettingsFile() throws Exception {
        String key = "sk-prefwork-leak-" + HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(12));
        Path ws = tmp.resolve("ws");
        Path home = tmp.resolve("home");
        Path exports = ws.resolve("exports");
        Path prompts = Files.writeString(tmp.resolve("prompts.jsonl"), """
                {"id": "gen-1", "prompt": "Explain a hash map in two sentences.", "category": "coding"}
                {"id": "gen-2", "prompt": "Write a haiku about rain.", "category": "writing"}
                {"id": "gen-3", "prompt": "What is 17 times 23?", "category": "math"}
                {"id": "gen-4", "prompt": "Name three uses of vinegar.", "category": "general"}
                """);
        try (OpenAiTestServer ok = OpenAiTestServer.start("leak-model").requireKey(key);
             OpenAiTestServer refusing = OpenAiTestServer.start("leak-model").requireKey("sk-not-the-one");
             OpenAiTestServer failing = OpenAiTestServer.start("leak-model")
                     .when(r -> r.path().endsWith("completions"), OpenAiTestServer.Fault.status(500, "upstream crashed on a request with Authorization: Bearer " + key))) {
            String w = ws.toString();
            String env = LeakChild.KEY_VARIABLE;
            List<String[]> commands = List.of(
                    new String[]{"init", w, "--demo"},
                    new String[]{"import", w, prompts.toString()},
                    new String[]{"generate", w, "--backend", "openai", "--base-url", ok.baseUrl(), "--model", "leak-model", "--api-key-env", env, "--n", "3", "--seed", "7"},
                    new String[]{"generate", w, "--backend", "openai", "--base-url", refusing.baseUrl(), "--model", "leak-model", "--api-key-env", env, "--all", "--n", "2", "--retries", "0"},
                    new String[]{"generate", w, "--backend", "openai", "--base-url", failing.baseUrl(), "--model", "leak-model", "--api-key-env", env, "--all", "--n", "2", "--retries", "1"},
                    new String[]{"generate", w, "--list"},
                    new String[]{"lf", "apply", w},
                    new String[]{"label-model", "fit", w},
                    new String[]{"pairs", w, "--no-bad-lf-filter"}, // the test server's short answers trip the one-liner LF
                    new String[]{"pairs", w, "--strategy", "sft-top-k"},
                    new String[]{"export", w, "--format", "trl", "--out", exports.resolve("pairs.jsonl").toString()},
                    new String[]{"export", w, "--format", "trl-chat", "--out", exports.resolve("pairs-chat.jsonl").toString()},
                    new String[]{"export", w, "--format", "csv", "--out", exports.resolve("pairs.csv").toString()},
                    new String[]{"export", w, "--format", "hf", "--out", exports.resolve("hf").toString()},
                    new String[]{"gold", "export", w, "--out", exports.resolve("gold.jsonl").toString()},
                    new String[]{"lf", "export", w, "--output", exports.resolve("lfs.json").toString()},
                    new String[]{"bundle", "export", w, "--out", exports.resolve("colleague.prefwork.zip").toString()});
            StringBuilder lines = new StringBuilder();
            for (String[] c : commands) lines.append(String.join("\t", c)).append('\n');
            Path file = Files.writeString(tmp.resolve("commands.tsv"), lines);

            String cli = child(key, home, "cli", file.toString());
            String view = child(key, home, "view", w, home.toString(), ok.baseUrl(), refusing.baseUrl());
            String output = cli + view;

            // the steps ran as they should: the failures failed, and said so
            List<String> exits = cli.lines().filter(l -> l.startsWith("EXIT ")).toList();
            assertThat(exits).as(cli).hasSize(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                // the refused key ends the job as bad input (exit 2); the failing server as a failed job (exit 1)
                assertThat(exits.get(i)).as(cli).startsWith(i == 3 ? "EXIT 2 " : i == 4 ? "EXIT 1 " : "EXIT 0 ");
            }
            assertThat(view).as(view).contains("VIEW DONE").contains("executor errors: []")
                    .contains("told: [Candidates generated: 70 of 70 prompts").contains("view: generate against the refusing server").contains("Invalid API key in header: Bearer [API key]");
            // the key really went to the servers (so it was in memory to leak), and their echoes came back
            assertThat(ok.completionRequests()).hasSizeGreaterThanOrEqualTo(4).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + key));
            assertThat(refusing.completionRequests()).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + key));
            assertThat(failing.completionRequests()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + key));
            assertThat(output).as("the error paths were taken and reported").contains("401").contains("500").contains("[API key]");

            // what there is to search: exports of each kind, a bundle with its entries, the database, the settings
            for (String f : List.of("pairs.jsonl", "pairs-chat.jsonl", "pairs.csv", "hf/data/train.jsonl", "hf/README.md", "gold.jsonl", "lfs.json")) {
                assertThat(exports.resolve(f)).as(f).isNotEmptyFile();
            }
            List<String> entries = new ArrayList<>();
            try (ZipFile z = new ZipFile(exports.resolve("colleague.prefwork.zip").toFile())) {
                z.stream().forEach(e -> entries.add(e.getName()));
            }
            assertThat(entries).contains("manifest.json", "lfs.json", "gold.jsonl", "data/candidates.jsonl", "sets/1/rows.jsonl");
            assertThat(Files.readString(exports.resolve("pairs.jsonl")).contains("\"prompt_id\":\"gen-")).as("generated candidates are among the pairs").isTrue();
            assertThat(ws.resolve("workspace.mv.db")).isNotEmptyFile();
            assertThat(home.resolve("settings.json")).isNotEmptyFile();

            // the key is nowhere
            assertThat(output).as("the children's output and logs").doesNotContain(key);
            assertThat(LeakScan.find(key, tmp)).as("files holding the key").isEmpty();
            // what is stored is the variable's name, where the jobs and the screen's settings keep their configuration
            assertThat(LeakScan.find("\"api_key_env\":\"" + env + "\"", ws)).as("the database keeps the variable's name").isNotEmpty();
            view.lines().filter(l -> l.startsWith("view: ")).forEach(System.out::println);
            System.out.printf("API key leak scan: %d requests carried the key; searched the output of 2 JVMs (%,d lines) and %d files (bundle entries inflated): no key%n",
                    ok.completionRequests().size() + refusing.completionRequests().size() + failing.completionRequests().size(),
                    output.lines().count(), fileCount(tmp));
        }
    }

    @Test
    void theSearchFindsAKeyWrittenIntoAWorkspaceDatabase() {
        String key = "sk-control-" + Long.toHexString(System.nanoTime());
        try (Workspace ws = Workspace.open(tmp.resolve("control"))) {
            ws.settings().put("generation.settings", "{\"api_key\":\"" + key + "\"}");
        }
        assertThat(LeakScan.find(key, tmp.resolve("control"))).anySatisfy(f -> assertThat(f).endsWith("workspace.mv.db"));
    }

    private static long fileCount(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** Runs {@link LeakChild} with the key in its environment and every logger open; returns stdout and stderr. */
    private String child(String key, Path home, String... args) throws IOException, InterruptedException {
        Path jul = Files.writeString(tmp.resolve("logging.properties"), """
                handlers=java.util.logging.ConsoleHandler
                .level=FINE
                java.util.logging.ConsoleHandler.level=ALL
                """);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.awt.headless=true", "-Dprefwork.home=" + home, "-Duser.home=" + tmp.resolve("user-home"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace", "-Djava.util.logging.config.file=" + jul,
                "-cp", System.getProperty("java.class.path"), LeakChild.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(LeakChild.KEY_VARIABLE, key);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not finish:\n" + new String(out, StandardCharsets.UTF_8));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
