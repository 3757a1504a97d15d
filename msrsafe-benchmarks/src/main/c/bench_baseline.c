/*
 * bench_baseline.c - the C side of the FFM-against-C benchmarks.
 *
 * Each function makes the same system calls as msrsafe-java does for one
 * benchmark case, `iterations` times in a plain C loop, so that a single FFM
 * call from the benchmark measures C's cost per iteration with the one
 * downcall spread over all of them. Built with gcc -O2 by the benchmarks at
 * setup (see NativeBuild.java).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "msr_safe.h"

/* ioctl as the library binds it: the C library's, or a test double with the same signature. */
typedef int (*ioctl_function)(int fd, unsigned long request, ...);

/*
 * pread(2)s 8 bytes at offset `msr` of `fd`, `iterations` times, as
 * MsrSafe.read does on /dev/cpu/N/msr_safe. Stores the XOR of the values read
 * in *sink (so the compiler keeps every read) and returns 0, or -errno of the
 * first failed read, or -EIO for a short read.
 */
int msrsafe_bench_pread_loop(int fd, uint64_t msr, int iterations, uint64_t *sink)
{
	uint64_t folded = 0;
	for (int i = 0; i < iterations; i++) {
		uint64_t value;
		ssize_t got = pread(fd, &value, sizeof value, (off_t)msr);
		if (got != (ssize_t)sizeof value)
			return got < 0 ? -errno : -EIO;
		folded ^= value;
	}
	*sink = folded;
	return 0;
}

/*
 * Per iteration, as a Java loop of MsrBatch.clear(), addRead() for each op,
 * execute() and value() for each op does: fills `numops` read ops (op i reads
 * msrs[i] on cpus[i]), issues one X86_IOC_MSR_BATCH ioctl through `ioctl_call`
 * on `fd`, and folds every value read into *sink. Returns 0, or the ioctl's
 * -errno, or -ENOMEM.
 */
int msrsafe_bench_batch_read_loop(ioctl_function ioctl_call, int fd, const uint16_t *cpus,
				  const uint32_t *msrs, uint32_t numops, uint32_t version,
				  int iterations, uint64_t *sink)
{
	struct msr_batch_op *ops = calloc(numops, sizeof *ops);
	if (ops == NULL)
		return -ENOMEM;
	uint64_t folded = 0;
	int result = 0;
	for (int i = 0; i < iterations && result == 0; i++) {
		for (uint32_t op = 0; op < numops; op++) {
			ops[op].cpu = cpus[op];
			ops[op].isrdmsr = 1;
			ops[op].err = 0;
			ops[op].msr = msrs[op];
			ops[op].msrdata = 0;
			ops[op].wmask = 0;
		}
		struct msr_batch_array batch = { .numops = numops, .version = version, .ops = ops };
		if (ioctl_call(fd, X86_IOC_MSR_BATCH, &batch) != 0) {
			result = -errno;
			break;
		}
		for (uint32_t op = 0; op < numops; op++)
			folded ^= ops[op].msrdata;
	}
	free(ops);
	*sink = folded;
	return result;
}
