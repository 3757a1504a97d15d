/**
 * The telemetry's Java Flight Recorder events. The only package that uses jdk.jfr, which the
 * module requires statically: nothing here is loaded unless a sampler is built with
 * {@code jfrEvents()}, so the library runs without jdk.jfr in the module graph.
 */
package io.github.msrsafe.internal.jfr;
