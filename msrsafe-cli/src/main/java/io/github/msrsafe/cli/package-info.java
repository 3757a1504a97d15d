/**
 * The {@code msrsafe} command: rdmsr/wrmsr-style reads and writes, batches, allowlist lint,
 * select, install and show, the module version, the CPUs and a latency demo, over msr_safe, the
 * stock msr driver or the simulated device. Not an API: the package is not exported. The command
 * runs as {@code java -m io.github.msrsafe.cli} ({@link io.github.msrsafe.cli.Main}) or in-process
 * as the {@link java.util.spi.ToolProvider} named "msrsafe" ({@link io.github.msrsafe.cli.MsrSafeTool});
 * its exit statuses are part of its interface (docs/cli.md).
 */
package io.github.msrsafe.cli;
