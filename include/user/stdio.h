/*
 * <stdio.h>: buffered streams on descriptors.  stdout is line-buffered
 * (the console is the only terminal, and a pipe cannot be told from it
 * without a terminal interface: ISO C makes a stream fully buffered only
 * when it "can be determined" not to be interactive), stderr unbuffered,
 * a stream from fdopen fully buffered.  exit() flushes every stream;
 * _exit() does not.  No formatting of floating point.
 */
#ifndef _STDIO_H_
#define _STDIO_H_

#include <stdarg.h>
#include <stddef.h>

typedef struct __FILE FILE;

extern FILE	*stdin, *stdout, *stderr;

#define EOF		(-1)
#define BUFSIZ		1024
/* FreeBSD's values */
#define _IOFBF		0
#define _IOLBF		1
#define _IONBF		2

#define __printflike(f, a)	__attribute__((format(printf, f, a)))

int	printf(const char *restrict fmt, ...) __printflike(1, 2);
int	vprintf(const char *restrict fmt, va_list ap);
int	fprintf(FILE *restrict f, const char *restrict fmt, ...) __printflike(2, 3);
int	vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int	snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	    __printflike(3, 4);
int	vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	    va_list ap);
int	sprintf(char *restrict buf, const char *restrict fmt, ...) __printflike(2, 3);
int	vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);

int	fputc(int c, FILE *f);
int	putc(int c, FILE *f);
int	putchar(int c);
int	fputs(const char *restrict s, FILE *restrict f);
int	puts(const char *s);
size_t	fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);
int	fgetc(FILE *f);
int	getc(FILE *f);
int	getchar(void);
char	*fgets(char *restrict s, int n, FILE *restrict f);
size_t	fread(void *restrict p, size_t size, size_t n, FILE *restrict f);

int	fflush(FILE *f);		/* NULL: every stream */
int	setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void	setbuf(FILE *restrict f, char *restrict buf);
FILE	*fdopen(int fd, const char *mode);
int	fclose(FILE *f);
int	fileno(FILE *f);
int	ferror(FILE *f);
int	feof(FILE *f);
void	clearerr(FILE *f);
void	perror(const char *s);

#endif /* !_STDIO_H_ */
