package io.github.msrsafe.internal.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens without native access, in child JVMs that deny it: loading the
 * native classes and detecting the driver still work (nothing links until a
 * native tree is opened), and opening one fails with a message naming the
 * exact --enable-native-access flag, for the class path and the module path.
 */
class NativeAccessTest {

    @TempDir
    static Path root;

    private static Path classes;
    private static Path testClasses;

    @BeforeAll
    static void findTheBuild() throws Exception {
        classes = NativeTestSupport.moduleDir().resolve("target/classes");
        testClasses = NativeTestSupport.moduleDir().resolve("target/test-classes");
        Assumptions.assumeTrue(Files.isDirectory(classes) && Files.isDirectory(testClasses),
                "no Maven build output under " + NativeTestSupport.moduleDir());
        Files.createFile(Files.createDirectories(root.resolve("0")).resolve("msr_safe"));
    }

    @Test
    void onTheClassPathTheMessageNamesAllUnnamed() throws Exception {
        String output = probe(denyNativeAccess(),
                List.of("-cp", classes + File.pathSeparator + testClasses, NativeAccessProbe.class.getName()));
        assertDeniedNaming("--enable-native-access=ALL-UNNAMED", output);
        assertTrue(output.contains("denied it to the class path"), output);
    }

    @Test
    void onTheModulePathTheMessageNamesTheModule() throws Exception {
        String output = probe(denyNativeAccess(), List.of(
                "--module-path", classes.toString(),
                "--patch-module", "io.github.msrsafe=" + testClasses,
                "-m", "io.github.msrsafe/" + NativeAccessProbe.class.getName()));
        assertDeniedNaming("--enable-native-access=io.github.msrsafe", output);
        assertTrue(output.contains("denied it to module io.github.msrsafe"), output);
    }

    @Test
    void withTheFlagTheTreeOpens() throws Exception {
        String output = probe(List.of("--enable-native-access=ALL-UNNAMED"),
                List.of("-cp", classes + File.pathSeparator + testClasses, NativeAccessProbe.class.getName()));
        assertTrue(output.contains("first: opened MSR_SAFE"), output);
        assertTrue(output.contains("second: opened MSR_SAFE"), output);
    }

    private static void assertDeniedNaming(String flag, String output) {
        assertTrue(output.contains("loaded"), output);
        assertTrue(output.contains("missing: ErrnoException"), output);
        for (String attempt : new String[] {"first", "second"}) {
            String line = output.lines().filter(l -> l.startsWith(attempt + ": ")).findFirst().orElse("");
            assertTrue(line.startsWith(attempt + ": java.lang.IllegalCallerException: "), output);
            assertTrue(line.contains(flag), line);
        }
        assertFalse(output.contains("ExceptionInInitializerError"), output);
        assertFalse(output.contains("NoClassDefFoundError"), output);
    }

    // JDK 24+ denies with --illegal-native-access=deny; 22 and 23 deny every
    // module not named in --enable-native-access.
    private static List<String> denyNativeAccess() {
        return Runtime.version().feature() >= 24
                ? List.of("--illegal-native-access=deny")
                : List.of("--enable-native-access=java.base");
    }

    private static String probe(List<String> access, List<String> launch) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(access);
        command.addAll(launch);
        command.add(root.toString());
        NativeTestSupport.Result result = NativeTestSupport.run(command);
        assertEquals(0, result.exitCode(), result.output());
        return result.output();
    }
}
