package dev.prefwork.app.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sockets this process listens on, read from Linux's {@code /proc}: the socket inodes among
 * {@code /proc/self/fd}, matched with the TCP entries in LISTEN state and the bound UDP entries of
 * {@code /proc/net/{tcp,tcp6,udp,udp6}}.
 */
final class ListeningSockets {

    private ListeningSockets() {
    }

    static boolean supported() {
        return Files.isDirectory(Path.of("/proc/self/fd")) && Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /** "tcp 0.0.0.0:8082 inode 1234" for each listening or bound socket of this process. */
    static List<String> ofThisProcess() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String proto : new String[]{"tcp", "tcp6", "udp", "udp6"}) {
            Path table = Path.of("/proc/net", proto);
            if (!Files.isReadable(table)) continue;
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String local = f[1];
                String state = f[3];
                String inode = f[9];
                boolean listening = proto.startsWith("tcp") ? state.equals("0A") : !local.endsWith(":0000");
                if (listening && inodes.contains(inode)) out.add(proto + " " + address(local) + " inode " + inode);
            }
        }
        return out;
    }

    private static String address(String hex) {
        int colon = hex.indexOf(':');
        return hex.substring(0, colon) + ":" + Integer.parseInt(hex.substring(colon + 1), 16);
    }
}
