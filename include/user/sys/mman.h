/*
 * <sys/mman.h>: anonymous memory (there are no files to map), its
 * protection, and BSD's minherit.
 */
#ifndef _SYS_MMAN_H_
#define _SYS_MMAN_H_

#include <sys/types.h>

void	*mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int	munmap(void *addr, size_t len);
int	mprotect(void *addr, size_t len, int prot);
int	minherit(void *addr, size_t len, int inherit);

#endif /* !_SYS_MMAN_H_ */
