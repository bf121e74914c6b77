/*
 * Kernel console output: printf over hal_putc, and panic.
 */
#include "hal.h"
#include "kernel.h"
#include "../lib/format.h"

static void
console_out(int c, void *arg __unused)
{
	hal_putc(c);
}

int
vprintf(const char *fmt, va_list ap)
{
	uint64_t s = hal_intr_disable();
	int n;

	n = format(console_out, NULL, fmt, ap);
	hal_intr_restore(s);
	return (n);
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
	static int panicking;
	va_list ap;

	hal_intr_disable();
	if (panicking++ == 0) {
		printf("\npanic: ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		hal_backtrace();
	}
	printf("forkrt: poweroff status=%d (panic)\n", PANIC_STATUS);
	hal_poweroff(PANIC_STATUS);
}
