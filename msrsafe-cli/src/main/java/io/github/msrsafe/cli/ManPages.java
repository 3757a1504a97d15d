package io.github.msrsafe.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man pages, in troff (man(7)), one per command, made from the commands themselves:
 * NAME, SYNOPSIS, DESCRIPTION, OPTIONS and ARGUMENTS from the picocli model, COMMANDS for a
 * command that has some, EXIT STATUS from {@link CommandTree} (each command's own), and
 * ENVIRONMENT, FILES, EXAMPLES and SEE ALSO from {@link ManPageSections}.
 *
 * <p>The build writes them into the distribution; docs/man holds the same pages, kept
 * current by ManPagesTest. {@code java -m io.github.msrsafe.cli/io.github.msrsafe.cli.ManPages DIR}
 * writes them into DIR.
 */
public final class ManPages {

    private ManPages() {}

    /**
     * Writes every page into a directory.
     *
     * @param args the directory (created if missing)
     * @throws IOException if a page cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages DIRECTORY");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        Files.createDirectories(directory);
        for (Map.Entry<String, String> page : pages().entrySet()) {
            Files.writeString(directory.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
        }
    }

    /** {@return every page by file name (msrsafe-allowlist-lint.1), in name order} */
    static Map<String, String> pages() {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        CommandLine root = MsrSafeTool.commandLine(new ByteArrayInputStream(new byte[0]), MsrSafeCommand::standardSimulator,
                nowhere, nowhere);
        Map<String, String> pages = new TreeMap<>();
        for (CommandLine command : MsrSafeTool.allCommands(root)) {
            pages.put(pageName(command.getCommandSpec()) + ".1", page(command));
        }
        return pages;
    }

    /** "msrsafe-allowlist-lint" for {@code msrsafe allowlist lint}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static String page(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        String name = pageName(spec);
        String qualified = spec.qualifiedName(" ");
        CommandTree.Node node = CommandTree.node(command).orElseThrow(() -> new IllegalStateException("not in CommandTree: " + qualified));
        ManPageSections.Sections extra = ManPageSections.of(qualified);
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println(".\\\" " + name + "(1): generated from the msrsafe commands by ManPages; do not edit.");
        out.println(".TH \"" + name.toUpperCase(Locale.ROOT) + "\" 1 \"\" \"msrsafe " + escapeQuoted(VersionCommand.toolVersion())
                + "\" \"msrsafe Manual\"");
        out.println(".SH NAME");
        out.println(escape(name) + " \\- " + escape(header(spec)));

        out.println(".SH SYNOPSIS");
        out.println(".nf");
        String synopsis = command.getHelp().synopsis(0).stripTrailing();
        String synopsisText = escape(synopsis);
        String commandName = escape(qualified);
        out.println(synopsisText.startsWith(commandName)
                ? "\\fB" + commandName + "\\fR" + synopsisText.substring(commandName.length()) : synopsisText);
        out.println(".fi");

        out.println(".SH DESCRIPTION");
        paragraphs(out, List.of(spec.usageMessage().description()));

        List<OptionSpec> options = spec.options().stream().filter(option -> !option.hidden()).toList();
        if (!options.isEmpty()) {
            out.println(".SH OPTIONS");
            for (OptionSpec option : options) {
                out.println(".TP");
                StringBuilder names = new StringBuilder();
                for (String optionName : option.names()) {
                    names.append(names.isEmpty() ? "" : ", ").append("\\fB").append(escape(optionName)).append("\\fR");
                }
                if (option.arity().max() > 0) {
                    names.append("=\\fI").append(escape(option.paramLabel())).append("\\fR");
                }
                out.println(names);
                out.println(escape(description(option)));
            }
        }
        List<PositionalParamSpec> parameters = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!parameters.isEmpty()) {
            out.println(".SH ARGUMENTS");
            for (PositionalParamSpec parameter : parameters) {
                out.println(".TP");
                out.println("\\fI" + escape(parameter.paramLabel()) + "\\fR" + (parameter.arity().max() > 1 ? "..." : ""));
                out.println(escape(description(parameter)));
            }
        }
        if (!command.getSubcommands().isEmpty()) {
            out.println(".SH COMMANDS");
            for (CommandLine sub : command.getSubcommands().values()) {
                out.println(".TP");
                out.println("\\fB" + escape(sub.getCommandName()) + "\\fR");
                out.println(escape(header(sub.getCommandSpec())) + " See \\fB" + escape(pageName(sub.getCommandSpec()))
                        + "\\fR(1).");
            }
        }

        out.println(".SH EXIT STATUS");
        for (ExitCode code : node.statuses()) {
            out.println(".TP");
            out.println("\\fB" + code.status() + "\\fR");
            out.println(escape(code.meaning()));
        }

        out.println(".SH ENVIRONMENT");
        for (ManPageSections.Entry entry : extra.environment()) {
            out.println(".TP");
            out.println("\\fB" + escape(entry.name()) + "\\fR");
            out.println(escape(entry.text()));
        }
        if (!extra.files().isEmpty()) {
            out.println(".SH FILES");
            for (ManPageSections.Entry entry : extra.files()) {
                out.println(".TP");
                out.println("\\fI" + escape(entry.name()) + "\\fR");
                out.println(escape(entry.text()));
            }
        }
        if (!extra.examples().isEmpty()) {
            out.println(".SH EXAMPLES");
            for (ManPageSections.Example example : extra.examples()) {
                out.println(".PP");
                out.println(escape(example.text()));
                out.println(".PP");
                out.println(".RS 4");
                out.println(".nf");
                out.println("\\fB$ " + escape(example.commandLine()) + "\\fR");
                out.println(".fi");
                out.println(".RE");
            }
        }

        out.println(".SH SEE ALSO");
        List<String> seeAlso = new ArrayList<>();
        if (spec.parent() != null) {
            seeAlso.add(pageName(spec.parent()));
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            seeAlso.add(pageName(sub.getCommandSpec()));
        }
        StringBuilder references = new StringBuilder();
        for (String reference : seeAlso) {
            references.append("\\fB").append(escape(reference)).append("\\fR(1), ");
        }
        for (String reference : extra.seeAlso()) {
            references.append(escape(reference)).append(", ");
        }
        out.println(references.substring(0, references.length() - 2));
        out.println(".PP");
        out.println("The msrsafe-java documentation: README.md and docs/cli.md of the project, or share/doc/msrsafe in"
                + " the distribution.");
        out.flush();
        return text.toString();
    }

    private static String header(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length == 0 ? "" : format(String.join(" ", header));
    }

    /** An option's or parameter's description, variables interpolated and format specifiers applied as in --help. */
    private static String description(ArgSpec arg) {
        return format(String.join(" ", arg.description()));
    }

    /** picocli help texts are format strings: %n is a line break, %% a percent sign. */
    private static String format(String text) {
        return text.replace("%n", " ").replace("%%", "%");
    }

    /**
     * The description as troff paragraphs: consecutive lines are one paragraph, an empty line
     * starts the next, and indented lines are shown as they are (commands to type).
     */
    private static void paragraphs(PrintWriter out, List<String> lines) {
        boolean literal = false;
        boolean first = true;
        StringBuilder paragraph = new StringBuilder();
        for (String raw : lines) {
            String line = format(raw);
            boolean indented = line.startsWith("  ");
            if (line.isBlank()) {
                flush(out, paragraph);
                if (literal) {
                    out.println(".fi");
                    out.println(".RE");
                    literal = false;
                }
                continue;
            }
            if (indented != literal) {
                flush(out, paragraph);
                if (indented) {
                    out.println(".PP");
                    out.println(".RS 4");
                    out.println(".nf");
                } else {
                    out.println(".fi");
                    out.println(".RE");
                }
                literal = indented;
            }
            if (literal) {
                out.println(escape(line.strip()));
            } else {
                if (paragraph.isEmpty() && !first) {
                    paragraph.append(".PP\n");
                }
                first = false;
                paragraph.append(escape(line.strip())).append('\n');
            }
        }
        flush(out, paragraph);
        if (literal) {
            out.println(".fi");
            out.println(".RE");
        }
    }

    private static void flush(PrintWriter out, StringBuilder paragraph) {
        if (!paragraph.isEmpty()) {
            out.print(paragraph);
            paragraph.setLength(0);
        }
    }

    /**
     * Text for a troff line: backslashes escaped, hyphens as minus signs (so that options copy
     * as typed), and a leading dot or quote kept from being read as a request.
     */
    static String escape(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        if (escaped.startsWith(".") || escaped.startsWith("'")) {
            escaped = "\\&" + escaped;
        }
        return escaped.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'");
    }

    private static String escapeQuoted(String text) {
        return escape(text).replace("\"", "\\(dq");
    }
}
