/*
 * <stdlib.h>'s numbers: string conversion, abs, sorting and searching,
 * rand; and getenv, which has no environment to search.
 */
#include <forkrt.h>

static int
isspace_c(int c)
{
	return (c == ' ' || (c >= '\t' && c <= '\r'));
}

static int
digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 10);
	return (99);
}

/*
 * The magnitude in s, ISO C's rules: spaces, a sign, a 0x prefix (base
 * 0 or 16), digits; *end after the last digit, or at s with none.
 * *ovfp is set when the magnitude does not fit 64 bits.
 */
static unsigned long long
parse_magnitude(const char *s, char **end, int base, bool *negp, bool *ovfp)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;
	int d;

	*negp = *ovfp = false;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end != NULL)
			*end = (char *)s;
		return (0);
	}
	while (isspace_c(*p))
		p++;
	if (*p == '-' || *p == '+')
		*negp = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0)
		base = p[0] == '0' ? 8 : 10;
	for (; (d = digit_value(*p)) < base; p++) {
		any = true;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*ovfp = true;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end != NULL)
		*end = (char *)(any ? p : s);
	return (v);
}

long long
strtoll(const char *restrict s, char **restrict end, int base)
{
	unsigned long long v;
	bool neg, ovf;

	v = parse_magnitude(s, end, base, &neg, &ovf);
	if (ovf || v > (neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX)) {
		errno = ERANGE;
		return (neg ? LLONG_MIN : LLONG_MAX);
	}
	return (neg ? (long long)(0 - v) : (long long)v);
}

/* A leading '-' negates the result as an unsigned value (ISO C). */
unsigned long long
strtoull(const char *restrict s, char **restrict end, int base)
{
	unsigned long long v;
	bool neg, ovf;

	v = parse_magnitude(s, end, base, &neg, &ovf);
	if (ovf) {
		errno = ERANGE;
		return (ULLONG_MAX);
	}
	return (neg ? 0 - v : v);
}

_Static_assert(sizeof(long) == sizeof(long long), "LP64: long is long long");

long
strtol(const char *restrict s, char **restrict end, int base)
{
	return ((long)strtoll(s, end, base));
}

unsigned long
strtoul(const char *restrict s, char **restrict end, int base)
{
	return ((unsigned long)strtoull(s, end, base));
}

intmax_t
strtoimax(const char *restrict s, char **restrict end, int base)
{
	return (strtoll(s, end, base));
}

uintmax_t
strtoumax(const char *restrict s, char **restrict end, int base)
{
	return (strtoull(s, end, base));
}

int atoi(const char *s) { return ((int)strtol(s, NULL, 10)); }
long atol(const char *s) { return (strtol(s, NULL, 10)); }
int abs(int n) { return (n < 0 ? -n : n); }
long labs(long n) { return (n < 0 ? -n : n); }
long long llabs(long long n) { return (n < 0 ? -n : n); }

char *
getenv(const char *name __attribute__((unused)))
{
	return (NULL);
}

static void
swap_bytes(char *a, char *b, size_t size)
{
	while (size-- > 0) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

/* Move element i down the max-heap of n elements rooted at 0. */
static void
sift_down(char *base, size_t i, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	size_t child;

	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + i * size, base + child * size) >= 0)
			return;
		swap_bytes(base + i * size, base + child * size, size);
		i = child;
	}
}

/* Heapsort: O(n log n) in every case, no recursion, no memory. */
void
qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap_bytes(b, b + end * size, size);
		sift_down(b, 0, end, size, cmp);
	}
}

void *
bsearch(const void *key, const void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	const char *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(key, b + mid * size);

		if (c == 0)
			return ((void *)(b + mid * size));
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

/* FreeBSD's rand: Park and Miller's minimal standard generator. */
static unsigned long rand_next = 1;

int
rand(void)
{
	long hi, lo, x;

	x = (long)(rand_next % 0x7ffffffe) + 1;
	hi = x / 127773;
	lo = x % 127773;
	x = 16807 * lo - 2836 * hi;
	if (x < 0)
		x += 0x7fffffff;
	rand_next = (unsigned long)x;
	return ((int)(x - 1));
}

void
srand(unsigned seed)
{
	rand_next = seed;
}
