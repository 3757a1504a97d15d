package io.github.msrsafe.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parts of the man pages that the commands' annotations do not hold: ENVIRONMENT,
 * FILES, EXAMPLES and SEE ALSO. Every example runs in ManPagesTest (those on the simulated
 * device or on files only) with the exit status it states.
 */
final class ManPageSections {

    /** A named thing and what it is: an environment variable or a file. */
    record Entry(String name, String text) {}

    /**
     * An example: what it does, the command line, and the exit status it ends with.
     *
     * @param text        what the example shows
     * @param commandLine the command as typed, starting with "msrsafe"
     * @param status      its exit status
     */
    record Example(String text, String commandLine, int status) {
        Example(String text, String commandLine) {
            this(text, commandLine, 0);
        }
    }

    /** The extra sections of one page. */
    record Sections(List<Entry> environment, List<Entry> files, List<Example> examples, List<String> seeAlso) {}

    private ManPageSections() {}

    /** What the launchers read; on every page. */
    static final List<Entry> ENVIRONMENT = List.of(
            new Entry("MSRSAFE_JAVA_OPTS", "Extra options for the Java virtual machine, e.g. -Xmx64m. The launchers"
                    + " pass them before the command's own."),
            new Entry("MSRSAFE_ALLOWLISTS", "The directory of allowlists that allowlist select reads (--directory)."
                    + " The launchers set it to the allowlists they ship, unless it is set."),
            new Entry("MSRSAFE_JAVA_HOME, JAVA_HOME", "The checkout launcher (bin/msrsafe of a source tree) runs on"
                    + " the first of these that is a JDK 22 or newer, else on the newest under /usr/lib/jvm. The"
                    + " distribution runs on the Java runtime it ships and reads neither."),
            new Entry("MSRSAFE_BUILD, MSRSAFE_NO_BUILD", "Read by the checkout launcher only, which never builds"
                    + " behind a user's back. When its jars are missing or older than the sources it builds them"
                    + " (./mvnw, which may need the network) only on a terminal or with MSRSAFE_BUILD=1; otherwise,"
                    + " with no jars it says how to build and exits with 69, and with stale jars it warns on standard"
                    + " error and runs them. MSRSAFE_NO_BUILD=1 never builds."));

    private static final List<Entry> DEVICE_FILES = List.of(
            new Entry("/dev/cpu/N/msr_safe", "Per-CPU register access through msr_safe (the stock driver's"
                    + " /dev/cpu/N/msr is used when msr_safe is not loaded)."),
            new Entry("/dev/cpu/msr_batch", "The batch device: many operations in one ioctl."),
            new Entry("/dev/cpu/msr_allowlist", "The allowlist: which registers users may read and write."),
            new Entry("/dev/cpu/msr_safe_version", "The module's version."));

    private static final List<Entry> DISTRIBUTION_FILES = List.of(
            new Entry("PREFIX/lib/msrsafe", "The distribution: its Java runtime (runtime/), jars (lib/), start-up"
                    + " cache and curated allowlists (allowlists/)."),
            new Entry("PREFIX/share/bash-completion/completions/msrsafe", "The bash completion (zsh:"
                    + " share/zsh/site-functions/_msrsafe)."));

    private static final Map<String, List<Example>> EXAMPLES = Map.ofEntries(
            Map.entry("msrsafe", List.of(
                    new Example("Try any command on the simulated device, which needs neither the module nor root:",
                            "msrsafe --device sim read -a IA32_PERF_CTL"),
                    new Example("Check the allowlists of a repository, as a CI job does:",
                            "msrsafe allowlist lint allowlists/"))),
            Map.entry("msrsafe read", List.of(
                    new Example("Read IA32_PERF_CTL on every CPU:", "msrsafe --device sim read -a IA32_PERF_CTL"),
                    new Example("Bits 15:8 of MSR 0xCE (the maximum non-turbo ratio) on CPU 1, in decimal:",
                            "msrsafe --device sim read -p 1 -f 15:8 -u 0xCE"),
                    new Example("The same as JSON, for scripts:", "msrsafe --device sim read -p 0-1 --json 0xCE"))),
            Map.entry("msrsafe write", List.of(
                    new Example("Ask for ratio 0x1A on CPU 1:", "msrsafe --device sim write -p 1 IA32_PERF_CTL 0x1A00"))),
            Map.entry("msrsafe batch", List.of(
                    new Example("Run a batch file (one op per line: CPU, read or write, MSR, value) in one ioctl:",
                            "msrsafe --device sim batch docs/examples/readme.batch"))),
            Map.entry("msrsafe save", List.of(
                    new Example("Save every writable allowlisted register of every CPU before a job:",
                            "msrsafe --device sim save /tmp/msrsafe-example.state"))),
            Map.entry("msrsafe restore", List.of(
                    new Example("Check what a restore would write, without writing:",
                            "msrsafe --device sim restore --dry-run /tmp/msrsafe-example.state"))),
            Map.entry("msrsafe allowlist show", List.of(
                    new Example("The installed allowlist with register names:", "msrsafe --device sim allowlist show -n"))),
            Map.entry("msrsafe allowlist install", List.of(
                    new Example("Check a file as the module will, without installing it:",
                            "msrsafe allowlist install --dry-run allowlists/al_06_55"))),
            Map.entry("msrsafe allowlist lint", List.of(
                    new Example("Check every allowlist of a directory; exit status 1 if any has an error:",
                            "msrsafe allowlist lint allowlists/"),
                    new Example("SARIF for a code-scanning service, failing on warnings too:",
                            "msrsafe allowlist lint --format sarif --fail-on warning allowlists/"))),
            Map.entry("msrsafe allowlist select", List.of(
                    new Example("Which curated allowlist fits a processor (family 06, model 55):",
                            "msrsafe allowlist select -D allowlists/ --cpu 06_55"))),
            Map.entry("msrsafe version", List.of(
                    new Example("Whether this msrsafe supports the loaded module:", "msrsafe --device sim version"))),
            Map.entry("msrsafe cpus", List.of(
                    new Example("The online CPUs, one number per line:", "msrsafe --device sim cpus --list"))),
            Map.entry("msrsafe stat", List.of(
                    new Example("One sample of frequency, busy time and power after 0.2 s:",
                            "msrsafe --device sim stat --count 1 --interval 0.2"))),
            Map.entry("msrsafe completion", List.of(
                    new Example("Load the completion into the current bash:", "source <(msrsafe completion)"))));

    /** {@return the sections of the page of {@code command}, e.g. "msrsafe allowlist lint"} */
    static Sections of(String command) {
        List<Entry> files = new ArrayList<>();
        boolean device = CommandTree.node(command).map(node -> node.statuses().contains(ExitCode.DEVICE_MISSING))
                .orElse(true);
        if (device) {
            files.addAll(DEVICE_FILES);
        }
        if (command.equals("msrsafe") || command.equals("msrsafe completion")) {
            files.addAll(DISTRIBUTION_FILES);
        }
        List<String> seeAlso = new ArrayList<>(List.of("rdmsr(1)", "wrmsr(1)"));
        if (command.startsWith("msrsafe allowlist") || command.equals("msrsafe")) {
            seeAlso.add("docs/allowlists.md");
        }
        return new Sections(ENVIRONMENT, files, EXAMPLES.getOrDefault(command, List.of()), seeAlso);
    }

    /** {@return every example of every page} */
    static List<Example> allExamples() {
        return EXAMPLES.values().stream().flatMap(List::stream).toList();
    }
}
