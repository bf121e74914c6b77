/*
 * The string functions of the C library that the kernel does not share
 * (those are in lib/string.c).
 */
#include <forkrt.h>

void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return ((void *)p);
	return (NULL);
}

char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++ != '\0');
	return ((char *)last);
}

char *
strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack != '\0' || n == 0; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return ((char *)haystack);
	return (NULL);
}

size_t
strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] != '\0' && strchr(accept, s[n]) != NULL)
		n++;
	return (n);
}

size_t
strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] != '\0' && strchr(reject, s[n]) == NULL)
		n++;
	return (n);
}

char *
strcpy(char *restrict dst, const char *restrict src)
{
	char *d = dst;

	while ((*d++ = *src++) != '\0')
		;
	return (dst);
}

/* ISO C's: pads with NULs to n, and leaves dst unterminated if src is n long or more. */
char *
strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i] != '\0'; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return (dst);
}

char *
strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return (dst);
}

char *
strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *d = dst + strlen(dst);

	while (n-- > 0 && *src != '\0')
		*d++ = *src++;
	*d = '\0';
	return (dst);
}

size_t
strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strnlen(dst, size);

	if (len == size)
		return (size + strlen(src));
	return (len + strlcpy(dst + len, src, size - len));
}

char *
strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		return (NULL);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

char *
strdup(const char *s)
{
	return (strndup(s, SIZE_MAX));
}
