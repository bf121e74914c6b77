/*
 * Kernel console output: printf over hal_putc.  panic, which prints here
 * and stops the other CPUs, is in panic.c.
 */
#include "format.h"
#include "hal.h"
#include "kernel.h"
#include "smp.h"

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
 * panic's first step: true for the first CPU to panic, whose output from
 * now on goes around the lock (whoever held it will not let go); false
 * for any other, which is to stop.
 */
bool
console_panic(void)
{
	return (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) == 0);
}
