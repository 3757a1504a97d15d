/*
 * A stand-in for the msr-safe module behind ioctl(2), for NativeBatchTest.
 *
 * Built as a shared library that exports ioctl; the Java side binds the batch
 * device's ioctl to it through NativeDeviceFiles.open(root, lookup), so the
 * real downcall, the real struct layout (read here through
 * native-headers/msr_safe.h) and errno all take part. It answers
 * X86_IOC_MSR_BATCH the way docs/module-behaviour.md describes for a
 * small fixed machine, as msr-safe 1.8 (the default) or as 2.x
 * (msrsafe_double_set_module_version with a major of 2: 88-byte ops from
 * native-headers/msr_safe_v2.h, the version checked):
 *
 *   CPUs 0..3 exist, CPU 2 is offline.
 *   allowlist:  0x10  write mask 0 (read-only)
 *               0xE7  write mask all ones
 *               0x199 write mask 0xFFFF
 *               0x611 write mask 0, a counter: every rdmsr of it adds 1 afterwards
 *               0x620 write mask all ones, but rdmsr on it faults (EIO)
 *   every register starts at DOUBLE_INITIAL(cpu, msr); the 2.x timestamp
 *   registers that are not listed (0xE8, 0x19C, 0x1B1) always read as
 *   DOUBLE_INITIAL(cpu, msr).
 *
 * The msrsafe_double_* functions let the test see what happened.
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

#define NR_CPU_IDS 4
#define OFFLINE_CPU 2
#define FAULTING_MSR 0x620u
#define TICKING_MSR 0x611u
#define MAX_OPS ((4u << 20) / sizeof(struct msr_batch_op))
#define DOUBLE_INITIAL(cpu, msr) \
	((((uint64_t)(cpu) + 1) << 56) | ((uint64_t)(msr) << 24) | 0x5A5Au)

struct allowed { uint32_t msr; uint64_t wmask; };

static const struct allowed allowlist[] = {
	{ 0x10, 0 },
	{ 0xE7, ~(uint64_t)0 },
	{ 0x199, 0xFFFF },
	{ TICKING_MSR, 0 },
	{ FAULTING_MSR, ~(uint64_t)0 },
};
#define NR_ALLOWED (sizeof(allowlist) / sizeof(allowlist[0]))

static uint64_t registers[NR_CPU_IDS][NR_ALLOWED];
static int calls;
static int executed;
static unsigned last_version;
static unsigned last_numops;
static unsigned long last_request;
static unsigned module_version;

/* Runs when the library is loaded, and whenever a test wants a fresh machine. */
__attribute__((constructor)) EXPORT void msrsafe_double_reset(void)
{
	for (unsigned cpu = 0; cpu < NR_CPU_IDS; cpu++)
		for (unsigned i = 0; i < NR_ALLOWED; i++)
			registers[cpu][i] = DOUBLE_INITIAL(cpu, allowlist[i].msr);
	calls = 0;
	executed = 0;
	last_version = 0;
	last_numops = 0;
	last_request = 0;
	module_version = MSR_SAFE_VERSION_U32(1, 8, 0);
}

/* Which module the double plays from now on: major 1 is 1.8; 2 is 2.x; a later major refuses
 * every batch with ENOPROTOOPT, as a module whose layout nobody here knows. */
EXPORT void msrsafe_double_set_module_version(unsigned version) { module_version = version; }

/* ioctl calls seen since the last reset, whatever their outcome. */
EXPORT int msrsafe_double_calls(void) { return calls; }
/* ops that reached execution (step 5) since the last reset. */
EXPORT int msrsafe_double_executed(void) { return executed; }
EXPORT unsigned msrsafe_double_last_version(void) { return last_version; }
EXPORT unsigned msrsafe_double_last_numops(void) { return last_numops; }
EXPORT unsigned long msrsafe_double_last_request(void) { return last_request; }

static int allowed_index(uint32_t msr)
{
	for (unsigned i = 0; i < NR_ALLOWED; i++)
		if (allowlist[i].msr == msr)
			return (int)i;
	return -1;
}

/* The register as the machine holds it now; 0 for one not in the allowlist. */
EXPORT uint64_t msrsafe_double_register(unsigned cpu, unsigned msr)
{
	int i = allowed_index(msr);
	return cpu < NR_CPU_IDS && i >= 0 ? registers[cpu][i] : 0;
}

static int cpu_online(unsigned cpu)
{
	return cpu < NR_CPU_IDS && cpu != OFFLINE_CPU;
}

/* rdmsr: 0, or -EIO when the register faults. */
static int rdmsr(unsigned cpu, int index, uint64_t *value)
{
	if (allowlist[index].msr == FAULTING_MSR)
		return -EIO;
	*value = registers[cpu][index];
	if (allowlist[index].msr == TICKING_MSR)
		registers[cpu][index]++;
	return 0;
}

/* Step 4: the op's err, with wmask filled in for an allowlisted MSR. */
static int validate(struct msr_batch_op *op)
{
	if (!cpu_online(op->cpu))
		return -ENXIO;
	int index = allowed_index(op->msr);
	if (index < 0)
		return -EACCES;
	op->wmask = allowlist[index].wmask;
	if (!op->isrdmsr && op->wmask == 0)
		return -EROFS;
	return 0;
}

/* Step 5: one op on its CPU. */
static int execute(struct msr_batch_op *op)
{
	int index = allowed_index(op->msr);
	uint64_t old;
	executed++;
	if (rdmsr(op->cpu, index, &old) != 0)
		return -EIO;
	if (op->isrdmsr)
		op->msrdata = old;
	else
		registers[op->cpu][index] = (op->msrdata & op->wmask) | (old & ~op->wmask);
	return 0;
}

static int fail(int error)
{
	errno = error;
	return -1;
}

/* ---- msr-safe 2.x ---- */

/* A timestamp register: listed ones as the machine holds them, the others fixed. */
static uint64_t timestamp(unsigned cpu, uint32_t msr)
{
	int index = allowed_index(msr);
	uint64_t value = DOUBLE_INITIAL(cpu, msr);
	if (index >= 0)
		rdmsr(cpu, index, &value);
	return value;
}

static int validate_v2(struct msr_batch_op_v2 *op)
{
	if (!cpu_online(op->cpu))
		return -ENXIO;
	int index = allowed_index(op->msr);
	if (index < 0)
		return -EACCES;
	op->wmask = allowlist[index].wmask;
	if ((op->op & MSR_BATCH_OP_WRITE) && op->wmask == 0)
		return -EROFS;
	return 0;
}

/* The flags as 2.0.4 acts on them, none checked; see docs/module-behaviour.md. */
static int execute_v2(struct msr_batch_op_v2 *op)
{
	executed++;
	if (op->op & (MSR_BATCH_OP_READ | MSR_BATCH_OP_WRITE | MSR_BATCH_OP_POLL)) {
		int index = allowed_index(op->msr);
		uint64_t old;
		if (rdmsr(op->cpu, index, &old) != 0)
			return -EIO;  /* and no timestamps */
		if (op->op & (MSR_BATCH_OP_READ | MSR_BATCH_OP_POLL))
			op->msrdata = old;
		if (op->op & MSR_BATCH_OP_POLL) {
			while (op->poll_max > 0) {
				uint64_t now;
				op->poll_max--;
				if (rdmsr(op->cpu, index, &now) != 0)
					return -EIO;
				if (now != op->msrdata) {
					op->msrdata2 = now;
					break;
				}
			}
		}
		if (op->op & MSR_BATCH_OP_WRITE) {
			uint64_t current;
			if (rdmsr(op->cpu, index, &current) != 0)
				return -EIO;
			registers[op->cpu][index] = (op->msrdata & op->wmask) | (current & ~op->wmask);
		}
	}
	if (op->op & MSR_BATCH_OP_TSC)
		op->tsc = timestamp(op->cpu, 0x10);
	if (op->op & MSR_BATCH_OP_MPERF)
		op->mperf = timestamp(op->cpu, 0xE7);
	if (op->op & MSR_BATCH_OP_APERF)
		op->aperf = timestamp(op->cpu, 0xE8);
	if (op->op & MSR_BATCH_OP_THERM)
		op->therm = timestamp(op->cpu, 0x19C);
	if (op->op & MSR_BATCH_OP_PTHERM)
		op->ptherm = timestamp(op->cpu, 0x1B1);
	return 0;
}

/* After the version was found to match: the size, then as 1.8 with 88-byte ops. */
static int ioctl_v2(struct msr_batch_array array)
{
	if (array.numops > MSR_BATCH_MAX_OPS_V2)
		return fail(E2BIG);
	if (array.ops == NULL)
		return fail(EFAULT);
	size_t bytes = (size_t)array.numops * sizeof(struct msr_batch_op_v2);
	struct msr_batch_op_v2 *ops = malloc(bytes);
	if (ops == NULL)
		return fail(ENOMEM);
	memcpy(ops, array.ops, bytes);

	int last_invalid = 0;
	for (unsigned i = 0; i < array.numops; i++) {
		ops[i].err = 0;
		int err = validate_v2(&ops[i]);
		if (err != 0) {
			ops[i].err = err;
			last_invalid = err;
		}
	}
	int result = last_invalid;
	if (last_invalid == 0) {
		for (unsigned i = 0; i < array.numops; i++)
			ops[i].err = execute_v2(&ops[i]);
		for (unsigned i = 0; i < array.numops && result == 0; i++)
			result = ops[i].err;
	}
	memcpy(array.ops, ops, bytes);
	free(ops);
	return result == 0 ? 0 : fail(-result);
}

EXPORT int ioctl(int fd, unsigned long request, ...)
{
	va_list args;
	va_start(args, request);
	struct msr_batch_array *user_array = va_arg(args, struct msr_batch_array *);
	va_end(args);

	calls++;
	last_request = request;
	if (request != X86_IOC_MSR_BATCH)                          /* step 1 */
		return fail(ENOTTY);
	int mode = fcntl(fd, F_GETFL);                              /* step 2 */
	if (mode == -1 || (mode & O_ACCMODE) == O_WRONLY)
		return fail(EBADF);
	if (user_array == NULL)                                     /* step 3 */
		return fail(EFAULT);
	struct msr_batch_array array = *user_array;
	last_version = array.version;
	last_numops = array.numops;
	if (array.numops == 0)
		return fail(EINVAL);
	/* From 2.0 on the module checks the major; the double knows no layout beyond 2.x's. */
	unsigned module_major = MSR_SAFE_VERSION_MAJOR(module_version);
	if (module_major >= 2) {
		if (MSR_SAFE_VERSION_MAJOR(array.version) != module_major || module_major != 2)
			return fail(ENOPROTOOPT);
		return ioctl_v2(array);
	}
	if (array.numops > MAX_OPS)
		return fail(E2BIG);
	if (array.ops == NULL)
		return fail(EFAULT);

	/* Work on a private copy, as the module does, and always copy it back. */
	size_t bytes = (size_t)array.numops * sizeof(struct msr_batch_op);
	struct msr_batch_op *ops = malloc(bytes);
	if (ops == NULL)
		return fail(ENOMEM);
	memcpy(ops, array.ops, bytes);

	int last_invalid = 0;                                       /* step 4 */
	for (unsigned i = 0; i < array.numops; i++) {
		ops[i].err = 0;
		int err = validate(&ops[i]);
		if (err != 0) {
			ops[i].err = err;
			last_invalid = err;
		}
	}
	int result = last_invalid;
	if (last_invalid == 0) {
		/* step 5: every op runs; array order is each CPU's order */
		for (unsigned i = 0; i < array.numops; i++)
			ops[i].err = execute(&ops[i]);
		for (unsigned i = 0; i < array.numops && result == 0; i++)  /* step 6 */
			result = ops[i].err;
	}
	memcpy(array.ops, ops, bytes);
	free(ops);
	return result == 0 ? 0 : fail(-result);
}
