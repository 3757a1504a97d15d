/**
 * Not API. The msr_safe batch ABI, declared once: the {@code struct msr_batch_op} and
 * {@code struct msr_batch_array} layouts, VarHandles on their fields and the
 * {@code X86_IOC_MSR_BATCH} request number. native-headers/msr_safe.h is the C side of the same
 * ABI; the tests compare the two.
 */
package io.github.msrsafe.internal.abi;
