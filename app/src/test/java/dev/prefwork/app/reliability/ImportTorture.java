package dev.prefwork.app.reliability;

import dev.prefwork.core.Progress;
import dev.prefwork.store.Workspace;
import dev.prefwork.store.importer.Importer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports, one after another, of candidates JSONL, CSV and TRL pair files written by the child (each a new
 * dataset with ids of its own). After a kill every dataset in the workspace holds exactly its file's prompts,
 * candidates and pairs — an import is all or nothing — and every acknowledged import is there.
 */
final class ImportTorture implements TortureOperation {

    static final int PROMPTS = 100;
    static final int CANDIDATES = 3;

    enum Shape {
        JSONL(PROMPTS, PROMPTS * CANDIDATES, 0),
        CSV(PROMPTS, PROMPTS * CANDIDATES, 0),
        /** Two pair lines per prompt, sharing the chosen response: three candidates and two pairs a prompt. */
        TRL(PROMPTS, PROMPTS * 3, PROMPTS * 2);

        final int prompts;
        final int candidates;
        final int pairs;

        Shape(int prompts, int candidates, int pairs) {
            this.prompts = prompts;
            this.candidates = candidates;
            this.pairs = pairs;
        }
    }

    @Override
    public void prepare(Path dir, Path scratch) {
        Workspace.open(dir).close();
    }

    @Override
    public int maxStepsBeforeKill() {
        return 3;
    }

    @Override
    public void work(ChildContext ctx) throws IOException {
        try (Workspace ws = ctx.openWorkspace()) {
            Importer importer = new Importer(ws);
            ctx.ready();
            for (int i = 0; ; i++) {
                Shape shape = Shape.values()[ctx.random().nextInt(Shape.values().length)];
                String name = "imp-" + ctx.token() + "-" + i + "-" + shape.name().toLowerCase(Locale.ROOT);
                Path file = write(ctx.scratch(), name, shape);
                ctx.journal().begin("import", name);
                Importer.Result r = importer.importFile(file, new Importer.Options(null, name), Progress.NONE);
                ctx.journal().ack("import", name, r.dataset().id(), r.prompts(), r.candidates(), r.pairs());
                Files.delete(file);
            }
        }
    }

    static Path write(Path dir, String name, Shape shape) throws IOException {
        Path file = dir.resolve(name + (shape == Shape.CSV ? ".csv" : ".jsonl"));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (shape == Shape.CSV) w.write("prompt_id,prompt,response,model\n");
            for (int p = 0; p < PROMPTS; p++) {
                String id = name + "-" + p;
                String prompt = "Question " + p + " of " + name + ": how do tides work?";
                switch (shape) {
                    case JSONL -> {
                        w.write("{\"id\":\"" + id + "\",\"prompt\":\"" + prompt + "\",\"candidates\":[");
                        for (int c = 0; c < CANDIDATES; c++) {
                            w.write((c > 0 ? "," : "") + "{\"text\":\"Answer " + c + " to " + id + ": the moon pulls the sea.\",\"model\":\"m" + c + "\"}");
                        }
                        w.write("]}\n");
                    }
                    case CSV -> {
                        for (int c = 0; c < CANDIDATES; c++) {
                            w.write(id + ",\"" + prompt + "\",\"Answer " + c + ",\nwith a line break, to " + id + ".\",m" + c + "\n");
                        }
                    }
                    case TRL -> {
                        w.write("{\"prompt\":\"" + prompt + "\",\"chosen\":\"Good answer to " + id + "\",\"rejected\":\"Bad answer to " + id + "\"}\n");
                        w.write("{\"prompt\":\"" + prompt + "\",\"chosen\":\"Good answer to " + id + "\",\"rejected\":\"Worse answer to " + id + "\"}\n");
                    }
                }
            }
        }
        return file;
    }

    @Override
    public void check(CheckContext ctx) {
        Workspace ws = ctx.workspace();
        Map<String, long[]> datasets = new HashMap<>();
        ws.jdbc().list("""
                SELECT d.name, d.id, COALESCE(p.n, 0), COALESCE(c.n, 0), COALESCE(ip.n, 0) FROM dataset d
                LEFT JOIN (SELECT dataset_id, COUNT(*) n FROM prompt GROUP BY dataset_id) p ON p.dataset_id = d.id
                LEFT JOIN (SELECT p.dataset_id, COUNT(*) n FROM candidate c JOIN prompt p ON p.id = c.prompt_id GROUP BY p.dataset_id) c
                       ON c.dataset_id = d.id
                LEFT JOIN (SELECT dataset_id, COUNT(*) n FROM imported_preference GROUP BY dataset_id) ip ON ip.dataset_id = d.id""",
                rs -> datasets.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)}));
        for (Map.Entry<String, long[]> d : datasets.entrySet()) {
            String name = d.getKey();
            Shape shape = Shape.valueOf(name.substring(name.lastIndexOf('-') + 1).toUpperCase(Locale.ROOT));
            assertThat(List.of(d.getValue()[1], d.getValue()[2], d.getValue()[3]))
                    .as("dataset %s: prompts, candidates, pairs (all or nothing)", name)
                    .containsExactly((long) shape.prompts, (long) shape.candidates, (long) shape.pairs);
        }
        for (Journal.Entry ack : ctx.acks()) {
            long[] d = datasets.get(ack.field(1));
            assertThat(d).as("acknowledged import %s", ack.field(1)).isNotNull();
            assertThat(d[0]).as("its dataset id").isEqualTo(ack.longField(2));
        }
        // the import in flight when the child was killed is in the map above, whole, or not at all
    }
}
