/*
 * <string.h>: memory and string functions, and strerror.
 */
#ifndef _STRING_H_
#define _STRING_H_

#include <stddef.h>

void	*memcpy(void *restrict dst, const void *restrict src, size_t n);
void	*memmove(void *dst, const void *src, size_t n);
void	*memset(void *dst, int c, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
void	*memchr(const void *s, int c, size_t n);
size_t	strlen(const char *s);
size_t	strnlen(const char *s, size_t max);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);
char	*strrchr(const char *s, int c);
char	*strstr(const char *haystack, const char *needle);
size_t	strspn(const char *s, const char *accept);
size_t	strcspn(const char *s, const char *reject);
char	*strcpy(char *restrict dst, const char *restrict src);
char	*strncpy(char *restrict dst, const char *restrict src, size_t n);
char	*strcat(char *restrict dst, const char *restrict src);
char	*strncat(char *restrict dst, const char *restrict src, size_t n);
size_t	strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t	strlcat(char *restrict dst, const char *restrict src, size_t size);
char	*strdup(const char *s);
char	*strndup(const char *s, size_t n);
char	*strerror(int error);

#endif /* !_STRING_H_ */
