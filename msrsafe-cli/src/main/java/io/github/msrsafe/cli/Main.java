package io.github.msrsafe.cli;

/** {@code java -m io.github.msrsafe.cli}: runs {@link MsrSafeTool} on the process's streams and exits with its status. */
public final class Main {

    private Main() {}

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command line, e.g. {@code read -a 0x10 -c all}
     */
    public static void main(String[] args) {
        // On the streams, not writers: text in the encoding the JVM chose for each stream
        // (stdout.encoding, stderr.encoding), and read -r's bytes as they are.
        System.exit(new MsrSafeTool(System.in).run(System.out, System.err, args));
    }
}
