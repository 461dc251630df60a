package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.labeling.lf.Condition;
import dev.prefwork.labeling.lf.Condition.*;
import dev.prefwork.labeling.lf.SpecError;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One node of the condition tree as the builder edits it: a combinator (and, or, not) with children, or a
 * template with its fields as the texts the expert typed (numbers are parsed when the spec is built, so a
 * half-typed number is a field error, never an exception). Field keys are the JSON names, so the validator's
 * paths ({@code when.conditions[1].pattern}) point at them.
 */
public final class ConditionNode {

    /** How a field is edited. */
    public enum Kind { TEXT, LINES, NUMBER, INTEGER, BOOLEAN, CHOICE }

    /** One field of a template: key (JSON name), label, control kind, the choices of a CHOICE, default text, help. */
    public record Field(String key, String label, Kind kind, List<String> choices, String defaultValue, String help) {
        static Field of(String key, String label, Kind kind, String def, String help, String... choices) {
            return new Field(key, label, kind, List.of(choices), def, help);
        }
    }

    /** A template the builder offers: its type, a label for the expert, and its fields. */
    public record Template(String type, String label, List<Field> fields, boolean promptOk) {
        @Override
        public String toString() {
            return label;
        }
    }

    public static final List<Template> TEMPLATES = List.of(
            new Template("keywords", "Contains keywords or phrases", List.of(
                    Field.of("terms", "Keywords (one per line)", Kind.LINES, "", "Any (or all) of these words or phrases occur."),
                    Field.of("match", "Match", Kind.CHOICE, "any", "any: one is enough; all: every one must occur", "any", "all"),
                    Field.of("case_sensitive", "Match case", Kind.BOOLEAN, "false", null),
                    Field.of("whole_word", "Whole words only", Kind.BOOLEAN, "true", null)), true),
            new Template("phrase_list", "Refusal or hedging phrases", List.of(
                    Field.of("list", "Phrase list", Kind.CHOICE, "refusal", "A built-in list, editable under Phrase lists…", "refusal", "hedging"),
                    Field.of("min_matches", "At least this many phrases", Kind.INTEGER, "1", null)), true),
            new Template("regex", "Matches a pattern (regex)", List.of(
                    Field.of("pattern", "Pattern", Kind.TEXT, "", "A Java regular expression, run under a time budget."),
                    Field.of("case_sensitive", "Match case", Kind.BOOLEAN, "false", null)), true),
            new Template("length", "Length", List.of(
                    Field.of("unit", "Unit", Kind.CHOICE, "words", null, "words", "chars"),
                    Field.of("min", "At least", Kind.NUMBER, "", null),
                    Field.of("max", "At most", Kind.NUMBER, "", null),
                    Field.of("relative_to_prompt", "Relative to the prompt's length (ratio)", Kind.BOOLEAN, "false", null)), true),
            new Template("starts_with", "Starts with", List.of(
                    Field.of("texts", "Texts (one per line)", Kind.LINES, "", null),
                    Field.of("case_sensitive", "Match case", Kind.BOOLEAN, "false", null)), true),
            new Template("ends_with", "Ends with", List.of(
                    Field.of("texts", "Texts (one per line)", Kind.LINES, "", null),
                    Field.of("case_sensitive", "Match case", Kind.BOOLEAN, "false", null)), true),
            new Template("structure", "Has a code block, list, table or JSON", List.of(
                    Field.of("element", "Element", Kind.CHOICE, "code_block", null, "code_block", "bulleted_list", "numbered_list", "table", "json")), true),
            new Template("readability", "Readability (Flesch)", List.of(
                    Field.of("min", "At least", Kind.NUMBER, "", "Higher is easier; 60–70 is plain English."),
                    Field.of("max", "At most", Kind.NUMBER, "", null)), true),
            new Template("repetition", "Repetition (duplicate n-grams)", List.of(
                    Field.of("n", "n-gram size (words)", Kind.INTEGER, "3", null),
                    Field.of("min", "Rate at least (0–1)", Kind.NUMBER, "", null),
                    Field.of("max", "Rate at most (0–1)", Kind.NUMBER, "", null)), true),
            new Template("prompt_overlap", "Overlap with the prompt's words", List.of(
                    Field.of("min", "Share at least (0–1)", Kind.NUMBER, "", null),
                    Field.of("max", "Share at most (0–1)", Kind.NUMBER, "", null)), false),
            new Template("rank", "Rank among the prompt's candidates", List.of(
                    Field.of("measure", "Measure", Kind.CHOICE, "words", null, "words", "chars", "readability", "prompt_overlap"),
                    Field.of("select", "Select", Kind.CHOICE, "highest", "highest, lowest, or a z-score range", "highest", "lowest", "z_score"),
                    Field.of("min", "z-score at least", Kind.NUMBER, "", null),
                    Field.of("max", "z-score at most", Kind.NUMBER, "", null)), false),
            new Template("near_duplicate", "Near-duplicate of another candidate", List.of(
                    Field.of("threshold", "Similarity at least (0–1)", Kind.NUMBER, "0.8", null),
                    Field.of("shingle", "Shingle size (words)", Kind.INTEGER, "3", null)), false),
            new Template("category", "Prompt category is", List.of(
                    Field.of("categories", "Categories (one per line)", Kind.LINES, "", null)), true));

    public static final List<String> COMBINATORS = List.of("and", "or", "not");

    public static Template template(String type) {
        return TEMPLATES.stream().filter(t -> t.type().equals(type)).findFirst().orElse(null);
    }

    public static String label(String type) {
        return switch (type) {
            case "and" -> "All of (AND)";
            case "or" -> "Any of (OR)";
            case "not" -> "Not";
            case "model_score" -> "Model score";
            default -> {
                Template t = template(type);
                yield t == null ? type : t.label();
            }
        };
    }

    private final ObjectProperty<String> type = new SimpleObjectProperty<>(this, "type");
    private final ObservableMap<String, String> fields = FXCollections.observableHashMap();
    private final ObservableList<ConditionNode> children = FXCollections.observableArrayList();
    /** A condition the builder cannot edit (model_score) kept as it is. */
    private Condition opaque;

    public ConditionNode(String type) {
        setType(type);
    }

    public ObjectProperty<String> typeProperty() { return type; }

    public String type() { return type.get(); }

    /** Field texts by JSON key. */
    public ObservableMap<String, String> fields() { return fields; }

    public ObservableList<ConditionNode> children() { return children; }

    public boolean isCombinator() {
        return COMBINATORS.contains(type.get());
    }

    public boolean isOpaque() {
        return opaque != null;
    }

    /** Changes the template, keeping fields of the same name; a leaf turned into a combinator becomes its first child. */
    public void setType(String newType) {
        String old = type.get();
        if (newType.equals(old)) return;
        boolean wasLeaf = old != null && !COMBINATORS.contains(old);
        if (COMBINATORS.contains(newType)) {
            if (wasLeaf) {
                ConditionNode moved = new ConditionNode(old);
                moved.fields.putAll(fields);
                moved.opaque = opaque;
                children.setAll(moved);
            }
            fields.clear();
            if (newType.equals("not") && children.size() > 1) children.remove(1, children.size());
            if (children.isEmpty()) children.add(new ConditionNode("keywords"));
        } else {
            children.clear();
            Template t = template(newType);
            if (t != null) {
                Map<String, String> keep = Map.copyOf(fields);
                fields.clear();
                for (Field f : t.fields()) fields.put(f.key(), keep.getOrDefault(f.key(), f.defaultValue()));
            }
        }
        opaque = null;
        type.set(newType);
    }

    public void set(String key, String value) {
        fields.put(key, value == null ? "" : value);
    }

    public String get(String key) {
        return fields.getOrDefault(key, "");
    }

    // ---- to and from the spec ---------------------------------------------------------------------------------

    /** Builds the condition; fields that do not parse are reported in {@code errors} (paths under {@code path}) and left out. */
    public Condition toCondition(String path, List<SpecError> errors) {
        String t = type.get();
        if (opaque != null) return opaque;
        switch (t) {
            case "and", "or" -> {
                List<Condition> cs = new ArrayList<>();
                for (int i = 0; i < children.size(); i++) cs.add(children.get(i).toCondition(path + ".conditions[" + i + "]", errors));
                return t.equals("and") ? new And(cs) : new Or(cs);
            }
            case "not" -> {
                return new Not(children.isEmpty() ? null : children.get(0).toCondition(path + ".condition", errors));
            }
            case "keywords" -> {
                return new Keywords(lines("terms"), "all".equals(get("match")) ? Match.ALL : Match.ANY, bool("case_sensitive"), bool("whole_word"));
            }
            case "regex" -> {
                return new Regex(get("pattern"), bool("case_sensitive"));
            }
            case "length" -> {
                return new Length("chars".equals(get("unit")) ? LengthUnit.CHARS : LengthUnit.WORDS, num("min", path, errors),
                        num("max", path, errors), bool("relative_to_prompt"));
            }
            case "starts_with" -> {
                return new StartsWith(lines("texts"), bool("case_sensitive"));
            }
            case "ends_with" -> {
                return new EndsWith(lines("texts"), bool("case_sensitive"));
            }
            case "structure" -> {
                return new Structure(enumOf(Element.class, get("element")));
            }
            case "phrase_list" -> {
                return new PhraseList(get("list"), integer("min_matches", path, errors));
            }
            case "readability" -> {
                return new Readability(num("min", path, errors), num("max", path, errors));
            }
            case "repetition" -> {
                return new Repetition(integer("n", path, errors), num("min", path, errors), num("max", path, errors));
            }
            case "prompt_overlap" -> {
                return new PromptOverlap(num("min", path, errors), num("max", path, errors));
            }
            case "rank" -> {
                return new Rank(enumOf(RankMeasure.class, get("measure")), enumOf(RankSelect.class, get("select")),
                        num("min", path, errors), num("max", path, errors));
            }
            case "near_duplicate" -> {
                return new NearDuplicate(num("threshold", path, errors), integer("shingle", path, errors));
            }
            case "category" -> {
                return new Category(lines("categories"));
            }
            default -> {
                errors.add(new SpecError(path, "choose a template"));
                return null;
            }
        }
    }

    /** The builder's tree for a stored condition. */
    public static ConditionNode of(Condition c) {
        if (c == null) return new ConditionNode("keywords");
        if (c instanceof And a) return combinator("and", a.conditions());
        if (c instanceof Or o) return combinator("or", o.conditions());
        if (c instanceof Not n) return combinator("not", n.condition() == null ? List.of() : List.of(n.condition()));
        if (c instanceof Keywords k) return leaf("keywords", "terms", joinLines(k.terms()), "match", lower(k.match()),
                "case_sensitive", String.valueOf(k.caseSensitive()), "whole_word", String.valueOf(k.wholeWord()));
        if (c instanceof Regex r) return leaf("regex", "pattern", r.pattern(), "case_sensitive", String.valueOf(r.caseSensitive()));
        if (c instanceof Length l) return leaf("length", "unit", lower(l.unit()), "min", fmt(l.min()), "max", fmt(l.max()),
                "relative_to_prompt", String.valueOf(l.relativeToPrompt()));
        if (c instanceof StartsWith s) return leaf("starts_with", "texts", joinLines(s.texts()), "case_sensitive", String.valueOf(s.caseSensitive()));
        if (c instanceof EndsWith s) return leaf("ends_with", "texts", joinLines(s.texts()), "case_sensitive", String.valueOf(s.caseSensitive()));
        if (c instanceof Structure s) return leaf("structure", "element", lower(s.element()));
        if (c instanceof PhraseList p) return leaf("phrase_list", "list", p.list(), "min_matches", fmt(p.minMatches()));
        if (c instanceof Readability r) return leaf("readability", "min", fmt(r.min()), "max", fmt(r.max()));
        if (c instanceof Repetition r) return leaf("repetition", "n", fmt(r.n()), "min", fmt(r.min()), "max", fmt(r.max()));
        if (c instanceof PromptOverlap p) return leaf("prompt_overlap", "min", fmt(p.min()), "max", fmt(p.max()));
        if (c instanceof Rank r) return leaf("rank", "measure", lower(r.measure()), "select", lower(r.select()), "min", fmt(r.min()), "max", fmt(r.max()));
        if (c instanceof NearDuplicate d) return leaf("near_duplicate", "threshold", fmt(d.threshold()), "shingle", fmt(d.shingle()));
        if (c instanceof Category cat) return leaf("category", "categories", joinLines(cat.categories()));
        ConditionNode n = new ConditionNode("keywords");
        n.children.clear();
        n.fields.clear();
        n.type.set("model_score");
        n.opaque = c;
        return n;
    }

    private static ConditionNode combinator(String type, List<Condition> cs) {
        ConditionNode n = new ConditionNode(type);
        List<ConditionNode> kids = new ArrayList<>();
        for (Condition c : cs) kids.add(of(c));
        n.children.setAll(kids);
        return n;
    }

    private static ConditionNode leaf(String type, String... kv) {
        ConditionNode n = new ConditionNode(type);
        for (int i = 0; i + 1 < kv.length; i += 2) n.fields.put(kv[i], kv[i + 1] == null ? "" : kv[i + 1]);
        return n;
    }

    private List<String> lines(String key) {
        String v = get(key);
        if (v.isBlank()) return List.of();
        return Arrays.stream(v.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private boolean bool(String key) {
        return Boolean.parseBoolean(get(key));
    }

    private Double num(String key, String path, List<SpecError> errors) {
        String v = get(key).strip().replace(',', '.');
        if (v.isEmpty()) return null;
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        errors.add(new SpecError(path + "." + key, "type a number, like 0.5 or 120"));
        return null;
    }

    private Integer integer(String key, String path, List<SpecError> errors) {
        String v = get(key).strip();
        if (v.isEmpty()) return null;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            errors.add(new SpecError(path + "." + key, "type a whole number"));
            return null;
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> cls, String v) {
        if (v == null || v.isBlank()) return null;
        try {
            return Enum.valueOf(cls, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String lower(Enum<?> e) {
        return e == null ? "" : e.name().toLowerCase(Locale.ROOT);
    }

    private static String joinLines(List<String> l) {
        return l == null ? "" : String.join("\n", l);
    }

    private static String fmt(Number n) {
        if (n == null) return "";
        if (n instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf(d.longValue());
        return String.valueOf(n);
    }
}
