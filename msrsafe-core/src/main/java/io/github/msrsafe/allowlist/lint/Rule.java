package io.github.msrsafe.allowlist.lint;

import io.github.msrsafe.Errno;
import java.util.Optional;

/**
 * The linter's rules. The {@link #id()} of each is stable: reports, CI
 * configurations and suppressions may rely on it. Rules whose id starts with
 * an errno name are what the msr_safe module itself rejects, with that errno.
 */
public enum Rule {
    /** Allowlist larger than 128 KiB ({@code e2big-too-large}); an error: the module rejects the text with E2BIG. */
    E2BIG_TOO_LARGE("e2big-too-large", Severity.ERROR, Errno.E2BIG,
            "Allowlist larger than 128 KiB",
            "The module rejects a write of more than 131072 bytes with E2BIG. One write must hold the whole list"
                    + " (a second write replaces the first), so remove comments or entries."),
    /**
     * Missing final newline ({@code eilseq-missing-final-newline}); an error: the module rejects the text
     * with EILSEQ.
     */
    EILSEQ_MISSING_FINAL_NEWLINE("eilseq-missing-final-newline", Severity.ERROR, Errno.EILSEQ,
            "Missing final newline",
            "The last write mask runs into the end of the text. The module needs whitespace after every token"
                    + " and rejects the whole write with EILSEQ; end the file with a newline."),
    /**
     * Address without a write mask at the end ({@code eilseq-missing-write-mask}); an error: the module
     * rejects the text with EILSEQ.
     */
    EILSEQ_MISSING_WRITE_MASK("eilseq-missing-write-mask", Severity.ERROR, Errno.EILSEQ,
            "Address without a write mask at the end",
            "The text ends after an address, before its write mask: EILSEQ. Every entry is an address and a"
                    + " write mask (0 for read-only)."),
    /**
     * NUL byte right after a number ({@code eilseq-nul-in-token}); an error: the module rejects the text with
     * EILSEQ.
     */
    EILSEQ_NUL_IN_TOKEN("eilseq-nul-in-token", Severity.ERROR, Errno.EILSEQ,
            "NUL byte right after a number",
            "The module reads the text as a C string: the NUL byte ends it, so the number before it runs into"
                    + " the end of input (EILSEQ)."),
    /** Not a number ({@code einval-not-a-number}); an error: the module rejects the text with EINVAL. */
    EINVAL_NOT_A_NUMBER("einval-not-a-number", Severity.ERROR, Errno.EINVAL,
            "Not a number",
            "Each token is read by the kernel's kstrtoull(token, 0): an optional '+', then 0x/0X and hex"
                    + " digits, or a leading 0 and octal digits, or decimal digits, and nothing else: EINVAL."),
    /**
     * '#' glued to a number, or a comment between address and mask ({@code einval-glued-comment}); an error:
     * the module rejects the text with EINVAL.
     */
    EINVAL_GLUED_COMMENT("einval-glued-comment", Severity.ERROR, Errno.EINVAL,
            "'#' glued to a number, or a comment between address and mask",
            "A comment starts only where an entry could start. A '#' right after a number is part of the"
                    + " number (EINVAL); a comment after an address without a mask makes '#' the mask (EINVAL)."),
    /** Number above 2^64-1 ({@code erange-number-too-large}); an error: the module rejects the text with ERANGE. */
    ERANGE_NUMBER_TOO_LARGE("erange-number-too-large", Severity.ERROR, Errno.ERANGE,
            "Number above 2^64-1",
            "An address or write mask is larger than 0xFFFFFFFFFFFFFFFF: ERANGE."),
    /** No entries ({@code enomsg-no-entries}); an error: the module rejects the text with ENOMSG. */
    ENOMSG_NO_ENTRIES("enomsg-no-entries", Severity.ERROR, Errno.ENOMSG,
            "No entries",
            "The text holds only whitespace and comments: ENOMSG. To empty the allowlist write at most 2 bytes"
                    + " instead (echo > /dev/cpu/msr_allowlist)."),
    /**
     * Address listed twice ({@code enotuniq-duplicate-address}); an error: the module rejects the text with
     * ENOTUNIQ.
     */
    ENOTUNIQ_DUPLICATE_ADDRESS("enotuniq-duplicate-address", Severity.ERROR, Errno.ENOTUNIQ,
            "Address listed twice",
            "The same address appears twice (perhaps spelled differently, 0x10 and 16). The module finds it in"
                    + " its second pass, after discarding the previous allowlist: the write fails with ENOTUNIQ"
                    + " and leaves the live allowlist EMPTY."),
    /**
     * File of at most 2 bytes clears the allowlist ({@code clears-allowlist}); a warning: the module accepts
     * the text.
     */
    CLEARS_ALLOWLIST("clears-allowlist", Severity.WARNING, null,
            "File of at most 2 bytes clears the allowlist",
            "The module does not parse a write of at most 2 bytes: it empties the allowlist, whatever the bytes."),
    /** Address at or above 2^32 ({@code unreachable-address}); a warning: the module accepts the text. */
    UNREACHABLE_ADDRESS("unreachable-address", Severity.WARNING, null,
            "Address at or above 2^32",
            "The module stores 64-bit addresses, but MSR addresses are 32-bit and the per-CPU device truncates"
                    + " its offset to 32 bits: no access can ever reach this entry. A typo, or a value written"
                    + " in the address column?"),
    /** Write mask allows read-only bits ({@code writable-read-only-bits}); a warning: the module accepts the text. */
    WRITABLE_READ_ONLY_BITS("writable-read-only-bits", Severity.WARNING, null,
            "Write mask allows read-only bits",
            "The register catalog says no write can change these bits, so allowing them in the write mask has"
                    + " no use. The built-in catalog records the bits the manuals document as read-only; it does"
                    + " not record reserved bits, so they are not checked."),
    /** Leading 0 makes a number octal ({@code octal-number}); a warning: the module accepts the text. */
    OCTAL_NUMBER("octal-number", Severity.WARNING, null,
            "Leading 0 makes a number octal",
            "kstrtoull reads a number with a leading 0 as octal: 010 is 8, not 10 or 0x10. Write hex with 0x."),
    /**
     * Address and write mask on different lines ({@code entry-spans-lines}); a warning: the module accepts
     * the text.
     */
    ENTRY_SPANS_LINES("entry-spans-lines", Severity.WARNING, null,
            "Address and write mask on different lines",
            "Lines mean nothing to the module: a line with a single number takes the next line's first number"
                    + " as its write mask, and every entry after it is shifted."),
    /** More than one entry on a line ({@code several-entries-on-line}); a warning: the module accepts the text. */
    SEVERAL_ENTRIES_ON_LINE("several-entries-on-line", Severity.WARNING, null,
            "More than one entry on a line",
            "The module reads any number of entries per line; a third number on a line usually means a"
                    + " stray value that shifts the following entries."),
    /** Carriage return inside a comment ({@code comment-hides-text}); a warning: the module accepts the text. */
    COMMENT_HIDES_TEXT("comment-hides-text", Severity.WARNING, null,
            "Carriage return inside a comment",
            "A comment runs to the next \\n byte. Text after a lone \\r (old Mac line ends) is still in the"
                    + " comment, so the entries an editor shows there are never read."),
    /** Text after a NUL byte is ignored ({@code ignored-after-nul}); a warning: the module accepts the text. */
    IGNORED_AFTER_NUL("ignored-after-nul", Severity.WARNING, null,
            "Text after a NUL byte is ignored",
            "The module reads the text as a C string: everything after the first NUL byte is ignored."),
    /** Byte 0xA0 used as whitespace ({@code no-break-space}); a warning: the module accepts the text. */
    NO_BREAK_SPACE("no-break-space", Severity.WARNING, null,
            "Byte 0xA0 used as whitespace",
            "The kernel's isspace counts the byte 0xA0 (Latin-1 no-break space) as whitespace. It is"
                    + " invisible in most editors and, in UTF-8 text (C2 A0), leaves a stray byte in a number."),
    /** Entry not in canonical form ({@code non-canonical}); a note on style. */
    NON_CANONICAL("non-canonical", Severity.INFO, null,
            "Entry not in canonical form",
            "Canonical: one entry per line, 0x%08X address, one space, 0x%016X write mask (upper-case hex),"
                    + " then nothing or spaces and a # comment. It is what the module prints when read back.");

    private final String id;
    private final Severity severity;
    private final Errno errno;
    private final String title;
    private final String description;

    Rule(String id, Severity severity, Errno errno, String title, String description) {
        this.id = id;
        this.severity = severity;
        this.errno = errno;
        this.title = title;
        this.description = description;
    }

    /** {@return the stable id, e.g. {@code einval-not-a-number}} */
    public String id() {
        return id;
    }

    /** {@return the severity findings of this rule have} */
    public Severity severity() {
        return severity;
    }

    /** {@return the errno the module rejects the text with, for rules that are module rejections} */
    public Optional<Errno> errno() {
        return Optional.ofNullable(errno);
    }

    /** {@return a short title, e.g. "Missing final newline"} */
    public String title() {
        return title;
    }

    /** {@return what the rule finds and what to do, in a few sentences} */
    public String description() {
        return description;
    }

    /**
     * {@return the rule with this id}
     *
     * @param id a rule id, e.g. {@code octal-number}
     * @throws IllegalArgumentException naming the id if no rule has it
     */
    public static Rule byId(String id) {
        for (Rule rule : values()) {
            if (rule.id.equals(id)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("unknown allowlist lint rule '" + id + "'");
    }
}
