package io.github.msrsafe.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;

/** {@code java -m io.github.msrsafe.cli}: runs {@link MsrSafeTool} on the process's streams and exits with its status. */
public final class Main {

    private Main() {}

    /**
     * Runs the command and exits with its status.
     *
     * @param args the command line, e.g. {@code read -a 0x10 -c all}
     */
    public static void main(String[] args) {
        PrintWriter out = writer(System.out, "stdout.encoding");
        PrintWriter err = writer(System.err, "stderr.encoding");
        System.exit(new MsrSafeTool(System.in).run(out, err, args));
    }

    /** A writer in the encoding the JVM chose for the stream (the terminal's, or the platform's). */
    private static PrintWriter writer(PrintStream stream, String encodingProperty) {
        Charset charset;
        try {
            charset = Charset.forName(System.getProperty(encodingProperty, Charset.defaultCharset().name()));
        } catch (IllegalArgumentException unknown) {
            charset = Charset.defaultCharset();
        }
        return new PrintWriter(new OutputStreamWriter(stream, charset));
    }
}
