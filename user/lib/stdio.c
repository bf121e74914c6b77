/*
 * Console output for programs.  printf formats into a line buffer that is
 * written out at each newline (and by fflush, and before exit) so that a
 * line from one process is not interleaved with another's.
 */
#include <forkrt.h>

#include "../../lib/format.h"

static char outbuf[512];
static size_t outlen;

int
fflush(void *stream __attribute__((unused)))
{
	size_t off = 0;

	while (off < outlen) {
		ssize_t n = write(1, outbuf + off, outlen - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	outlen = 0;
	return (0);
}

int
putchar(int c)
{
	outbuf[outlen++] = (char)c;
	if (c == '\n' || outlen == sizeof(outbuf))
		fflush(stdout);
	return ((unsigned char)c);
}

static void
out(int c, void *arg __attribute__((unused)))
{
	putchar(c);
}

int
vprintf(const char *fmt, va_list ap)
{
	return (format(out, NULL, fmt, ap));
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
	while (*s != '\0')
		putchar(*s++);
	putchar('\n');
	return (0);
}
