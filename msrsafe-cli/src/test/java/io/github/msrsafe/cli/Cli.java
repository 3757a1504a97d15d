package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.msrsafe.SimulatedDevice;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the msrsafe command in-process against one simulated device (shared by every run,
 * so a write is seen by the next read) and captures what it printed.
 */
final class Cli {

    /** What one run printed and returned. */
    record Result(int status, String out, String err) {

        /** stdout split into lines. */
        List<String> lines() {
            return out.lines().toList();
        }

        /** Asserts the run failed with {@code code}, printed nothing on stdout and exactly one line on stderr; returns that line. */
        String failure(ExitCode code) {
            assertEquals(code.status(), status, () -> "exit status; stdout: " + out + " stderr: " + err);
            assertEquals("", out, "stdout of a failed command");
            return errorLine();
        }

        /** Asserts stderr is exactly one line starting "msrsafe: " and returns it without the prefix. */
        String errorLine() {
            List<String> errLines = err.lines().toList();
            assertEquals(1, errLines.size(), () -> "one line on stderr, got: " + err);
            String line = errLines.get(0);
            if (!line.startsWith("msrsafe: ")) {
                throw new AssertionError("error line should start with 'msrsafe: ': " + line);
            }
            return line.substring("msrsafe: ".length());
        }

        /** Asserts success with nothing on stderr. */
        Result ok() {
            assertEquals(0, status, () -> "exit status; stdout: " + out + " stderr: " + err);
            assertEquals("", err, "stderr of a successful command");
            return this;
        }
    }

    private final SimulatedDevice device;
    private String stdin = "";

    Cli(SimulatedDevice device) {
        this.device = device;
    }

    /** A standard 4-CPU simulated device whose clock stands still at one second unless moved. */
    static Cli standard(AtomicLong nanos) {
        return new Cli(SimulatedDevice.builder()
                .cpus(4)
                .registers(SimulatedDevice.standardRegisters())
                .allowlist(SimulatedDevice.standardAllowlist())
                .clock(nanos::get)
                .build());
    }

    SimulatedDevice device() {
        return device;
    }

    /** The next run reads {@code text} from "-". */
    Cli stdin(String text) {
        this.stdin = text;
        return this;
    }

    /** Runs {@code msrsafe --device sim ARGS...}. */
    Result sim(String... args) {
        List<String> all = new ArrayList<>(List.of("--device", "sim"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code msrsafe ARGS...} as users get it: a fresh standard simulated device for each {@code --device sim}. */
    static Result tool(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = new MsrSafeTool(new ByteArrayInputStream(new byte[0])).run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(status, out.toString(), err.toString());
    }

    /** Runs {@code msrsafe ARGS...} exactly as given. */
    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        MsrSafeTool tool = new MsrSafeTool(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), cpus -> device);
        int status = tool.run(new PrintWriter(out), new PrintWriter(err), args);
        stdin = "";
        return new Result(status, out.toString(), err.toString());
    }
}
