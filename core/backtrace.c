/*
 * The kernel call chain, for panic(): a walk of the frame-pointer chain
 * (the kernel keeps frame pointers).  The platform says only where a
 * frame's record lies relative to its frame pointer (HAL_FRAME_RECORD)
 * and which stack this CPU takes kernel traps on (hal_trap_stack); the
 * kernel stacks and the boot stack are the core's own.
 *
 * The walk believes nothing it reads: each record must lie, aligned,
 * inside a stack the kernel runs on, and each caller's record above the
 * last on the same stack, so that a corrupt chain ends the walk instead
 * of faulting or looping.  The one exception is a panic in a kernel
 * trap: the trap stack's outermost frame links to the stack the trap
 * came from (trap.S leaves the frame pointer alone), and the walk follows
 * that link once.
 */
#include "hal.h"
#include "kernel.h"
#include "proc.h"

#define BACKTRACE_MAX	32
#define RECORD_SIZE	(2 * sizeof(uintptr_t))

/* Whether a frame record at rec lies wholly inside [lo, hi). */
static bool
record_in(uintptr_t rec, uintptr_t lo, uintptr_t hi)
{
	return (hi - lo >= RECORD_SIZE && rec >= lo && rec <= hi - RECORD_SIZE);
}

/*
 * The stack [*lo, *hi) the record at rec is on: this CPU's trap stack,
 * curlwp's kernel stack or the boot stack.
 */
static bool
stack_of(uintptr_t rec, uintptr_t *lo, uintptr_t *hi)
{
	struct lwp *l = curlwp;

	hal_trap_stack(lo, hi);
	if (record_in(rec, *lo, *hi))
		return (true);
	if (l != NULL && l->l_md.md_kstack != 0) {
		*lo = l->l_md.md_kstack;
		*hi = *lo + KSTACK_SIZE;
		if (record_in(rec, *lo, *hi))
			return (true);
	}
	*lo = (uintptr_t)boot_stack;
	*hi = (uintptr_t)boot_stack_top;
	return (record_in(rec, *lo, *hi));
}

unsigned
backtrace_collect(uintptr_t fp, uintptr_t *pcs, unsigned max)
{
	uintptr_t rec = fp + HAL_FRAME_RECORD, next, lo, hi, tlo, thi;
	const uintptr_t *r;
	bool crossed = false;
	unsigned n = 0;

	if (!stack_of(rec, &lo, &hi))
		return (0);
	while (n < max && (rec & (sizeof(uintptr_t) - 1)) == 0) {
		r = (const uintptr_t *)rec;
		if (r[1] == 0)
			break;
		pcs[n++] = r[1];
		next = r[0] + HAL_FRAME_RECORD;
		if (next > rec && record_in(next, lo, hi)) {
			rec = next;
			continue;
		}
		hal_trap_stack(&tlo, &thi);
		if (crossed || lo != tlo || !stack_of(next, &lo, &hi) || lo == tlo)
			break;
		crossed = true;
		rec = next;
	}
	return (n);
}

void
backtrace(void)
{
	uintptr_t pcs[BACKTRACE_MAX], fp;
	unsigned i, n;

	fp = (uintptr_t)__builtin_frame_address(0);
	n = backtrace_collect(fp, pcs, nitems(pcs));
	printf("backtrace:%s\n", n == 0 ? " none (no frame record on a known stack)" : "");
	for (i = 0; i < n; i++)
		printf("  #%u %#lx\n", i, (unsigned long)pcs[i]);
}
