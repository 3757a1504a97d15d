package io.github.msrsafe.internal.nativeio;

import io.github.msrsafe.internal.sys.ErrnoException;
import java.nio.file.Path;

/**
 * Run in a child JVM by NativeAccessTest, with native access denied or
 * granted. Prints one line per step: what loading the classes and opening a
 * tree did.
 */
public final class NativeAccessProbe {

    private NativeAccessProbe() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Class.forName(NativeDeviceFiles.class.getName(), true, NativeAccessProbe.class.getClassLoader());
        System.out.println("loaded");
        try {
            NativeDeviceFiles.open(root.resolve("absent")).close();
            System.out.println("missing: opened?");
        } catch (ErrnoException missing) {
            System.out.println("missing: " + missing.getClass().getSimpleName());
        }
        for (String attempt : new String[] {"first", "second"}) {
            try (NativeDeviceFiles files = NativeDeviceFiles.open(root)) {
                System.out.println(attempt + ": opened " + files.driver());
            } catch (Throwable failure) {
                System.out.println(attempt + ": " + failure.getClass().getName() + ": " + failure.getMessage());
            }
        }
    }
}
