/*
 * Buffered streams on descriptors (<stdio.h>).
 *
 * A stream has one buffer, used for output or for input, whichever it
 * did last.  Output waits in it until it is full, or until a newline on
 * a line-buffered stream, or an fflush; an unbuffered stream writes each
 * call's output with one write (FreeBSD's __sbprintf: a printf to stderr
 * is one write, not one per character), so that lines from several
 * processes on the console do not mix.  A failed write marks the stream
 * (ferror) and drops what it held.
 *
 * Every stream is under stdio_lock, one lock for all: it is held across
 * fork (fork_locked in syscalls.c), so a child never inherits a buffer
 * half-written by another lwp.  Output buffered but not flushed at fork
 * is in both processes afterwards, as POSIX says: flush before fork to
 * print it once.
 */
#include <forkrt.h>

#include "format.h"
#include "libc_lock.h"

/* f_flags */
#define SRD	0x01	/* the buffer holds input */
#define SWR	0x02	/* the buffer holds output */
#define SEOF	0x04
#define SERR	0x08
#define SMBF	0x10	/* f_buf is ours, from malloc */
#define SALLOC	0x20	/* the FILE itself is from malloc (fdopen) */
#define SCLOSED	0x40	/* a standard stream after fclose */

struct __FILE {
	int		f_fd;
	int		f_flags;	/* S* */
	int		f_mode;		/* _IOFBF, _IOLBF, _IONBF */
	char		*f_buf;		/* NULL until first needed */
	size_t		f_size;
	size_t		f_len;		/* output: bytes waiting; input: bytes read */
	size_t		f_pos;		/* input: next byte to hand out */
	struct __FILE	*f_next;	/* every open stream, for fflush(NULL) */
};

/*
 * All under stdio_lock, taken for a whole call so that output from lwps
 * running at once comes out whole.  It is recursive for its holder
 * (printf from an atexit handler inside exit's flush, fflush inside a
 * call): stdio_owner names the holder (0: none).
 */
static char stdinbuf[BUFSIZ], stdoutbuf[BUFSIZ];
static FILE stderr_file = { 2, 0, _IONBF, NULL, 0, 0, 0, NULL };
static FILE stdout_file = { 1, 0, _IOLBF, stdoutbuf, BUFSIZ, 0, 0, &stderr_file };
static FILE stdin_file = { 0, 0, _IOLBF, stdinbuf, BUFSIZ, 0, 0, &stdout_file };
static FILE *streams = &stdin_file;

FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

extern struct libc_lock stdio_lock;	/* libc_lock.c */
static volatile uint64_t stdio_owner;
static int stdio_depth;

/* exit's hook (exit.c): set once a stream may hold output. */
extern void (*__libc_stdio_cleanup)(void);

static void
stdio_cleanup(void)
{
	fflush(NULL);
}

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

/* Write out what f holds for output; 0 or EOF (the data is dropped then). */
static int
flush_locked(FILE *f)
{
	size_t off = 0;
	ssize_t n;
	int r = 0;

	if ((f->f_flags & SWR) == 0) {
		/* Unread input is dropped: a pipe cannot seek back. */
		f->f_flags &= ~SRD;
		f->f_len = f->f_pos = 0;
		return (0);
	}
	while (off < f->f_len) {
		if ((n = write(f->f_fd, f->f_buf + off, f->f_len - off)) <= 0) {
			f->f_flags |= SERR;
			r = EOF;
			break;
		}
		off += (size_t)n;
	}
	f->f_len = 0;
	f->f_flags &= ~SWR;
	return (r);
}

/* Give f a buffer if it has none; without memory it stays unbuffered. */
static void
make_buffer(FILE *f)
{
	if (f->f_buf != NULL || f->f_mode == _IONBF)
		return;
	if ((f->f_buf = malloc(BUFSIZ)) == NULL) {
		f->f_mode = _IONBF;
		return;
	}
	f->f_size = BUFSIZ;
	f->f_flags |= SMBF;
}

static void
put_locked(int c, FILE *f)
{
	if (f->f_flags & SRD)
		flush_locked(f);
	if (f->f_buf == NULL) {
		char ch = (char)c;

		if (write(f->f_fd, &ch, 1) != 1)
			f->f_flags |= SERR;
		return;
	}
	f->f_flags |= SWR;
	f->f_buf[f->f_len++] = (char)c;
	if (f->f_len == f->f_size || (c == '\n' && f->f_mode == _IOLBF))
		flush_locked(f);
}

static void
put_out(int c, void *arg)
{
	put_locked(c, arg);
}

/*
 * Run one call's output into f.  An unbuffered stream gets a buffer on
 * the stack for the length of the call, flushed at its end: one write.
 */
static int
output_begin(FILE *f, char *tmp, size_t tmpsize)
{
	/* Tested first: a fork's child then writes no page of ours for it. */
	if (__libc_stdio_cleanup == NULL)
		__libc_stdio_cleanup = stdio_cleanup;
	stdio_enter();
	if (f->f_flags & SCLOSED) {
		stdio_exit();
		errno = EBADF;
		return (EOF);
	}
	make_buffer(f);
	if (f->f_mode == _IONBF) {
		if (f->f_flags & SRD)
			flush_locked(f);
		f->f_buf = tmp;
		f->f_size = tmpsize;
	}
	return (0);
}

static int
output_end(FILE *f)
{
	int r = 0;

	if (f->f_mode == _IONBF) {
		r = flush_locked(f);
		f->f_buf = NULL;
		f->f_size = 0;
	}
	if (f->f_flags & SERR)
		r = EOF;
	stdio_exit();
	return (r);
}

int
vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char tmp[BUFSIZ];
	int n;

	if (output_begin(f, tmp, sizeof(tmp)) != 0)
		return (-1);
	n = format(put_out, f, fmt, ap);
	return (output_end(f) == 0 ? n : -1);
}

int
fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return (n);
}

int
vprintf(const char *restrict fmt, va_list ap)
{
	return (vfprintf(stdout, fmt, ap));
}

int
printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return (n);
}

size_t
fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	const unsigned char *s = p;
	size_t total = size * n, done = 0;
	char tmp[BUFSIZ];

	if (size == 0 || n == 0)
		return (0);
	if (output_begin(f, tmp, sizeof(tmp)) != 0)
		return (0);
	while (done < total && (f->f_flags & SERR) == 0)
		put_locked(s[done++], f);
	/* How much of a failed write got out is not known: none, then. */
	return (output_end(f) == 0 ? n : 0);
}

int
fputs(const char *restrict s, FILE *restrict f)
{
	size_t len = strlen(s);

	if (len == 0)
		return (0);
	return (fwrite(s, 1, len, f) == len ? 0 : EOF);
}

int
puts(const char *s)
{
	char tmp[BUFSIZ];

	if (output_begin(stdout, tmp, sizeof(tmp)) != 0)
		return (EOF);
	while (*s != '\0')
		put_locked(*s++, stdout);
	put_locked('\n', stdout);
	return (output_end(stdout) == 0 ? 0 : EOF);
}

int
fputc(int c, FILE *f)
{
	char tmp[1];

	if (output_begin(f, tmp, sizeof(tmp)) != 0)
		return (EOF);
	put_locked(c, f);
	return (output_end(f) == 0 ? (unsigned char)c : EOF);
}

int
putc(int c, FILE *f)
{
	return (fputc(c, f));
}

int
putchar(int c)
{
	return (fputc(c, stdout));
}

int
vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	return (format_vsnprintf(buf, size, fmt, ap));
}

int
snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

int
vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return (format_vsnprintf(buf, SIZE_MAX, fmt, ap));
}

int
sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, SIZE_MAX, fmt, ap);
	va_end(ap);
	return (n);
}

/* Input. */

/*
 * The next byte of f, or EOF.  Before f reads from its descriptor, line
 * buffered output goes out (ISO C), so a prompt is seen before the read.
 */
static int
get_locked(FILE *f)
{
	unsigned char ch;
	ssize_t n;

	if (f->f_flags & SWR)
		flush_locked(f);
	if ((f->f_flags & SRD) && f->f_pos < f->f_len)
		return ((unsigned char)f->f_buf[f->f_pos++]);
	for (FILE *g = streams; g != NULL; g = g->f_next)
		if (g->f_mode == _IOLBF && (g->f_flags & SWR))
			flush_locked(g);
	make_buffer(f);
	if (f->f_mode == _IONBF || f->f_buf == NULL)
		n = read(f->f_fd, &ch, 1);
	else if ((n = read(f->f_fd, f->f_buf, f->f_size)) > 0) {
		f->f_flags |= SRD;
		f->f_len = (size_t)n;
		f->f_pos = 1;
		ch = (unsigned char)f->f_buf[0];
	}
	if (n == 0)
		f->f_flags |= SEOF;
	else if (n < 0)
		f->f_flags |= SERR;
	return (n > 0 ? ch : EOF);
}

int
fgetc(FILE *f)
{
	int c;

	stdio_enter();
	c = (f->f_flags & SCLOSED) ? EOF : get_locked(f);
	stdio_exit();
	return (c);
}

int
getc(FILE *f)
{
	return (fgetc(f));
}

int
getchar(void)
{
	return (fgetc(stdin));
}

char *
fgets(char *restrict s, int n, FILE *restrict f)
{
	int c = 0, i = 0;

	if (n <= 0)
		return (NULL);
	stdio_enter();
	while (i < n - 1 && (f->f_flags & SCLOSED) == 0 &&
	    (c = get_locked(f)) != EOF) {
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	stdio_exit();
	if (i == 0 && n > 1)
		return (NULL);
	s[i] = '\0';
	return (s);
}

size_t
fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	unsigned char *d = p;
	size_t total = size * n, done = 0;
	int c;

	if (size == 0 || n == 0)
		return (0);
	stdio_enter();
	while (done < total && (f->f_flags & SCLOSED) == 0 &&
	    (c = get_locked(f)) != EOF)
		d[done++] = (unsigned char)c;
	stdio_exit();
	return (done / size);
}

/* Streams. */

int
fflush(FILE *f)
{
	int r = 0;

	stdio_enter();
	if (f != NULL)
		r = flush_locked(f);
	else
		for (FILE *g = streams; g != NULL; g = g->f_next)
			if ((g->f_flags & SWR) && flush_locked(g) != 0)
				r = EOF;
	stdio_exit();
	return (r);
}

int
setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF)
		return (EOF);
	if (mode != _IONBF && buf != NULL && size == 0)
		return (EOF);
	if (__libc_stdio_cleanup == NULL)
		__libc_stdio_cleanup = stdio_cleanup;
	stdio_enter();
	flush_locked(f);
	/* With buf NULL a buffering stream keeps its buffer, or gets one at first use. */
	if (buf != NULL || mode == _IONBF) {
		if (f->f_flags & SMBF) {
			free(f->f_buf);
			f->f_flags &= ~SMBF;
		}
		f->f_buf = mode == _IONBF ? NULL : buf;
		f->f_size = mode == _IONBF ? 0 : size;
	}
	f->f_mode = mode;
	stdio_exit();
	return (0);
}

void
setbuf(FILE *restrict f, char *restrict buf)
{
	setvbuf(f, buf, buf != NULL ? _IOFBF : _IONBF, BUFSIZ);
}

/* A stream on fd, fully buffered: fdopen'd descriptors are pipes. */
FILE *
fdopen(int fd, const char *mode)
{
	FILE *f;
	int fl;

	if (mode == NULL || (mode[0] != 'r' && mode[0] != 'w' && mode[0] != 'a')) {
		errno = EINVAL;
		return (NULL);
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (NULL);
	/* The descriptor must allow what mode asks (POSIX: EINVAL). */
	if ((fl & O_ACCMODE) != O_RDWR && (strchr(mode, '+') != NULL ||
	    (fl & O_ACCMODE) != (mode[0] == 'r' ? O_RDONLY : O_WRONLY))) {
		errno = EINVAL;
		return (NULL);
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return (NULL);
	f->f_fd = fd;
	f->f_flags = SALLOC;
	f->f_mode = _IOFBF;
	stdio_enter();
	f->f_next = streams;
	streams = f;
	stdio_exit();
	return (f);
}

int
fclose(FILE *f)
{
	FILE **pp;
	int r;

	stdio_enter();
	if (f->f_flags & SCLOSED) {
		stdio_exit();
		errno = EBADF;
		return (EOF);
	}
	r = flush_locked(f);
	if (close(f->f_fd) != 0)
		r = EOF;
	if (f->f_flags & SMBF)
		free(f->f_buf);
	if (f->f_flags & SALLOC) {
		for (pp = &streams; *pp != f; pp = &(*pp)->f_next)
			;
		*pp = f->f_next;
		free(f);
	} else {
		f->f_flags = SCLOSED;
		f->f_buf = NULL;
		f->f_mode = _IONBF;
	}
	stdio_exit();
	return (r);
}

int
fileno(FILE *f)
{
	if (f->f_flags & SCLOSED) {
		errno = EBADF;
		return (-1);
	}
	return (f->f_fd);
}

int ferror(FILE *f) { return ((f->f_flags & SERR) != 0); }
int feof(FILE *f) { return ((f->f_flags & SEOF) != 0); }
void clearerr(FILE *f) { f->f_flags &= ~(SERR | SEOF); }

void
perror(const char *s)
{
	const char *msg = strerror(errno);

	if (s != NULL && *s != '\0')
		fprintf(stderr, "%s: %s\n", s, msg);
	else
		fprintf(stderr, "%s\n", msg);
}
