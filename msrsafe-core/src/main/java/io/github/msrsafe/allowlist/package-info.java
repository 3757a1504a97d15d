/**
 * msr_safe allowlists: the kernel-exact parser and formatter ({@link io.github.msrsafe.allowlist.Allowlist}),
 * entries ({@link io.github.msrsafe.allowlist.AllowlistEntry}) and the exception that says where and why
 * the module would reject a text ({@link io.github.msrsafe.allowlist.AllowlistException}).
 *
 * <p>{@link io.github.msrsafe.allowlist.Allowlist#parse(byte[], String)} accepts exactly what the module
 * accepts and rejects everything else with the module's errno, the line, the column and the token, so
 * a mistake is found before it reaches /dev/cpu/msr_allowlist, where a duplicate address would leave
 * the live allowlist empty.
 * {@snippet lang=java :
 * Allowlist allowlist = Allowlist.load(Path.of("allowlists/al_06_8F"));
 * allowlist.writeMask(0x199).ifPresent(mask -> System.out.printf("IA32_PERF_CTL: 0x%X%n", mask));
 * try (MsrSafe msr = MsrSafe.open()) {
 *     msr.installAllowlist(allowlist);                   // needs the msr-admin group
 * }
 * }
 *
 * @see io.github.msrsafe.allowlist.lint
 */
package io.github.msrsafe.allowlist;
