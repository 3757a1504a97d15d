/**
 * Not API. The module's first-pass allowlist scan, its {@code kstrtoull} and the words for its
 * rejections, shared by {@link io.github.msrsafe.allowlist.Allowlist} and the linter so that both
 * agree byte for byte with the kernel.
 */
package io.github.msrsafe.internal.allowlist;
