/*
 * The one formatter behind the kernel's printf/panic and the user
 * library's printf/snprintf.  No floating point: neither side needs it,
 * and the kernel is compiled without FP registers.
 */
#include "format.h"

#include <stdint.h>

struct spec {
	int	left, zero, plus, space, alt;
	int	width, prec;
	int	size;		/* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

static int
emit_padded(void (*out)(int, void *), void *arg, const char *s, int len,
    const char *prefix, int plen, int zeros, const struct spec *sp)
{
	int pad = sp->width - len - plen - zeros, n = 0;

	if (!sp->left)
		for (; pad > 0; pad--, n++)
			out(' ', arg);
	for (int i = 0; i < plen; i++, n++)
		out(prefix[i], arg);
	for (; zeros > 0; zeros--, n++)
		out('0', arg);
	for (int i = 0; i < len; i++, n++)
		out(s[i], arg);
	for (; pad > 0; pad--, n++)
		out(' ', arg);
	return (n);
}

static int
emit_number(void (*out)(int, void *), void *arg, uintmax_t v, int neg,
    unsigned base, int upper, const struct spec *sp, int is_ptr)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], prefix[3];
	int len = 0, plen = 0, zeros = 0;

	do {
		buf[sizeof(buf) - 1 - len++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (sp->prec == 0 && len == 1 && buf[sizeof(buf) - 1] == '0' && !is_ptr)
		len = 0;
	if (neg)
		prefix[plen++] = '-';
	else if (sp->plus)
		prefix[plen++] = '+';
	else if (sp->space)
		prefix[plen++] = ' ';
	if ((sp->alt && base == 16 && len > 0) || is_ptr) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	} else if (sp->alt && base == 8)
		prefix[plen++] = '0';
	if (sp->prec >= 0)
		zeros = sp->prec > len ? sp->prec - len : 0;
	else if (sp->zero && !sp->left)
		zeros = sp->width - len - plen > 0 ? sp->width - len - plen : 0;
	return (emit_padded(out, arg, buf + sizeof(buf) - len, len, prefix,
	    plen, zeros, sp));
}

int
format(void (*out)(int, void *), void *arg, const char *fmt, va_list ap)
{
	int n = 0;

	for (; *fmt != '\0'; fmt++) {
		struct spec sp = { .prec = -1 };
		uintmax_t uv;
		intmax_t sv;
		const char *s;
		char c;
		int len;

		if (*fmt != '%') {
			out(*fmt, arg);
			n++;
			continue;
		}
		for (;; fmt++) {
			c = fmt[1];
			if (c == '-')
				sp.left = 1;
			else if (c == '0')
				sp.zero = 1;
			else if (c == '+')
				sp.plus = 1;
			else if (c == ' ')
				sp.space = 1;
			else if (c == '#')
				sp.alt = 1;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp.width = sp.width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else
				for (; *fmt >= '0' && *fmt <= '9'; fmt++)
					sp.prec = sp.prec * 10 + (*fmt - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j')
				sp.size++;
			else if (*fmt == 'h')
				sp.size--;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (sp.size >= 1)
				sv = sp.size >= 2 ? va_arg(ap, long long) : va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			if (sp.size == -1)
				sv = (short)sv;
			else if (sp.size <= -2)
				sv = (signed char)sv;
			n += emit_number(out, arg, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv,
			    sv < 0, 10, 0, &sp, 0);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (sp.size >= 1)
				uv = sp.size >= 2 ? va_arg(ap, unsigned long long) :
				    va_arg(ap, unsigned long);
			else
				uv = va_arg(ap, unsigned int);
			if (sp.size == -1)
				uv = (unsigned short)uv;
			else if (sp.size <= -2)
				uv = (unsigned char)uv;
			n += emit_number(out, arg, uv, 0,
			    *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', &sp, 0);
			break;
		case 'p':
			n += emit_number(out, arg, (uintptr_t)va_arg(ap, void *), 0,
			    16, 0, &sp, 1);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			n += emit_padded(out, arg, &c, 1, "", 0, 0, &sp);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "(null)";
			for (len = 0; s[len] != '\0' && (sp.prec < 0 || len < sp.prec); len++)
				;
			n += emit_padded(out, arg, s, len, "", 0, 0, &sp);
			break;
		case '%':
			out('%', arg);
			n++;
			break;
		case '\0':
			return (n);
		default:
			out('%', arg);
			out(*fmt, arg);
			n += 2;
			break;
		}
	}
	return (n);
}

struct sbuf {
	char	*p;
	size_t	left;
};

static void
sbuf_out(int c, void *arg)
{
	struct sbuf *sb = arg;

	if (sb->left > 1) {
		*sb->p++ = (char)c;
		sb->left--;
	}
}

int
format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf sb = { buf, size };
	int n;

	n = format(sbuf_out, &sb, fmt, ap);
	if (size > 0)
		*sb.p = '\0';
	return (n);
}
