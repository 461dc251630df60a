package dev.prefwork.store.importer;

import dev.prefwork.core.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a file line by line as strict UTF-8, counting lines for error messages. Accepts LF and CRLF, skips a
 * UTF-8 byte-order mark at the start of any line (files joined with {@code cat} keep each one's), refuses a
 * UTF-16 file by name, names the byte where a line stops being UTF-8, and refuses a line longer than
 * {@code maxLineBytes} instead of buffering it whole (a file without newlines cannot exhaust the heap).
 */
public final class Utf8Lines implements AutoCloseable {

    private final InputStream in;
    private final String file;
    private final int maxLineBytes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line = new byte[1 << 12];
    private long lineNumber;
    private long bytesRead;

    public Utf8Lines(InputStream in, String file, int maxLineBytes) {
        this.in = in;
        this.file = file;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator, or null at the end of the file. */
    public String next() throws IOException {
        int len = 0;
        boolean sawAny = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!sawAny) return null;
                    break;
                }
                bytesRead += limit;
            }
            sawAny = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') pos++;
            int n = pos - start;
            if (len + n > maxLineBytes) {
                throw new InputException(file, lineNumber + 1, null,
                        "the line is longer than " + maxLineBytes / (1024 * 1024) + " MiB; is this a JSONL file with one record per line?");
            }
            if (len + n > line.length) {
                byte[] bigger = new byte[Math.max(line.length * 2, len + n)];
                System.arraycopy(line, 0, bigger, 0, len);
                line = bigger;
            }
            System.arraycopy(buf, start, line, len, n);
            len += n;
            if (pos < limit) { // found '\n'
                pos++;
                break;
            }
        }
        lineNumber++;
        if (len > 0 && line[len - 1] == '\r') len--;
        if (lineNumber == 1 && len >= 2 && ((line[0] & 0xFF) == 0xFF && (line[1] & 0xFF) == 0xFE
                || (line[0] & 0xFF) == 0xFE && (line[1] & 0xFF) == 0xFF)) {
            throw new InputException(file, 1, null, "the file is UTF-16 (it starts with a UTF-16 byte-order mark);"
                    + " save it as UTF-8 and import again");
        }
        int off = 0;
        if (len >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
            off = 3;
        }
        ByteBuffer in = ByteBuffer.wrap(line, off, len - off);
        CharBuffer out = CharBuffer.allocate(len - off);
        CoderResult r = decoder.reset().decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            throw new InputException(file, lineNumber, null, String.format("the file is not valid UTF-8: byte %d of the line is 0x%02X;"
                    + " save the file as UTF-8 and import again", at - off + 1, line[at] & 0xFF));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    public long lineNumber() {
        return lineNumber;
    }

    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
