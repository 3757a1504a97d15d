import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the msrsafe distribution (run by msrsafe-dist/pom.xml in the package phase with
 * the JDK that runs Maven, as {@code java Assemble.java KEY=VALUE...}):
 * <ol>
 * <li>an image directory: {@code bin/msrsafe}, {@code install.sh}, a jlink'ed Java runtime
 *     holding only the JDK modules the command needs and the command's own modules (msrsafe,
 *     msrsafe-cli, picocli), the exporter's jars (lib/exporter), the curated allowlists,
 *     the man pages and bash/zsh completion (both made by running the command from the
 *     image), and the documentation;</li>
 * <li>the start-up cache, from a training run on the image's own runtime: an AOT cache on a
 *     JDK 25+ runtime, a CDS archive before;</li>
 * <li>{@code msrsafe-VERSION-linux-x86_64.tar.gz} of the image (GNU tar, names sorted, one
 *     time stamp, owner root);</li>
 * <li>a .deb where dpkg-deb is installed and an .rpm where rpmbuild is, both installing
 *     under /opt/msrsafe with /usr/bin/msrsafe; the build says when it skips one.</li>
 * </ol>
 * Keys: version, project (the checkout), jars (the runtime dependencies), target,
 * timestamp (project.build.outputTimestamp), modules (JDK modules for jlink), packages
 * (true, false: deb and rpm).
 */
public final class Assemble {

    private final Map<String, String> options;
    private final Path project;
    private final Path target;
    private final String version;
    private final String name;
    private final Path image;
    private final FileTime time;

    private Assemble(Map<String, String> options) {
        this.options = options;
        this.project = Path.of(option("project")).toAbsolutePath().normalize();
        this.target = Path.of(option("target")).toAbsolutePath().normalize();
        this.version = option("version");
        this.name = "msrsafe-" + version;
        this.image = target.resolve(name);
        this.time = FileTime.from(Instant.parse(option("timestamp")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("expected KEY=VALUE, got " + arg);
            }
            options.put(arg.substring(0, equals), arg.substring(equals + 1));
        }
        new Assemble(options).run();
    }

    private String option(String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("missing " + key + "=...");
        }
        return value;
    }

    private void run() throws IOException, InterruptedException {
        deleteTree(image);
        Files.createDirectories(image);
        Path dist = project.resolve("msrsafe-dist/src/dist");
        copy(dist.resolve("bin/msrsafe"), image.resolve("bin/msrsafe"));
        copy(dist.resolve("install.sh"), image.resolve("install.sh"));
        executable(image.resolve("bin/msrsafe"));
        executable(image.resolve("install.sh"));
        // The command's own modules and picocli go into the runtime (jlink); the exporter's Prometheus
        // client, automatic modules jlink cannot link, stays jars for --module-path lib/exporter.
        Path jars = Path.of(option("jars"));
        List<Path> linked = new ArrayList<>();
        try (Stream<Path> files = Files.list(jars)) {
            for (Path jar : files.sorted().toList()) {
                if (jar.getFileName().toString().startsWith("prometheus-")) {
                    copy(jar, image.resolve("lib/exporter").resolve(jar.getFileName()));
                } else {
                    linked.add(jar);
                }
            }
        }
        copyTree(project.resolve("allowlists"), image.resolve("allowlists"));
        Path doc = image.resolve("share/doc/msrsafe");
        for (String file : List.of("README.md", "LICENSE", "CHANGELOG.md")) {
            copy(project.resolve(file), doc.resolve(file));
        }
        copyTree(project.resolve("docs"), doc.resolve("docs"));

        jlink(linked);
        Path java = image.resolve("runtime/bin/java");
        List<String> module = List.of("--enable-native-access=io.github.msrsafe");
        List<String> manPages = new ArrayList<>(List.of(java.toString()));
        manPages.addAll(module);
        manPages.addAll(List.of("--module", "io.github.msrsafe.cli/io.github.msrsafe.cli.ManPages",
                image.resolve("share/man/man1").toString()));
        exec(manPages, null);
        Path bash = image.resolve("share/bash-completion/completions/msrsafe");
        Files.createDirectories(bash.getParent());
        exec(List.of(image.resolve("bin/msrsafe").toString(), "completion"), bash);
        Path zsh = image.resolve("share/zsh/site-functions/_msrsafe");
        Files.createDirectories(zsh.getParent());
        Files.writeString(zsh, "#compdef msrsafe\n# zsh runs the bash completion through bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n" + Files.readString(bash), StandardCharsets.UTF_8);

        // The cache records the jars' times: give every file the release's time first, as the tarball will.
        stamp(image);
        startupCache(java, module);
        stamp(image);
        tarball();
        if (Boolean.parseBoolean(options.getOrDefault("packages", "true"))) {
            deb();
            rpm();
        } else {
            System.out.println("msrsafe-dist: packages=false: no .deb or .rpm");
        }
    }

    /**
     * The runtime: the JDK modules the command needs and the command's own modules, so that it
     * runs with no module path. That keeps the start-up cache usable wherever the
     * distribution is unpacked: the JVM refuses a cache made with another module path.
     */
    private void jlink(List<Path> modulePath) {
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("this JDK has no jlink: build the distribution on a full JDK"));
        String path = String.join(File.pathSeparator, modulePath.stream().map(Path::toString).toList());
        String[] args = {"--module-path", path, "--add-modules", option("modules") + ",io.github.msrsafe.cli",
            "--strip-debug", "--no-man-pages", "--no-header-files", "--generate-cds-archive",
            "--exclude-files=**/bin/jwebserver,**/bin/keytool", "--output", image.resolve("runtime").toString()};
        int status = jlink.run(System.out, System.err, args);
        if (status != 0) {
            throw new IllegalStateException("jlink " + String.join(" ", args) + " failed with " + status);
        }
    }

    /** The training run on the image's runtime, with the launcher's options. */
    private void startupCache(Path java, List<String> module) throws IOException, InterruptedException {
        int feature = runtimeFeature();
        List<String> command = new ArrayList<>(List.of(java.toString()));
        Path cache;
        if (feature >= 25) {
            cache = image.resolve("lib/msrsafe.aot");
            command.add("-XX:AOTCacheOutput=" + cache);
        } else {
            cache = image.resolve("lib/msrsafe.jsa");
            command.add("-XX:ArchiveClassesAtExit=" + cache);
        }
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(module);
        command.addAll(List.of("--module", "io.github.msrsafe.cli/io.github.msrsafe.cli.Training",
                image.resolve("allowlists").toString()));
        exec(command, target.resolve("msrsafe-dist-cache.log"));
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training run made no " + cache + "; see " + target.resolve("msrsafe-dist-cache.log"));
        }
    }

    private int runtimeFeature() throws IOException {
        for (String line : Files.readAllLines(image.resolve("runtime/release"))) {
            if (line.startsWith("JAVA_VERSION=")) {
                String value = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                return Integer.parseInt(value.split("[.+-]")[0]);
            }
        }
        throw new IllegalStateException("no JAVA_VERSION in the runtime's release file");
    }

    private void tarball() throws IOException, InterruptedException {
        Path tar = target.resolve(name + "-linux-x86_64.tar");
        Path gz = target.resolve(name + "-linux-x86_64.tar.gz");
        Files.deleteIfExists(tar);
        Files.deleteIfExists(gz);
        exec(List.of("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--format=gnu",
                "--mtime=@" + time.toInstant().getEpochSecond(), "-C", target.toString(), "-cf", tar.toString(), name), null);
        exec(List.of("gzip", "-n", "-6", tar.toString()), null);
        System.out.println("msrsafe-dist: " + gz + " (" + Files.size(gz) / (1024 * 1024) + " MiB)");
    }

    /** A .deb of the image under /opt/msrsafe, with /usr/bin/msrsafe, man pages and completion in the usual places. */
    private void deb() throws IOException, InterruptedException {
        if (!onPath("dpkg-deb")) {
            System.out.println("msrsafe-dist: dpkg-deb is not installed: no .deb (apt-get install dpkg)");
            return;
        }
        Path root = target.resolve("deb-root");
        deleteTree(root);
        installInto(root);
        Path control = root.resolve("DEBIAN/control");
        Files.createDirectories(control.getParent());
        Files.writeString(control, """
                Package: msrsafe
                Version: %s
                Architecture: amd64
                Maintainer: msrsafe-java developers <msrsafe@users.noreply.github.com>
                Section: admin
                Priority: optional
                Homepage: https://github.com/msrsafe/msrsafe-java
                Description: rdmsr/wrmsr, batches, allowlists and save/restore for msr_safe
                 The msrsafe command of msrsafe-java with its own Java runtime: reads and
                 writes model-specific registers through LLNL's msr_safe kernel module,
                 lints and installs allowlists, saves and restores register state.
                """.formatted(debianVersion()), StandardCharsets.UTF_8);
        stamp(root);
        Path deb = target.resolve("msrsafe_" + debianVersion() + "_amd64.deb");
        Files.deleteIfExists(deb);
        exec(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), deb.toString()), null);
        deleteTree(root);
        System.out.println("msrsafe-dist: " + deb);
    }

    /** An .rpm from a spec file that packages the same tree as the .deb. */
    private void rpm() throws IOException, InterruptedException {
        if (!onPath("rpmbuild")) {
            System.out.println("msrsafe-dist: rpmbuild is not installed: no .rpm (apt-get install rpm, or dnf install rpm-build)");
            return;
        }
        Path top = target.resolve("rpmbuild");
        deleteTree(top);
        Path root = top.resolve("root");
        installInto(root);
        String rpmVersion = version.replace('-', '~');
        Path spec = top.resolve("msrsafe.spec");
        Files.writeString(spec, """
                Name: msrsafe
                Version: %s
                Release: 1
                Summary: rdmsr/wrmsr, batches, allowlists and save/restore for msr_safe
                License: Apache-2.0
                URL: https://github.com/msrsafe/msrsafe-java
                AutoReqProv: no
                %%define __os_install_post %%{nil}
                %%define _build_id_links none

                %%description
                The msrsafe command of msrsafe-java with its own Java runtime: reads and writes
                model-specific registers through LLNL's msr_safe kernel module, lints and installs
                allowlists, saves and restores register state.

                %%install
                cp -a %s/. %%{buildroot}/

                %%files
                /opt/msrsafe
                /usr/bin/msrsafe
                /usr/share/man/man1/*.1*
                /usr/share/bash-completion/completions/msrsafe
                /usr/share/zsh/site-functions/_msrsafe
                """.formatted(rpmVersion, root), StandardCharsets.UTF_8);
        exec(List.of("rpmbuild", "-bb", "--define", "_topdir " + top, "--define", "_rpmdir " + target,
                "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm".replace("%%", "%"),
                "--target", "x86_64", spec.toString()), target.resolve("msrsafe-dist-rpm.log"));
        deleteTree(top);
        System.out.println("msrsafe-dist: " + target.resolve("msrsafe-" + rpmVersion + "-1.x86_64.rpm"));
    }

    /** The image laid out as a package installs it: /opt/msrsafe, /usr/bin, /usr/share. */
    private void installInto(Path root) throws IOException {
        Path home = root.resolve("opt/msrsafe");
        for (String part : List.of("bin", "runtime", "lib", "allowlists", "share/doc")) {
            copyTree(image.resolve(part), home.resolve(part));
        }
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("usr/bin/msrsafe"), Path.of("../../opt/msrsafe/bin/msrsafe"));
        copyTree(image.resolve("share/man"), root.resolve("usr/share/man"));
        copyTree(image.resolve("share/bash-completion"), root.resolve("usr/share/bash-completion"));
        copyTree(image.resolve("share/zsh"), root.resolve("usr/share/zsh"));
    }

    /** 0.2.0-SNAPSHOT as Debian orders it: 0.2.0~SNAPSHOT comes before 0.2.0. */
    private String debianVersion() {
        return version.replace('-', '~');
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command; its output goes to {@code output} (or this process's), and it must succeed. */
    private void exec(List<String> command, Path output) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(target.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("MSRSAFE_JAVA_OPTS");
        builder.environment().put("SOURCE_DATE_EPOCH", Long.toString(time.toInstant().getEpochSecond()));
        if (output != null) {
            builder.redirectOutput(output.toFile());
            builder.redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
        } else {
            builder.inheritIO();
        }
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("failed with " + process.exitValue() + ": " + String.join(" ", command)
                    + (output == null ? "" : " (output in " + output + ")"));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                LinkOption.NOFOLLOW_LINKS);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path destination = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(destination);
                } else {
                    copy(file, destination);
                }
            }
        }
    }

    /**
     * Every file and directory gets the release's time and the usual modes (0755 for
     * directories and executables, 0644 for the rest), whatever the builder's umask.
     */
    private void stamp(Path tree) throws IOException {
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (!attributes.isSymbolicLink()) {
                    boolean executable = Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                    Files.setLastModifiedTime(file, time);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setLastModifiedTime(dir, time);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(tree)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
