/**
 * Saving and restoring a node's MSR state, compatible with msr-safe's msrsave
 * tool: {@link io.github.msrsafe.save.MsrState} saves and restores through the
 * batch device, {@link io.github.msrsafe.save.MsrSnapshot} reads and writes
 * msrsave's raw file byte for byte and a self-describing text form that cannot
 * be applied under the wrong allowlist. See docs/save-restore.md.
 */
package io.github.msrsafe.save;
