/*
 * Kernel console output: printf over hal_putc, and panic.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"
#include "../lib/format.h"

/* One CPU's line at a time; panic goes around it. */
static struct spinlock console_lock = SPINLOCK_INIT("console");
static volatile int panicking;

static void
console_out(int c, void *arg __unused)
{
	hal_putc(c);
}

int
vprintf(const char *fmt, va_list ap)
{
	int n;

	if (panicking)
		return (format(console_out, NULL, fmt, ap));
	spin_lock(&console_lock);
	n = format(console_out, NULL, fmt, ap);
	spin_unlock(&console_lock);
	return (n);
}

/* A process's write: its bytes come out together, not mixed with another CPU's. */
void
console_puts(const char *s, size_t len)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < len; i++)
		hal_putc(s[i]);
	spin_unlock(&console_lock);
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

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
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) != 0)
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
