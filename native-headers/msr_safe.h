/*
 * msr_safe.h - the batch interface of the msr-safe kernel module, as seen
 * from user space on x86-64 (msr-safe 1.8.x).
 *
 * A batch is an array of struct msr_batch_op handed to the module in one
 * ioctl(X86_IOC_MSR_BATCH) on /dev/cpu/msr_batch, described by a struct
 * msr_batch_array. The module fills in err and wmask of every op (and msrdata
 * of reads) and copies the ops back, even when the ioctl fails.
 *
 * Written for msrsafe-java from the documented ABI. The Java side of the same
 * ABI is io.github.msrsafe.internal.abi.MsrStructs; a test compiles this
 * header and checks that both agree on every size, offset and the ioctl number.
 */
#ifndef MSRSAFE_JAVA_MSR_SAFE_H
#define MSRSAFE_JAVA_MSR_SAFE_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* One register access: 32 bytes, 8-byte aligned. */
struct msr_batch_op {
	__u16 cpu;      /* in: the CPU that runs the access */
	__u16 isrdmsr;  /* in: non-zero reads the register, zero writes it */
	__s32 err;      /* out: 0, or a negative errno for this op */
	__u32 msr;      /* in: the register address */
	/* the compiler inserts 4 bytes of padding here to align msrdata */
	__u64 msrdata;  /* in for a write, out for a read */
	__u64 wmask;    /* out: the allowlist's write mask for msr */
};

/* The ioctl argument: 16 bytes. */
struct msr_batch_array {
	__u32 numops;               /* in: number of ops, at least 1 */
	__u32 version;              /* in: (major << 16) | (minor << 8) | patch */
	struct msr_batch_op *ops;   /* in: the ops, read and written back */
};

/* Module version as carried in msr_batch_array.version; 1.8.0 is 0x00010800. */
#define MSR_SAFE_VERSION_U32(major, minor, patch) \
	((((__u32)(major)) << 16) | (((__u32)(minor)) << 8) | ((__u32)(patch)))

/* 0xC01063A2: read/write, type 'c', number 0xA2, size of msr_batch_array. */
#define X86_IOC_MSR_BATCH _IOWR('c', 0xA2, struct msr_batch_array)

#endif /* MSRSAFE_JAVA_MSR_SAFE_H */
