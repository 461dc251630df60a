package dev.prefwork.curation.bundle;

import dev.prefwork.core.InputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an untrusted zip into a private folder under names of our own, refusing anything a bundle never holds:
 * entry names outside the bundle's layout (zip-slip {@code ../}, absolute paths, drive letters, backslashes),
 * symbolic links, encrypted or duplicate entries, a central directory that disagrees with the entries, and zip
 * bombs. Sizes in the headers are never trusted: bytes are counted as they are inflated, against a cap per entry,
 * a cap for the whole bundle and a cap on the compression ratio.
 */
public final class SafeZip {

    /** Caps for one bundle. */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes, double maxRatio, long maxJsonBytes) {
        /** 2 GiB in all, 1 GiB an entry, ratio 200 (text compresses 3–10×; a bomb 1000×), 10 MB for a JSON document. */
        public static Limits defaults() {
            return new Limits(2000, 1L << 30, 2L << 30, 200, 10_000_000);
        }
    }

    /** One unpacked entry: where it is now, its counted size and its SHA-256. */
    public record Entry(String name, Path file, long size, String sha256) {
    }

    /** The names a bundle may hold (see {@link BundleFormat}). */
    static final Pattern ALLOWED = Pattern.compile(
            "manifest\\.json|lfs\\.json|gold\\.jsonl|data/candidates\\.jsonl|models/[a-z0-9-]{1,40}\\.json|sets/[1-9][0-9]{0,2}/(set\\.json|rows\\.jsonl)");

    private static final int CEN_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int S_IFMT = 0170000, S_IFLNK = 0120000, S_IFREG = 0100000;

    private SafeZip() {
    }

    /** What the central directory says of one entry. */
    private record Central(String name, long compressed, long size, int flags, int madeBy, long externalAttributes) {
    }

    /**
     * Unpacks {@code zip} into {@code into} (an empty private folder), each entry under a file name of our own.
     *
     * @throws InputException naming the zip and the entry, with the reason
     */
    public static Map<String, Entry> unpack(Path zip, Path into, Limits limits) {
        String file = zip.getFileName().toString();
        long zipSize;
        Map<String, Central> central;
        try {
            zipSize = Files.size(zip);
            central = centralDirectory(zip, file, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip + ": " + e.getMessage(), e);
        }
        Map<String, Entry> out = new LinkedHashMap<>();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry e;
            int index = 0;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName();
                checkName(file, name);
                Central c = central.get(name);
                if (c == null) throw bad(file, name, "is not listed in the zip's central directory (a tampered or concatenated zip)");
                if (out.containsKey(name)) throw bad(file, name, "appears twice");
                MessageDigest sha = sha256();
                Path target = into.resolve("entry-" + (index++) + ".bin");
                long count = 0;
                try (OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        count += n;
                        total += n;
                        if (count > limits.maxEntryBytes()) throw bad(file, name, "inflates to more than " + mb(limits.maxEntryBytes()) + "; refused as a zip bomb");
                        if (total > limits.maxTotalBytes()) throw bad(file, name, "the bundle inflates to more than " + mb(limits.maxTotalBytes()) + " in all; refused as a zip bomb");
                        if (count > (1 << 20) && count > limits.maxRatio() * Math.max(1, c.compressed())) {
                            throw bad(file, name, "inflates more than " + (int) limits.maxRatio() + " times its compressed size; refused as a zip bomb");
                        }
                        sha.update(buf, 0, n);
                        o.write(buf, 0, n);
                    }
                }
                if (count != c.size()) throw bad(file, name, "holds " + count + " bytes but its header says " + c.size());
                out.put(name, new Entry(name, target, count, HexFormat.of().formatHex(sha.digest())));
            }
        } catch (java.util.zip.ZipException ex) {
            throw new InputException(file, 0, null, "not a valid zip: " + ex.getMessage());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + zip + ": " + ex.getMessage(), ex);
        }
        if (total > limits.maxRatio() * Math.max(1, zipSize) && total > (1 << 20)) {
            throw new InputException(file, 0, null, "inflates more than " + (int) limits.maxRatio() + " times its size; refused as a zip bomb");
        }
        for (String name : central.keySet()) {
            if (!out.containsKey(name)) throw bad(file, name, "is in the central directory but has no entry data");
        }
        return out;
    }

    /** Reads the central directory: every entry's name, sizes, flags and file type, checked before any data. */
    private static Map<String, Central> centralDirectory(Path zip, String file, Limits limits) throws IOException {
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 22) throw new InputException(file, 0, null, "not a zip file (too short)");
            int tail = (int) Math.min(size, 22 + 65535);
            ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(end, size - tail);
            int at = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == END_SIG) {
                    at = i;
                    break;
                }
            }
            if (at < 0) throw new InputException(file, 0, null, "not a zip file (no end of central directory)");
            int entries = Short.toUnsignedInt(end.getShort(at + 10));
            long cdSize = Integer.toUnsignedLong(end.getInt(at + 12));
            long cdOffset = Integer.toUnsignedLong(end.getInt(at + 16));
            if (entries == 0xFFFF || cdOffset == 0xFFFFFFFFL) throw new InputException(file, 0, null, "ZIP64 bundles are not supported");
            if (entries > limits.maxEntries()) throw new InputException(file, 0, null, "has " + entries + " entries; a bundle has at most " + limits.maxEntries());
            if (cdOffset + cdSize > size || cdSize > 64L << 20) throw new InputException(file, 0, null, "the zip's central directory is damaged");
            ByteBuffer cd = ByteBuffer.allocate((int) cdSize).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(cd, cdOffset);
            Map<String, Central> out = new LinkedHashMap<>();
            int p = 0;
            for (int i = 0; i < entries; i++) {
                if (p + 46 > cdSize || cd.getInt(p) != CEN_SIG) throw new InputException(file, 0, null, "the zip's central directory is damaged");
                int madeBy = Short.toUnsignedInt(cd.getShort(p + 4));
                int flags = Short.toUnsignedInt(cd.getShort(p + 8));
                long compressed = Integer.toUnsignedLong(cd.getInt(p + 20));
                long uncompressed = Integer.toUnsignedLong(cd.getInt(p + 24));
                int nameLen = Short.toUnsignedInt(cd.getShort(p + 28));
                int extraLen = Short.toUnsignedInt(cd.getShort(p + 30));
                int commentLen = Short.toUnsignedInt(cd.getShort(p + 32));
                long external = Integer.toUnsignedLong(cd.getInt(p + 38));
                if (p + 46 + nameLen > cdSize) throw new InputException(file, 0, null, "the zip's central directory is damaged");
                byte[] nameBytes = new byte[nameLen];
                cd.get(p + 46, nameBytes);
                String name = new String(nameBytes, StandardCharsets.UTF_8);
                checkName(file, name);
                if ((flags & 1) != 0) throw bad(file, name, "is encrypted");
                int host = madeBy >>> 8;
                int mode = (int) (external >>> 16);
                if (host == 3 && (mode & S_IFMT) != 0 && (mode & S_IFMT) != S_IFREG) {
                    throw bad(file, name, (mode & S_IFMT) == S_IFLNK ? "is a symbolic link" : "is not a regular file");
                }
                if (out.put(name, new Central(name, compressed, uncompressed, flags, madeBy, external)) != null) throw bad(file, name, "appears twice");
                p += 46 + nameLen + extraLen + commentLen;
            }
            return out;
        }
    }

    /** An entry name must be one the bundle layout has; anything else (paths out of the folder first) is refused. */
    static void checkName(String file, String name) {
        if (name.isEmpty() || name.length() > 200) throw bad(file, name.isEmpty() ? "(empty)" : name.substring(0, Math.min(60, name.length())), "is not a valid entry name");
        if (name.startsWith("/") || name.startsWith("\\") || (name.length() > 1 && name.charAt(1) == ':')) {
            throw bad(file, name, "is an absolute path");
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.equals("..")) throw bad(file, name, "leaves the bundle's folder (../)");
        }
        if (name.contains("\\")) throw bad(file, name, "uses backslashes");
        for (char ch : name.toCharArray()) if (ch < 0x20 || ch == 0x7F) throw bad(file, name.replaceAll("\\p{Cntrl}", "?"), "has control characters");
        if (!ALLOWED.matcher(name).matches()) throw bad(file, name, "is not part of a Prefwork bundle");
    }

    private static InputException bad(String file, String entry, String why) {
        return new InputException(file, 0, null, "entry '" + entry + "' " + why + "; nothing was imported");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String mb(long bytes) {
        return bytes >= (1L << 30) ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }

    /** Reads an unpacked JSON document, refusing one over {@code max} bytes. */
    static String readSmall(Entry e, long max, String file) {
        if (e.size() > max) {
            throw new InputException(file, 0, null, "entry '" + e.name() + "' is " + e.size() + " bytes; a bundle's JSON document is at most "
                    + max + " bytes; nothing was imported");
        }
        try (InputStream in = Files.newInputStream(e.file())) {
            byte[] b = in.readNBytes((int) max + 1);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
