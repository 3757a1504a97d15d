package io.github.msrsafe.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The benchmarks jar's entry point: JMH's own command line, plus the backend check.
 * Before anything runs it finds out which backends this machine has (a real
 * /dev/cpu/msr_batch, gcc for the native test double and the C baseline), prints why
 * each missing one is skipped, and runs the rest; benchmarks never measure a stand-in.
 *
 * <pre>
 * java -jar msrsafe-benchmarks.jar [JMH options] [benchmark regexps]
 * java -jar msrsafe-benchmarks.jar -h
 * </pre>
 */
public final class Main {

    /** Every forked JVM may link native code without a warning. */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private Main() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions commandLine;
        try {
            commandLine = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListWithParams()
                || commandLine.shouldListProfilers() || commandLine.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(commandLine);
        restrictToAvailableBackends(commandLine, options);
        for (Requirement requirement : Requirement.values()) {
            requirement.missing().ifPresent(reason -> {
                System.out.println("# skipping " + requirement.benchmarks + ": " + reason);
                options.exclude(requirement.benchmarks);
            });
        }
        List<String> jvmArgsAppend = new ArrayList<>(commandLine.getJvmArgsAppend().orElse(List.of()));
        if (!jvmArgsAppend.contains(NATIVE_ACCESS)) {
            jvmArgsAppend.add(NATIVE_ACCESS);
        }
        if (Runtime.version().feature() >= 24) {
            // JMH 1.37 itself uses sun.misc.Unsafe, which JDK 24+ warns about in every fork.
            jvmArgsAppend.add("--sun-misc-unsafe-memory-access=allow");
        }
        options.jvmArgsAppend(jvmArgsAppend.toArray(String[]::new));
        try {
            new Runner(options.build()).run();
        } catch (NoBenchmarksException e) {
            System.err.println("No matching benchmarks: check the regexp (or the skipped backends above). "
                    + "-l lists the benchmarks.");
            System.exit(1);
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            Throwable cause = e.getCause();
            while (cause != null) {
                System.err.println("  caused by " + cause);
                cause = cause.getCause();
            }
            System.exit(1);
        }
    }

    /** Limits the "backend" parameter to the backends this machine has, saying why the others are left out. */
    private static void restrictToAvailableBackends(CommandLineOptions commandLine, ChainedOptionsBuilder options) {
        Collection<String> requested = commandLine.getParameter(Backend.PARAMETER).orElse(null);
        Set<String> wanted = new LinkedHashSet<>();
        if (requested == null) {
            for (Backend backend : Backend.values()) {
                wanted.add(backend.id());
            }
        } else {
            wanted.addAll(requested);
        }
        Set<String> runnable = new LinkedHashSet<>();
        for (String id : wanted) {
            Backend backend = Backend.byId(id); // throws for a misspelt backend, naming the valid ones
            backend.unavailableReason().ifPresentOrElse(
                    reason -> System.out.println("# skipping backend " + id + ": " + reason),
                    () -> runnable.add(id));
        }
        if (commandLine.getForkCount().orElse(1) == 0 && runnable.contains(Backend.REAL.id())
                && runnable.remove(Backend.NATIVE.id())) {
            // Without forks every backend shares one JVM, and the native one binds the library's ioctl to its stand-in.
            System.out.println("# skipping backend " + Backend.NATIVE.id() + ": it cannot share a JVM with backend "
                    + Backend.REAL.id() + " (-f 0); run it with forks or on its own");
        }
        if (runnable.isEmpty()) {
            System.out.println("# no requested backend is available: skipping the serial-vs-batch benchmarks");
            options.exclude(SerialVsBatchReadBenchmark.class.getName());
            options.exclude(SerialVsBatchWriteBenchmark.class.getName());
        } else if (requested != null || runnable.size() < wanted.size()) {
            options.param(Backend.PARAMETER, runnable.toArray(String[]::new));
        }
    }
}
