import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks what `./mvnw -Prelease -Dgpg.skip verify` left behind against what Maven Central
 * asks for, module by module, from the effective POM of the release profile:
 * <ul>
 * <li>every module: name, description, url, license, developer and scm (url and connections)
 *     that point at the repository itself, not at a path Maven appended;</li>
 * <li>a published jar module: its jar, -sources.jar (module-info and every package-info
 *     included), -javadoc.jar (one page per exported package, nothing internal) and a
 *     CycloneDX SBOM in JSON and XML naming the artifact and its runtime dependencies;</li>
 * <li>a module that sets msrsafe.publish.skip: no deploy, no Central bundle entry, and none
 *     of the extra artifacts.</li>
 * </ul>
 * Run by .ci/check-release.sh: {@code java .ci/CheckRelease.java <project dir> <effective pom>}.
 * Prints one line per check; exits 1 if any failed.
 */
public class CheckRelease {

    private static final String REPOSITORY = "https://github.com/msrsafe/msrsafe-java";

    private final List<String> failures = new ArrayList<>();
    private int passed;

    public static void main(String[] args) throws Exception {
        Path project = Path.of(args[0]);
        Document effective = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(project.resolve(args[1]).toFile());
        CheckRelease check = new CheckRelease();
        NodeList projects = effective.getElementsByTagName("project");
        for (int i = 0; i < projects.getLength(); i++) {
            check.module(project, (Element) projects.item(i));
        }
        System.out.println();
        if (check.failures.isEmpty()) {
            System.out.println("check-release: all " + check.passed + " checks passed");
        } else {
            System.out.println("check-release: " + check.failures.size() + " of " + (check.passed + check.failures.size())
                    + " checks FAILED:");
            check.failures.forEach(failure -> System.out.println("  " + failure));
            System.exit(1);
        }
    }

    private void module(Path project, Element pom) throws IOException {
        String artifactId = text(pom, "artifactId");
        String version = text(pom, "version");
        String packaging = text(pom, "packaging").isEmpty() ? "jar" : text(pom, "packaging");
        Path dir = artifactId.equals("msrsafe-parent") ? project : project.resolve(artifactId);
        boolean skipped = "true".equals(text(child(pom, "properties"), "msrsafe.publish.skip"));
        System.out.println("== " + artifactId + " " + version + " (" + packaging + (skipped ? ", not published" : "") + ")");

        // What Central validates in every POM it receives.
        expect(!text(pom, "name").isEmpty(), artifactId + ": <name>");
        expect(!text(pom, "description").isEmpty(), artifactId + ": <description>");
        expect(REPOSITORY.equals(text(pom, "url")), artifactId + ": <url> is " + REPOSITORY + " (got " + text(pom, "url") + ")");
        Element license = child(child(pom, "licenses"), "license");
        expect(text(license, "name").contains("Apache") && text(license, "url").startsWith("https://"),
                artifactId + ": <license> Apache-2.0 with a URL");
        Element developer = child(child(pom, "developers"), "developer");
        expect(!text(developer, "name").isEmpty(), artifactId + ": <developer> with a name");
        Element scm = child(pom, "scm");
        expect(REPOSITORY.equals(text(scm, "url")), artifactId + ": <scm><url> is the repository (got " + text(scm, "url") + ")");
        expect(text(scm, "connection").equals("scm:git:" + REPOSITORY + ".git"),
                artifactId + ": <scm><connection> is the repository (got " + text(scm, "connection") + ")");
        expect(text(scm, "developerConnection").startsWith("scm:git:") && text(scm, "developerConnection").endsWith("/msrsafe-java.git"),
                artifactId + ": <scm><developerConnection> is the repository (got " + text(scm, "developerConnection") + ")");

        Element central = plugin(pom, "central-publishing-maven-plugin");
        expect(central != null, artifactId + ": the release profile has central-publishing-maven-plugin");
        if (central != null) {
            expect(text(child(central, "configuration"), "skipPublishing").equals(String.valueOf(skipped)),
                    artifactId + ": Central skipPublishing=" + skipped);
        }
        expect(plugin(pom, "maven-gpg-plugin") != null, artifactId + ": the release profile signs with maven-gpg-plugin");

        if (!packaging.equals("jar")) {
            return;
        }
        String base = artifactId + "-" + version;
        Path target = dir.resolve("target");
        Path sources = target.resolve(base + "-sources.jar");
        Path javadoc = target.resolve(base + "-javadoc.jar");
        Path sbomJson = target.resolve(base + "-cyclonedx.json");
        Path sbomXml = target.resolve(base + "-cyclonedx.xml");
        if (skipped) {
            for (Path extra : List.of(sources, javadoc, sbomJson, sbomXml)) {
                expect(!Files.exists(extra), artifactId + ": no " + extra.getFileName() + " for a module that is not published");
            }
            return;
        }
        Path jar = findJar(target, base + ".jar");
        expect(jar != null, artifactId + ": " + base + ".jar");
        for (Path extra : List.of(sources, javadoc, sbomJson, sbomXml)) {
            expect(Files.isRegularFile(extra), artifactId + ": " + extra.getFileName());
        }
        if (Files.isRegularFile(sources)) {
            checkSources(artifactId, dir.resolve("src/main/java"), sources);
        }
        if (Files.isRegularFile(javadoc)) {
            checkJavadoc(artifactId, dir.resolve("src/main/java/module-info.java"), javadoc);
        }
        if (Files.isRegularFile(sbomJson)) {
            checkSbom(artifactId, version, pom, sbomJson);
        }
    }

    private void checkSources(String artifactId, Path sourceRoot, Path sourcesJar) throws IOException {
        Set<String> expected;
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            expected = files.filter(file -> file.toString().endsWith(".java"))
                    .map(file -> sourceRoot.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> entries = entries(sourcesJar);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(entries);
        expect(missing.isEmpty(), artifactId + ": the sources jar holds all " + expected.size() + " .java files"
                + (missing.isEmpty() ? "" : ", missing " + missing));
        expect(entries.contains("module-info.java"), artifactId + ": the sources jar holds module-info.java");
        Set<String> packages = expected.stream().filter(file -> file.contains("/"))
                .map(file -> file.substring(0, file.lastIndexOf('/'))).collect(Collectors.toCollection(TreeSet::new));
        Set<String> withoutInfo = packages.stream().filter(dir -> !expected.contains(dir + "/package-info.java"))
                .collect(Collectors.toCollection(TreeSet::new));
        expect(withoutInfo.isEmpty(), artifactId + ": every package has a package-info.java"
                + (withoutInfo.isEmpty() ? "" : ", not " + withoutInfo));
    }

    private void checkJavadoc(String artifactId, Path moduleInfo, Path javadocJar) throws IOException {
        String descriptor = Files.readString(moduleInfo, StandardCharsets.UTF_8);
        Matcher module = Pattern.compile("module\\s+([\\w.]+)\\s*\\{").matcher(descriptor);
        if (!expect(module.find(), artifactId + ": module-info.java names the module")) {
            return;
        }
        Set<String> exported = new TreeSet<>();
        Matcher exports = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;").matcher(descriptor);
        while (exports.find()) {
            exported.add(exports.group(1));
        }
        Set<String> entries = entries(javadocJar);
        String moduleDir = module.group(1) + "/";
        expect(entries.contains("index.html") && entries.contains(moduleDir + "module-summary.html"),
                artifactId + ": the javadoc jar has index.html and the module page");
        for (String exportedPackage : exported) {
            expect(entries.contains(moduleDir + exportedPackage.replace('.', '/') + "/package-summary.html"),
                    artifactId + ": javadoc documents exported package " + exportedPackage);
        }
        List<String> internal = entries.stream().filter(entry -> entry.contains("/internal/")).toList();
        expect(internal.isEmpty(), artifactId + ": javadoc documents nothing internal"
                + (internal.isEmpty() ? "" : ", found " + internal.subList(0, Math.min(3, internal.size()))));
    }

    private void checkSbom(String artifactId, String version, Element pom, Path sbom) throws IOException {
        String json = Files.readString(sbom, StandardCharsets.UTF_8);
        expect(json.contains("\"bomFormat\" : \"CycloneDX\"") || json.contains("\"bomFormat\":\"CycloneDX\""),
                artifactId + ": the SBOM is CycloneDX");
        expect(json.contains("pkg:maven/io.github.msrsafe/" + artifactId + "@" + version),
                artifactId + ": the SBOM describes " + artifactId + "@" + version);
        // Every runtime (compile/runtime scope) dependency is a component; no test dependency is.
        NodeList dependencies = child(pom, "dependencies") == null ? null
                : child(pom, "dependencies").getElementsByTagName("dependency");
        for (int i = 0; dependencies != null && i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String scope = text(dependency, "scope");
            String purl = "pkg:maven/" + text(dependency, "groupId") + "/" + text(dependency, "artifactId") + "@";
            if (scope.isEmpty() || scope.equals("compile") || scope.equals("runtime")) {
                expect(json.contains(purl), artifactId + ": the SBOM lists runtime dependency " + purl);
            } else if (scope.equals("test")) {
                expect(!json.contains(purl), artifactId + ": the SBOM leaves out test dependency " + purl);
            }
        }
    }

    private static Path findJar(Path target, String name) throws IOException {
        try (Stream<Path> files = Files.walk(target, 2)) {
            return files.filter(file -> file.getFileName().toString().equals(name)).findFirst().orElse(null);
        }
    }

    private static Set<String> entries(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(entry -> entry.getName()).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean expect(boolean condition, String what) {
        if (condition) {
            passed++;
            System.out.println("ok      " + what);
        } else {
            failures.add(what);
            System.out.println("FAILED  " + what);
        }
        return condition;
    }

    /** The release profile's (or the build's) plugin with this artifactId, or null. */
    private static Element plugin(Element pom, String artifactId) {
        List<Element> candidates = new ArrayList<>();
        Element profiles = child(pom, "profiles");
        for (Element profile : children(profiles, "profile")) {
            if ("release".equals(text(profile, "id"))) {
                candidates.addAll(children(child(child(profile, "build"), "plugins"), "plugin"));
            }
        }
        candidates.addAll(children(child(child(pom, "build"), "plugins"), "plugin"));
        return candidates.stream().filter(plugin -> artifactId.equals(text(plugin, "artifactId"))).findFirst().orElse(null);
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? "" : element.getTextContent().strip();
    }
}
