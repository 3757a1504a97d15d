/*
 * Prints the batch ABIs as the C compiler lays them out from native-headers/msr_safe.h
 * (1.x) and msr_safe_v2.h (2.x), one "key value" line each, for NativeAbiTest to
 * compare with MsrStructs.
 *   struct.<name>.size / .align, field.<struct>.<field>.offset / .size,
 *   ioctl.X86_IOC_MSR_BATCH, const.<name>
 */
#include <stddef.h>
#include <stdio.h>
#include "msr_safe.h"
#include "msr_safe_v2.h"

#define STRUCT(s) \
	printf("struct.%s.size %zu\nstruct.%s.align %zu\n", #s, sizeof(struct s), #s, _Alignof(struct s))
#define FIELD(s, f) \
	printf("field.%s.%s.offset %zu\nfield.%s.%s.size %zu\n", \
	       #s, #f, offsetof(struct s, f), #s, #f, sizeof(((struct s *)0)->f))

#define CONST(c) printf("const.%s %lu\n", #c, (unsigned long)(c))

int main(void)
{
	STRUCT(msr_batch_op);
	FIELD(msr_batch_op, cpu);
	FIELD(msr_batch_op, isrdmsr);
	FIELD(msr_batch_op, err);
	FIELD(msr_batch_op, msr);
	FIELD(msr_batch_op, msrdata);
	FIELD(msr_batch_op, wmask);

	STRUCT(msr_batch_op_v2);
	FIELD(msr_batch_op_v2, cpu);
	FIELD(msr_batch_op_v2, op);
	FIELD(msr_batch_op_v2, err);
	FIELD(msr_batch_op_v2, poll_max);
	FIELD(msr_batch_op_v2, msr);
	FIELD(msr_batch_op_v2, wmask);
	FIELD(msr_batch_op_v2, msrdata);
	FIELD(msr_batch_op_v2, msrdata2);
	FIELD(msr_batch_op_v2, tsc);
	FIELD(msr_batch_op_v2, mperf);
	FIELD(msr_batch_op_v2, aperf);
	FIELD(msr_batch_op_v2, therm);
	FIELD(msr_batch_op_v2, ptherm);
	FIELD(msr_batch_op_v2, tag);

	STRUCT(msr_batch_array);
	FIELD(msr_batch_array, numops);
	FIELD(msr_batch_array, version);
	FIELD(msr_batch_array, ops);

	printf("ioctl.X86_IOC_MSR_BATCH %lu\n", (unsigned long)X86_IOC_MSR_BATCH);
	CONST(MSR_BATCH_MAX_OPS_V2);
	CONST(MSR_BATCH_OP_WRITE);
	CONST(MSR_BATCH_OP_READ);
	CONST(MSR_BATCH_OP_POLL);
	CONST(MSR_BATCH_OP_MPERF);
	CONST(MSR_BATCH_OP_APERF);
	CONST(MSR_BATCH_OP_TSC);
	CONST(MSR_BATCH_OP_THERM);
	CONST(MSR_BATCH_OP_PTHERM);
	CONST(MSR_BATCH_OP_DELTA_HINTS);
	printf("const.MSR_SAFE_VERSION_U32_2_0_4 %lu\n", (unsigned long)MSR_SAFE_VERSION_U32(2, 0, 4));
	printf("const.MSR_SAFE_VERSION_MAJOR_2_0_4 %lu\n",
	       (unsigned long)MSR_SAFE_VERSION_MAJOR(MSR_SAFE_VERSION_U32(2, 0, 4)));
	return 0;
}
