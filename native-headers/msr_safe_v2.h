/*
 * msr_safe_v2.h - the batch op of msr-safe 2.x (the development line that
 * reports version 2.0.4), as seen from user space on x86-64.
 *
 * 2.x keeps the ioctl number and struct msr_batch_array of msr_safe.h and
 * changes the op: 88 bytes instead of 32, with an op flag word, polling and
 * timestamps. Only the array's version field tells the module which layout it
 * is given: a 2.x module refuses a version whose major (bits 23:16) is not 2
 * with ENOPROTOOPT before it reads any op, and a 1.x module reads any batch as
 * 32-byte ops. Send 88-byte ops only with a version word of major 2, and only
 * to a module whose /dev/cpu/msr_safe_version says 2.x.
 *
 * The op gets its own name here so that a program can include both headers
 * and speak to either module; point msr_batch_array.ops at an array of
 * struct msr_batch_op_v2 with a cast.
 *
 * Written for msrsafe-java from the module's observed ABI; it needs nothing
 * beyond C11. The Java side of the same ABI is
 * io.github.msrsafe.internal.abi.MsrStructs.BATCH_OP_V2; a test compiles this
 * header and checks that both agree on every size and offset.
 */
#ifndef MSRSAFE_JAVA_MSR_SAFE_V2_H
#define MSRSAFE_JAVA_MSR_SAFE_V2_H

#include "msr_safe.h"

/* Bits of msr_batch_op_v2.op. The module checks none of them: any value,
 * 0 included, is accepted, and bits it does not act on do nothing. */
#define MSR_BATCH_OP_WRITE   0x0001u  /* write msrdata under the write mask */
#define MSR_BATCH_OP_READ    0x0002u  /* read the register into msrdata */
#define MSR_BATCH_OP_POLL    0x0004u  /* read, then re-read until it changes */
#define MSR_BATCH_OP_MPERF   0x0008u  /* after the op: IA32_MPERF into mperf */
#define MSR_BATCH_OP_APERF   0x0010u  /* after the op: IA32_APERF into aperf */
#define MSR_BATCH_OP_TSC     0x0020u  /* after the op: the TSC into tsc */
#define MSR_BATCH_OP_THERM   0x0040u  /* after the op: IA32_THERM_STATUS into therm */
#define MSR_BATCH_OP_PTHERM  0x0080u  /* after the op: IA32_PACKAGE_THERM_STATUS into ptherm */
/* Bits 8 to 13 are hints for the caller (which fields it means to take
 * differences of); the module ignores them. */
#define MSR_BATCH_OP_DELTA_HINTS 0x3F00u

/* The version word's major as a 2.x module compares it. */
#define MSR_SAFE_VERSION_MAJOR(word) ((((__u32)(word)) >> 16) & 0xFFu)

/* One register access of msr-safe 2.x: 88 bytes, 8-byte aligned, no padding. */
struct msr_batch_op_v2 {
	__u16 cpu;       /* in: the CPU that runs the access */
	__u16 op;        /* in: MSR_BATCH_OP_* bits */
	__s32 err;       /* out: 0, or a negative errno for this op */
	__u32 poll_max;  /* in: most poll attempts; out: the attempts left */
	__u32 msr;       /* in: the register address */
	__u64 wmask;     /* out: the allowlist's write mask for msr */
	__u64 msrdata;   /* in for a write (kept as given), out for a read or poll */
	__u64 msrdata2;  /* out: the changed value a poll saw */
	__u64 tsc;       /* out, with MSR_BATCH_OP_TSC */
	__u64 mperf;     /* out, with MSR_BATCH_OP_MPERF */
	__u64 aperf;     /* out, with MSR_BATCH_OP_APERF */
	__u64 therm;     /* out, with MSR_BATCH_OP_THERM */
	__u64 ptherm;    /* out, with MSR_BATCH_OP_PTHERM */
	__u64 tag;       /* in: the caller's; the module leaves it alone */
};

/* 4 MiB of ops per ioctl: 47,662 ops. More is E2BIG and, the first time
 * after a boot, a kernel allocation warning that taints the kernel. */
#define MSR_BATCH_MAX_OPS_V2 ((4u << 20) / sizeof(struct msr_batch_op_v2))

_Static_assert(sizeof(struct msr_batch_op_v2) == 88, "struct msr_batch_op_v2 is 88 bytes");

#endif /* MSRSAFE_JAVA_MSR_SAFE_V2_H */
