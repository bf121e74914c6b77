/*
 * fdstat: an execv target for the posix suite, which checks close-on-exec.
 * Each argument is a descriptor number; the exit status has bit i set
 * when argv[i + 1] is open, and bit 7 set when one of those open still
 * carries FD_CLOEXEC (exec must have closed it).  Standard headers only.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int status = 0, fl;

	for (int i = 1; i < argc && i <= 7; i++) {
		if ((fl = fcntl(atoi(argv[i]), F_GETFD)) == -1)
			continue;
		status |= 1 << (i - 1);
		if (fl & FD_CLOEXEC)
			status |= 0x80;
	}
	_exit(status);
}
