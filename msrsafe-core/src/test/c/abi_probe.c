/*
 * Prints the batch ABI as the C compiler lays it out from native-headers/msr_safe.h,
 * one "key value" line each, for NativeAbiTest to compare with MsrStructs.
 *   struct.<name>.size / .align, field.<struct>.<field>.offset / .size, ioctl.X86_IOC_MSR_BATCH
 */
#include <stddef.h>
#include <stdio.h>
#include "msr_safe.h"

#define STRUCT(s) \
	printf("struct.%s.size %zu\nstruct.%s.align %zu\n", #s, sizeof(struct s), #s, _Alignof(struct s))
#define FIELD(s, f) \
	printf("field.%s.%s.offset %zu\nfield.%s.%s.size %zu\n", \
	       #s, #f, offsetof(struct s, f), #s, #f, sizeof(((struct s *)0)->f))

int main(void)
{
	STRUCT(msr_batch_op);
	FIELD(msr_batch_op, cpu);
	FIELD(msr_batch_op, isrdmsr);
	FIELD(msr_batch_op, err);
	FIELD(msr_batch_op, msr);
	FIELD(msr_batch_op, msrdata);
	FIELD(msr_batch_op, wmask);

	STRUCT(msr_batch_array);
	FIELD(msr_batch_array, numops);
	FIELD(msr_batch_array, version);
	FIELD(msr_batch_array, ops);

	printf("ioctl.X86_IOC_MSR_BATCH %lu\n", (unsigned long)X86_IOC_MSR_BATCH);
	return 0;
}
