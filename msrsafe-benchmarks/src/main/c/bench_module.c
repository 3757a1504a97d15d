/*
 * bench_module.c - a stand-in for the msr-safe module behind ioctl(2), sized
 * for the benchmarks: any number of CPUs (all online) and any set of
 * registers, every one allowlisted with an all-ones write mask, values given
 * by the benchmark so that they match its sparse per-CPU files.
 *
 * Built as a shared library that exports ioctl (see NativeBuild.java); the
 * library's LibC binds its one ioctl handle to it when the test-only property
 * msrsafe.test.ioctlLibrary names it (BenchModule.java sets it), as the native
 * tests do with their own, fixed 4-CPU double (msrsafe-core/src/test/c/ioctl_double.c).
 *
 * It follows the module's order of checks (docs/module-behaviour.md), as
 * msr-safe 1.8 or, after msrsafe_bench_module_set_version with a major of 2,
 * as 2.x: 88-byte ops (native-headers/msr_safe_v2.h), the version's major
 * checked (ENOPROTOOPT), 47,662 ops at most; reads and writes only, since the
 * benchmarks time neither polls nor timestamps.
 * Each call makes exactly one real system call, fcntl(F_GETFL) for step 2, so
 * a batch costs one kernel entry as the real ioctl does; the registers live in
 * memory, so what it does not model is the module's per-CPU IPIs and rdmsr.
 * Not thread-safe: the benchmarks drive it from one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msr_safe.h"
#include "msr_safe_v2.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_OPS ((4u << 20) / sizeof(struct msr_batch_op))

static uint32_t nr_cpus;
static uint32_t nr_registers;
static uint32_t *addresses;   /* ascending */
static uint64_t *registers;   /* [cpu * nr_registers + index] */
static struct msr_batch_op *copy;      /* the module's private copy of the ops, */
static size_t copy_capacity;           /* kept between calls instead of a malloc per call */
static struct msr_batch_op_v2 *copy_v2; /* the same for 2.x */
static size_t copy_v2_capacity;
static uint32_t module_version = MSR_SAFE_VERSION_U32(1, 8, 0);

/* Plays msr-safe `version` from now on: major 2 is 2.x, any other 1.8. */
EXPORT void msrsafe_bench_module_set_version(uint32_t version)
{
	module_version = version;
}

/*
 * Sets up the machine: `cpus` CPUs, registers at `count` ascending `msrs`, CPU c's
 * register i holding values[c * count + i]. Returns 0, -EINVAL or -ENOMEM.
 */
EXPORT int msrsafe_bench_module_configure(uint32_t cpus, uint32_t count, const uint32_t *msrs,
					  const uint64_t *values)
{
	if (cpus == 0 || cpus > 65536 || count == 0)
		return -EINVAL;
	for (uint32_t i = 1; i < count; i++)
		if (msrs[i] <= msrs[i - 1])
			return -EINVAL;
	uint32_t *new_addresses = malloc(count * sizeof *new_addresses);
	uint64_t *new_registers = malloc((size_t)cpus * count * sizeof *new_registers);
	if (new_addresses == NULL || new_registers == NULL) {
		free(new_addresses);
		free(new_registers);
		return -ENOMEM;
	}
	memcpy(new_addresses, msrs, count * sizeof *new_addresses);
	memcpy(new_registers, values, (size_t)cpus * count * sizeof *new_registers);
	free(addresses);
	free(registers);
	addresses = new_addresses;
	registers = new_registers;
	nr_cpus = cpus;
	nr_registers = count;
	return 0;
}

static int register_index(uint32_t msr)
{
	uint32_t low = 0, high = nr_registers;
	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		if (addresses[middle] < msr)
			low = middle + 1;
		else
			high = middle;
	}
	return low < nr_registers && addresses[low] == msr ? (int)low : -1;
}

/* The register as the machine holds it now; 0 for one it does not have. */
EXPORT uint64_t msrsafe_bench_module_register(uint32_t cpu, uint32_t msr)
{
	int index = register_index(msr);
	return cpu < nr_cpus && index >= 0 ? registers[(size_t)cpu * nr_registers + index] : 0;
}

static int fail(int error)
{
	errno = error;
	return -1;
}

/* Step 4 for one op of either layout: its err, and the write mask of a listed register. */
static int validate(__u16 cpu, __u32 msr, __u64 *wmask)
{
	if (cpu >= nr_cpus)
		return -ENXIO;
	if (register_index(msr) < 0)
		return -EACCES;
	*wmask = ~(__u64)0;                                         /* every register: all bits writable */
	return 0;
}

/* The 2.x module once numops is known not to be 0: version, size, then as 1.8 with 88-byte ops. */
static int ioctl_v2(struct msr_batch_array array)
{
	if (MSR_SAFE_VERSION_MAJOR(array.version) != 2)
		return fail(ENOPROTOOPT);
	if (array.numops > MSR_BATCH_MAX_OPS_V2)
		return fail(E2BIG);
	if (array.ops == NULL)
		return fail(EFAULT);
	if (array.numops > copy_v2_capacity) {
		struct msr_batch_op_v2 *grown = realloc(copy_v2, array.numops * sizeof *copy_v2);
		if (grown == NULL)
			return fail(ENOMEM);
		copy_v2 = grown;
		copy_v2_capacity = array.numops;
	}
	size_t bytes = (size_t)array.numops * sizeof *copy_v2;
	memcpy(copy_v2, array.ops, bytes);

	int last_invalid = 0;
	for (uint32_t i = 0; i < array.numops; i++) {
		struct msr_batch_op_v2 *op = &copy_v2[i];
		op->err = validate(op->cpu, op->msr, &op->wmask);
		if (op->err != 0)
			last_invalid = op->err;
	}
	if (last_invalid == 0) {
		for (uint32_t i = 0; i < array.numops; i++) {
			struct msr_batch_op_v2 *op = &copy_v2[i];
			uint64_t *value = &registers[(size_t)op->cpu * nr_registers + register_index(op->msr)];
			if (op->op & MSR_BATCH_OP_READ)
				op->msrdata = *value;
			else if (op->op & MSR_BATCH_OP_WRITE)
				*value = (op->msrdata & op->wmask) | (*value & ~op->wmask);
		}
	}
	memcpy(array.ops, copy_v2, bytes);
	return last_invalid == 0 ? 0 : fail(-last_invalid);
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
	va_list args;
	va_start(args, request);
	struct msr_batch_array *user_array = va_arg(args, struct msr_batch_array *);
	va_end(args);

	if (request != X86_IOC_MSR_BATCH)                           /* step 1 */
		return fail(ENOTTY);
	int mode = fcntl(fd, F_GETFL);                              /* step 2 */
	if (mode == -1 || (mode & O_ACCMODE) == O_WRONLY)
		return fail(EBADF);
	if (user_array == NULL)                                     /* step 3 */
		return fail(EFAULT);
	struct msr_batch_array array = *user_array;
	if (array.numops == 0)
		return fail(EINVAL);
	if (MSR_SAFE_VERSION_MAJOR(module_version) == 2)
		return ioctl_v2(array);
	if (array.numops > MAX_OPS)
		return fail(E2BIG);
	if (array.ops == NULL)
		return fail(EFAULT);
	if (array.numops > copy_capacity) {
		struct msr_batch_op *grown = realloc(copy, array.numops * sizeof *copy);
		if (grown == NULL)
			return fail(ENOMEM);
		copy = grown;
		copy_capacity = array.numops;
	}
	size_t bytes = (size_t)array.numops * sizeof *copy;
	memcpy(copy, array.ops, bytes);

	int last_invalid = 0;                                       /* step 4 */
	for (uint32_t i = 0; i < array.numops; i++) {
		struct msr_batch_op *op = &copy[i];
		op->err = validate(op->cpu, op->msr, &op->wmask);
		if (op->err != 0)
			last_invalid = op->err;
	}
	if (last_invalid == 0) {                                    /* step 5 */
		for (uint32_t i = 0; i < array.numops; i++) {
			struct msr_batch_op *op = &copy[i];
			uint64_t *value = &registers[(size_t)op->cpu * nr_registers + register_index(op->msr)];
			if (op->isrdmsr)
				op->msrdata = *value;
			else
				*value = (op->msrdata & op->wmask) | (*value & ~op->wmask);
		}
	}
	memcpy(array.ops, copy, bytes);                             /* step 6: always copied back */
	return last_invalid == 0 ? 0 : fail(-last_invalid);
}
