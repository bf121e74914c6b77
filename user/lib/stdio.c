/*
 * Console output for programs.  printf formats into a line buffer that is
 * written out at each newline (and by fflush, and before exit) so that a
 * line from one process is not interleaved with another's.
 */
#include <forkrt.h>

#include "../../lib/format.h"
#include "libc_lock.h"

/*
 * Under stdio_lock, taken for a whole printf or puts so that lines from
 * lwps running at once come out whole.  It is recursive for its holder
 * (fflush inside printf): stdio_owner names the holder (0: none).
 */
static char outbuf[512];
static size_t outlen;
struct libc_lock stdio_lock;
static volatile uint64_t stdio_owner;
static int stdio_depth;

static void
stdio_enter(void)
{
	uint64_t me;

	if (!__libc_threaded)
		return;
	/* RFMEM processes share this memory: a tid alone is not unique. */
	me = ((uint64_t)getpid() << 32 | (uint32_t)lwp_gettid()) + 1;
	if (stdio_owner != me) {
		libc_lock(&stdio_lock);
		stdio_owner = me;
	}
	stdio_depth++;
}

static void
stdio_exit(void)
{
	if (!__libc_threaded)
		return;
	if (--stdio_depth == 0) {
		stdio_owner = 0;
		libc_unlock(&stdio_lock);
	}
}

static void
flush_locked(void)
{
	size_t off = 0;

	while (off < outlen) {
		ssize_t n = write(1, outbuf + off, outlen - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	outlen = 0;
}

int
fflush(void *stream __attribute__((unused)))
{
	stdio_enter();
	flush_locked();
	stdio_exit();
	return (0);
}

static void
out(int c, void *arg __attribute__((unused)))
{
	outbuf[outlen++] = (char)c;
	if (c == '\n' || outlen == sizeof(outbuf))
		flush_locked();
}

int
putchar(int c)
{
	stdio_enter();
	out(c, NULL);
	stdio_exit();
	return ((unsigned char)c);
}

int
vprintf(const char *fmt, va_list ap)
{
	int n;

	stdio_enter();
	n = format(out, NULL, fmt, ap);
	stdio_exit();
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
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (format_vsnprintf(buf, size, fmt, ap));
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

int
puts(const char *s)
{
	stdio_enter();
	while (*s != '\0')
		out(*s++, NULL);
	out('\n', NULL);
	stdio_exit();
	return (0);
}
