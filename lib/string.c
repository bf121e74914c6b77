/*
 * The string and memory functions both the kernel and user programs use.
 * Compilers emit calls to memcpy/memset/memmove/memcmp on their own, so
 * these must exist even under -fno-builtin.
 */
#include <stddef.h>
#include <stdint.h>

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/*
	 * Words, eight at a time: pages are copied this way, and a plain
	 * loop (never a rep string instruction, which instruction counts
	 * under QEMU's -icount would count as one) keeps the cost honest.
	 */
	if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
		uint64_t *dw = (uint64_t *)d;
		const uint64_t *sw = (const uint64_t *)s;

		for (; n >= 64; n -= 64, dw += 8, sw += 8) {
			uint64_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
			uint64_t f = sw[4], g = sw[5], h = sw[6], k = sw[7];

			dw[0] = a, dw[1] = b, dw[2] = c, dw[3] = e;
			dw[4] = f, dw[5] = g, dw[6] = h, dw[7] = k;
		}
		for (; n >= 8; n -= 8)
			*dw++ = *sw++;
		d = (unsigned char *)dw;
		s = (const unsigned char *)sw;
	}
	while (n-- > 0)
		*d++ = *s++;
	return (dst);
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return (dst);
	if (d < s || d >= s + n)
		return (memcpy(dst, src, n));
	while (n-- > 0)
		d[n] = s[n];
	return (dst);
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if (((uintptr_t)d & 7) == 0) {
		uint64_t v = (unsigned char)c * 0x0101010101010101ull, *dw = (uint64_t *)d;

		for (; n >= 64; n -= 64, dw += 8) {
			dw[0] = v, dw[1] = v, dw[2] = v, dw[3] = v;
			dw[4] = v, dw[5] = v, dw[6] = v, dw[7] = v;
		}
		for (; n >= 8; n -= 8)
			*dw++ = v;
		d = (unsigned char *)dw;
	}
	while (n-- > 0)
		*d++ = (unsigned char)c;
	return (dst);
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n > 0; n--, x++, y++)
		if (*x != *y)
			return (*x - *y);
	return (0);
}

size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return ((size_t)(p - s));
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return (n);
}

int
strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return ((unsigned char)*a - (unsigned char)*b);
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return ((unsigned char)*a - (unsigned char)*b);
		if (*a == '\0')
			break;
	}
	return (0);
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return ((char *)s);
		if (*s == '\0')
			return (NULL);
	}
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}
