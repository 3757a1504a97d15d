package io.github.msrsafe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script, run by bash as the shell runs it while a user types. */
class CompletionTest {

    /** What the script completes for a command line whose last word is being typed. */
    private static String complete(Path script, String line) throws IOException, InterruptedException {
        String words = String.join(" ", List.of(line.split(" ", -1)).stream().map(word -> "'" + word + "'").toList());
        String driver = "compopt() { :; }\nsource " + script + "\nCOMP_WORDS=(" + words + ")\n"
                + "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\nCOMP_LINE='" + line + "'\nCOMP_POINT=${#COMP_LINE}\n"
                + "_complete_msrsafe msrsafe \"${COMP_WORDS[-1]}\" \"${COMP_WORDS[-2]}\"\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process process = new ProcessBuilder("bash", "-c", driver).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return out.strip().replace('\n', ' ');
    }

    @Test
    void completesCommandsRegisterNamesDevicesAndSignals(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash");
        Path script = dir.resolve("msrsafe");
        Files.writeString(script, Cli.tool("completion").ok().out(), StandardCharsets.UTF_8);
        assertEquals("allowlist", complete(script, "msrsafe allo"));
        assertEquals("IA32_PERF_CAPABILITIES IA32_PERF_CTL", complete(script, "msrsafe read -p 1 IA32_PERF_C"));
        assertEquals("IA32_PERF_CAPABILITIES IA32_PERF_CTL", complete(script, "msrsafe write IA32_PERF_C"));
        assertEquals("sim", complete(script, "msrsafe --device s"));
        assertEquals("sim", complete(script, "msrsafe read --device s"));
        assertEquals("PkgTmp PkgThr PkgThrLog Pkg%pc2 Pkg%pc3 Pkg%pc6 Pkg%pc7 Pkg%pc8 Pkg%pc9 Pkg%pc10 PkgWatt Pkg_J",
                complete(script, "msrsafe stat --show Pkg"));
    }
}
