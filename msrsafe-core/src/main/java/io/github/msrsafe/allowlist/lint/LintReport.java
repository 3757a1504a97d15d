package io.github.msrsafe.allowlist.lint;

import io.github.msrsafe.internal.text.JsonWriter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of linting files: what was linted, the findings in order, and
 * the files that could not be read. Renders as compiler-style text, JSON or
 * SARIF 2.1.0, and gives the exit status a command should return.
 *
 * @param files    the files linted, in order
 * @param findings the findings, file by file in that order, each file's in text order
 * @param problems files or directories that could not be read
 * @param verdicts per file linted, in the same order: what the module would do with it
 *                 (empty for a report made without them)
 */
public record LintReport(List<String> files, List<Finding> findings, List<Problem> problems,
                         List<ModuleVerdict> verdicts) {

    /** Exit status: nothing at or above the chosen severity. */
    public static final int EXIT_CLEAN = 0;
    /** Exit status: findings at or above the chosen severity. */
    public static final int EXIT_FINDINGS = 1;
    /** Exit status: a usage error, or a file that could not be read. */
    public static final int EXIT_ERROR = 2;

    /** The name SARIF reports give the tool. */
    public static final String TOOL_NAME = "msrsafe-allowlist-lint";

    /** The SARIF 2.1.0 JSON schema the output declares. */
    public static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    /** Where the rules are explained: each SARIF rule's {@code helpUri}. */
    public static final String RULES_HELP_URI = "https://github.com/msrsafe/msrsafe-java/blob/main/docs/allowlists.md#linting";

    /** The SARIF {@code uriBaseId} that relative artifact URIs are relative to: the repository's root. */
    public static final String SOURCE_ROOT = "SRCROOT";

    /**
     * A file or directory the linter could not read.
     *
     * @param file    the path as given
     * @param message why, e.g. "cannot read: no such file"
     */
    public record Problem(String file, String message) {
        /**
         * Checks the problem.
         *
         * @throws NullPointerException if file or message is null
         */
        public Problem {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(message, "message");
        }

        /** {@return the line {@code file: error: message}} */
        public String toText() {
            return file + ": error: " + message;
        }
    }

    /** Output formats, as {@code --format} names them. */
    public enum Format {
        /** Compiler-style lines and a summary: {@link LintReport#toText()}. */
        TEXT,
        /** One JSON object: {@link LintReport#toJson()}. */
        JSON,
        /** SARIF 2.1.0 for code-scanning services: {@link LintReport#toSarif()}. */
        SARIF;

        /**
         * {@return the format a name names}
         *
         * @param name "text", "json" or "sarif", in any case
         * @throws IllegalArgumentException naming the bad value if it is none of these
         */
        public static Format parse(String name) {
            for (Format format : values()) {
                if (format.name().equalsIgnoreCase(name.strip())) {
                    return format;
                }
            }
            throw new IllegalArgumentException("unknown format '" + name + "': expected text, json or sarif");
        }
    }

    /** Copies the lists, so the report is immutable. */
    public LintReport {
        files = List.copyOf(files);
        findings = List.copyOf(findings);
        problems = List.copyOf(problems);
        verdicts = List.copyOf(verdicts);
    }

    /**
     * A report without the module's verdicts.
     *
     * @param files    the files linted, in order
     * @param findings the findings, file by file in that order, each file's in text order
     * @param problems files or directories that could not be read
     */
    public LintReport(List<String> files, List<Finding> findings, List<Problem> problems) {
        this(files, findings, problems, List.of());
    }

    /**
     * {@return how many findings have exactly this severity}
     *
     * @param severity the severity to count
     */
    public int count(Severity severity) {
        return (int) findings.stream().filter(finding -> finding.severity() == severity).count();
    }

    /**
     * {@link #EXIT_ERROR} if a file could not be read, else {@link #EXIT_FINDINGS}
     * if a finding is at least {@code failAt}, else {@link #EXIT_CLEAN}.
     *
     * @param failAt the least severity that fails
     * @return the exit status a command should return
     */
    public int exitStatus(Severity failAt) {
        Objects.requireNonNull(failAt, "failAt");
        if (!problems.isEmpty()) {
            return EXIT_ERROR;
        }
        return findings.stream().anyMatch(finding -> finding.severity().atLeast(failAt)) ? EXIT_FINDINGS : EXIT_CLEAN;
    }

    /**
     * {@return the report in {@code format}}
     *
     * @param format the output format
     */
    public String format(Format format) {
        return switch (format) {
            case TEXT -> toText();
            case JSON -> toJson();
            case SARIF -> toSarif();
        };
    }

    /**
     * One {@code file:line:col: severity: message [rule]} line per finding,
     * one {@code file: error: message} line per unreadable file, then a
     * summary line such as {@code 2 files: 1 error, 0 warnings, 3 infos}.
     *
     * @return the text, ending in a newline
     */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Finding finding : findings) {
            text.append(finding.toText()).append('\n');
        }
        for (Problem problem : problems) {
            text.append(problem.toText()).append('\n');
        }
        text.append(files.size()).append(files.size() == 1 ? " file: " : " files: ")
                .append(plural(count(Severity.ERROR), "error")).append(", ")
                .append(plural(count(Severity.WARNING), "warning")).append(", ")
                .append(plural(count(Severity.INFO), "info"));
        if (!problems.isEmpty()) {
            text.append(", ").append(problems.size()).append(" unreadable");
        }
        return text.append('\n').toString();
    }

    private static String plural(int count, String word) {
        return count + " " + word + (count == 1 ? "" : "s");
    }

    /**
     * JSON: {@code files}, {@code summary} (counts per severity),
     * {@code findings} (file, line, column, severity, rule, errno for module
     * rejections, message), {@code problems} (file, message) and
     * {@code verdicts}: per file, whether the module would accept it and, if
     * not, the errno, line, column and reason of the one rejection the module
     * stops at, and whether the live allowlist survives it.
     *
     * @return the JSON text
     */
    public String toJson() {
        JsonWriter json = new JsonWriter().beginObject();
        json.field("tool", TOOL_NAME);
        json.name("files").beginArray();
        files.forEach(json::value);
        json.endArray();
        json.name("summary").beginObject()
                .field("files", files.size())
                .field("error", count(Severity.ERROR))
                .field("warning", count(Severity.WARNING))
                .field("info", count(Severity.INFO))
                .field("problems", problems.size())
                .endObject();
        json.name("findings").beginArray();
        for (Finding finding : findings) {
            json.beginObject()
                    .field("file", finding.file())
                    .field("line", finding.line())
                    .field("column", finding.column())
                    .field("severity", finding.severity().label())
                    .field("rule", finding.rule().id());
            finding.rule().errno().ifPresent(errno -> json.field("errno", errno.name()));
            json.field("message", finding.message()).endObject();
        }
        json.endArray();
        json.name("problems").beginArray();
        for (Problem problem : problems) {
            json.beginObject().field("file", problem.file()).field("message", problem.message()).endObject();
        }
        json.endArray();
        json.name("verdicts").beginArray();
        for (ModuleVerdict verdict : verdicts) {
            json.beginObject().field("file", verdict.file());
            json.name("accepted").value(verdict.accepted());
            verdict.errno().ifPresent(errno -> {
                json.field("errno", errno.name());
                if (verdict.line() > 0) {
                    json.field("line", verdict.line()).field("column", verdict.column());
                }
                json.field("reason", verdict.reason());
                json.name("keepsPreviousAllowlist").value(verdict.keepsPreviousAllowlist());
            });
            json.endObject();
        }
        json.endArray();
        return json.endObject().text() + "\n";
    }

    /**
     * SARIF 2.1.0 for code-scanning services, with locations relative to the current
     * directory (run the linter from the repository's root): {@link #toSarif(Path)}.
     *
     * @return the SARIF JSON text
     */
    public String toSarif() {
        return toSarif(Path.of("").toAbsolutePath());
    }

    /**
     * SARIF 2.1.0 for code-scanning services: one run whose driver lists every
     * {@link Rule} with its help text and {@code helpUri} (so {@code ruleIndex} is
     * the rule's ordinal), every file linted as an artifact carrying the module's
     * verdict in its properties, one result per finding, and unreadable files as
     * tool execution notifications. A file under {@code root} is located relative
     * to it, through the {@code uriBaseId} {@value #SOURCE_ROOT} whose absolute URI
     * {@code originalUriBaseIds} gives, as code-scanning services expect; any other
     * file by its absolute {@code file:} URI. Columns are byte columns, which equal
     * the SARIF default (UTF-16 code units) for ASCII text.
     *
     * @param root the repository's root: what artifact URIs are relative to
     * @return the SARIF JSON text
     */
    public String toSarif(Path root) {
        Path base = root.toAbsolutePath().normalize();
        JsonWriter json = new JsonWriter().beginObject();
        json.field("$schema", SARIF_SCHEMA).field("version", "2.1.0");
        json.name("runs").beginArray().beginObject();
        json.name("tool").beginObject().name("driver").beginObject();
        json.field("name", TOOL_NAME);
        json.field("fullName", "msrsafe-java allowlist linter");
        String version = LintReport.class.getModule().getDescriptor() == null ? null
                : LintReport.class.getModule().getDescriptor().rawVersion().orElse(null);
        if (version != null) {
            json.field("version", version);
        }
        json.field("informationUri", RULES_HELP_URI);
        json.name("rules").beginArray();
        for (Rule rule : Rule.values()) {
            json.beginObject().field("id", rule.id()).field("name", ruleName(rule));
            json.name("shortDescription").beginObject().field("text", rule.title()).endObject();
            json.name("fullDescription").beginObject().field("text", rule.description()).endObject();
            json.name("help").beginObject()
                    .field("text", help(rule, false))
                    .field("markdown", help(rule, true))
                    .endObject();
            json.field("helpUri", RULES_HELP_URI);
            json.name("defaultConfiguration").beginObject().field("level", rule.severity().sarifLevel()).endObject();
            json.name("properties").beginObject();
            rule.errno().ifPresent(errno -> json.field("errno", errno.name()));
            json.name("tags").beginArray().value(rule.errno().isPresent() ? "module-rejects" : "module-accepts").endArray();
            json.endObject();
            json.endObject();
        }
        json.endArray().endObject().endObject();
        json.name("originalUriBaseIds").beginObject().name(SOURCE_ROOT).beginObject()
                .field("uri", directoryUri(base))
                .name("description").beginObject().field("text", "The repository's root.").endObject()
                .endObject().endObject();
        json.name("artifacts").beginArray();
        for (String file : files) {
            json.beginObject();
            artifactLocation(json, "location", file, base, -1);
            verdictOf(file).ifPresent(verdict -> {
                json.name("properties").beginObject();
                json.name("moduleAccepts").value(verdict.accepted());
                verdict.errno().ifPresent(errno -> {
                    json.field("moduleErrno", errno.name());
                    if (verdict.line() > 0) {
                        json.field("moduleLine", verdict.line()).field("moduleColumn", verdict.column());
                    }
                    json.field("moduleReason", verdict.reason());
                });
                json.endObject();
            });
            json.endObject();
        }
        json.endArray();
        json.name("invocations").beginArray().beginObject();
        json.name("executionSuccessful").value(problems.isEmpty());
        json.name("toolExecutionNotifications").beginArray();
        for (Problem problem : problems) {
            json.beginObject().field("level", "error");
            json.name("message").beginObject().field("text", problem.message()).endObject();
            json.name("locations").beginArray().beginObject().name("physicalLocation").beginObject();
            artifactLocation(json, "artifactLocation", problem.file(), base, -1);
            json.endObject().endObject().endArray();
            json.endObject();
        }
        json.endArray().endObject().endArray();
        json.name("results").beginArray();
        for (Finding finding : findings) {
            json.beginObject()
                    .field("ruleId", finding.rule().id())
                    .field("ruleIndex", finding.rule().ordinal())
                    .field("level", finding.severity().sarifLevel());
            json.name("message").beginObject().field("text", finding.message()).endObject();
            json.name("locations").beginArray().beginObject().name("physicalLocation").beginObject();
            artifactLocation(json, "artifactLocation", finding.file(), base, files.indexOf(finding.file()));
            json.name("region").beginObject()
                    .field("startLine", finding.line())
                    .field("startColumn", finding.column())
                    .endObject();
            json.endObject().endObject().endArray();
            json.endObject();
        }
        json.endArray();
        json.endObject().endArray();
        return json.endObject().text() + "\n";
    }

    private Optional<ModuleVerdict> verdictOf(String file) {
        return verdicts.stream().filter(verdict -> verdict.file().equals(file)).findFirst();
    }

    /** A rule's help: what it finds and why it matters, and where the table of rules is. */
    private static String help(Rule rule, boolean markdown) {
        String what = rule.errno().map(errno -> "The msr_safe module rejects the whole write with " + errno.name() + ". ")
                .orElse(rule.severity() == Severity.INFO ? "A note on style: the module accepts the text. "
                        : "The module accepts the text, but it is almost certainly not what was meant. ");
        String id = markdown ? "`" + rule.id() + "`" : rule.id();
        return rule.title() + " (" + id + "). " + what + rule.description()
                + (markdown ? " See [the rules](" + RULES_HELP_URI + ")." : " See " + RULES_HELP_URI + ".");
    }

    /** {@code "NAME": {artifactLocation}}: relative to the root with its uriBaseId, or an absolute file URI. */
    private static void artifactLocation(JsonWriter json, String name, String file, Path base, int index) {
        json.name(name).beginObject();
        String relative = relativeTo(file, base);
        if (relative != null) {
            json.field("uri", uri(relative)).field("uriBaseId", SOURCE_ROOT);
        } else {
            json.field("uri", uri(absolute(file)));
        }
        if (index >= 0) {
            json.field("index", index);
        }
        json.endObject();
    }

    /** The file's path relative to {@code base} with '/' separators, or null if it is not under it. */
    private static String relativeTo(String file, Path base) {
        try {
            Path path = Path.of(file).toAbsolutePath().normalize();
            if (!path.startsWith(base) || path.equals(base)) {
                return null;
            }
            return base.relativize(path).toString().replace(File.separatorChar, '/');
        } catch (InvalidPathException notAPath) {
            return null;
        }
    }

    private static String absolute(String file) {
        try {
            return Path.of(file).toAbsolutePath().normalize().toString();
        } catch (InvalidPathException notAPath) {
            return file;
        }
    }

    /** The absolute {@code file:} URI of a directory, ending in '/' as a base URI must. */
    private static String directoryUri(Path directory) {
        String uri = uri(directory.toString());
        return uri.endsWith("/") ? uri : uri + "/";
    }

    /** {@code einval-not-a-number} to {@code EinvalNotANumber}, the SARIF rule name. */
    private static String ruleName(Rule rule) {
        StringBuilder name = new StringBuilder();
        for (String part : rule.id().split("-")) {
            name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return name.toString();
    }

    /**
     * A SARIF artifact URI: a relative path stays relative with '/' separators
     * (code-scanning services resolve it against the repository root), an
     * absolute one becomes a file: URI. Bytes outside the URI path characters
     * are percent-encoded.
     */
    static String uri(String file) {
        String path = File.separatorChar == '\\' ? file.replace('\\', '/') : file;
        boolean absolute;
        try {
            absolute = Path.of(file).isAbsolute();
        } catch (InvalidPathException notAPath) {
            absolute = false;
        }
        StringBuilder uri = new StringBuilder(absolute ? "file://" : "");
        if (absolute && !path.startsWith("/")) {
            uri.append('/');
        }
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean plain = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~/!$&'()*+,;=:@".indexOf(c) >= 0);
            if (plain) {
                uri.append(c);
            } else {
                uri.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return uri.toString();
    }
}
