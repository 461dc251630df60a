package dev.prefwork.core;

/**
 * Bad input from the user: a malformed file, a value out of range, a duplicate. The message is written
 * for the expert and names the file, line and field where they are known; the CLI exits 2 with it.
 */
public class InputException extends RuntimeException {
    private final String file;
    private final long line;
    private final String field;

    public InputException(String file, long line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
    }

    public InputException(String problem) {
        this(null, 0, null, problem);
    }

    private static String format(String file, long line, String field, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file);
        if (line > 0) sb.append(sb.length() > 0 ? ":" : "line ").append(line);
        if (field != null) sb.append(sb.length() > 0 ? ": " : "").append("field '").append(field).append('\'');
        if (sb.length() > 0) sb.append(": ");
        return sb.append(problem).toString();
    }

    public String file() { return file; }
    public long line() { return line; }
    public String field() { return field; }
}
