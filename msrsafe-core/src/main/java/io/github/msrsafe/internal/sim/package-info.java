/**
 * Not API. msr_safe 1.8 in process: the four device files with the module's system-call
 * behaviour over simulated registers; {@link io.github.msrsafe.SimulatedDevice} is its public face.
 */
package io.github.msrsafe.internal.sim;
