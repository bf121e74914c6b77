/*
 * printf-style formatting shared by the kernel and the user C library.
 * Freestanding: needs only the compiler's <stdarg.h> and <stddef.h>.
 */
#ifndef _LIB_FORMAT_H_
#define _LIB_FORMAT_H_

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into out(c, arg), one character at a time.  Supports the flags
 * '-', '0', ' ', '+', '#', a width and precision (also '*'), the length
 * modifiers hh h l ll z t j, and the conversions d i u x X o p s c %.
 * Returns the number of characters produced.
 */
int	format(void (*out)(int, void *), void *arg, const char *fmt, va_list ap);

/* C99 vsnprintf on top of format(): always NUL-terminates when size > 0. */
int	format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
