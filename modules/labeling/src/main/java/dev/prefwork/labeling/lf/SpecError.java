package dev.prefwork.labeling.lf;

/**
 * A problem with one field of an LF spec, for the builder to show beside that field.
 *
 * @param path    where, in JSON terms: {@code when.conditions[1].pattern}; empty for the whole spec
 * @param message what is wrong, written for the expert
 */
public record SpecError(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }

    public SpecError under(String prefix) {
        if (prefix.isEmpty()) return this;
        return new SpecError(path.isEmpty() ? prefix : path.startsWith("[") ? prefix + path : prefix + "." + path, message);
    }
}
