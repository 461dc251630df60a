package dev.prefwork.store.importer;

import dev.prefwork.core.InputException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Checks UTF-8 as the bytes stream past (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), so
 * a reader that decodes ahead of its parser (CSV) can still name the line and the byte where the file stops
 * being UTF-8, counted as an editor counts them — the same message as {@link Utf8Lines}. A UTF-16 file is
 * refused by name.
 */
final class Utf8Check extends FilterInputStream {

    private final String file;
    private long line = 1;
    private long column;
    private long total;
    /** Continuation bytes still expected, the allowed range of the next one, and where the character began. */
    private int pending;
    private int lo;
    private int hi;
    private int lead;
    private long leadColumn;

    Utf8Check(InputStream in, String file) {
        super(in);
        this.file = file;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) check(b);
        else end();
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) end();
        for (int i = 0; i < n; i++) check(buf[off + i] & 0xFF);
        return n;
    }

    private void check(int b) {
        total++;
        column++;
        if (total == 2 && (lead == 0xFF && b == 0xFE || lead == 0xFE && b == 0xFF)) {
            throw new InputException(file, 1, null, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 and import again");
        }
        if (pending > 0) {
            if (b < lo || b > hi) bad(lead, leadColumn);
            pending--;
            lo = 0x80;
            hi = 0xBF;
            return;
        }
        if (total == 2 && (lead == 0xFF || lead == 0xFE)) bad(lead, 1);
        if (b == '\n') {
            line++;
            column = 0;
            return;
        }
        if (b < 0x80) return;
        lead = b;
        leadColumn = column;
        if (b >= 0xC2 && b <= 0xDF) expect(1, 0x80, 0xBF);
        else if (b == 0xE0) expect(2, 0xA0, 0xBF);
        else if (b == 0xED) expect(2, 0x80, 0x9F);
        else if (b >= 0xE1 && b <= 0xEF) expect(2, 0x80, 0xBF);
        else if (b == 0xF0) expect(3, 0x90, 0xBF);
        else if (b >= 0xF1 && b <= 0xF3) expect(3, 0x80, 0xBF);
        else if (b == 0xF4) expect(3, 0x80, 0x8F);
        else if (total == 1 && (b == 0xFF || b == 0xFE)) return; // a UTF-16 mark? decided by the next byte
        else bad(b, column);
    }

    private void expect(int n, int low, int high) {
        pending = n;
        lo = low;
        hi = high;
    }

    private void end() {
        if (pending > 0 || total == 1 && (lead == 0xFF || lead == 0xFE)) bad(lead, leadColumn);
    }

    private void bad(int b, long at) {
        throw new InputException(file, line, null, String.format("the file is not valid UTF-8: byte %d of the line is 0x%02X;"
                + " save the file as UTF-8 and import again", at, b));
    }
}
