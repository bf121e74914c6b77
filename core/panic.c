/*
 * panic: the reason on the console, the other CPUs stopped, the machine
 * off.  Apart from console.c, so that the console, which takes a
 * spinlock, does not call up into the cross-calls (smp_halt_others) that
 * the spinlocks sit below.  Every file may call panic (KASSERT does):
 * tests/build/core_deps.py does not count calls into it.
 */
#include "hal.h"
#include "kernel.h"
#include "proc.h"
#include "smp.h"
#include "sysctl.h"

/*
 * The machine stops here: the reason, the kernel call chain, and a power-off
 * with a status no application exit can be confused with on the console
 * (the tools look for the "panic:" line).
 */
#define PANIC_STATUS	127

__noreturn void
panic(const char *fmt, ...)
{
	va_list ap;

	hal_intr_disable();
	/* The first CPU to panic speaks; the others stop. */
	if (!console_panic())
		for (;;)
			cpu_relax();
	witness_on = false;
	smp_halt_others();
	printf("\npanic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\non cpu%u\n", curcpu()->ci_id);
	backtrace();
	printf("forkrt: poweroff status=%d (panic)\n", PANIC_STATUS);
	hal_poweroff(PANIC_STATUS);
}

/* debug.panic: root writes 1 to see the panic path work (the tests do). */
static int
debug_panic_set(int v)
{
	if (v != 1)
		return (EINVAL);
	panic("debug.panic written by pid %d", curproc()->p_pid);
}
SYSCTL_ACTION("debug.panic", debug_panic_set);
