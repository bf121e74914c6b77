/*
 * The console descriptors, time, and power.
 *
 * Until descriptor tables arrive, 0, 1 and 2 are the console: writes go
 * to it, reads see end-of-file.
 */
#include "hal.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

#define CONSOLE_CHUNK	256

int
sys_write(struct lwp *l, const register_t *args, register_t *rv)
{
	vaddr_t ubuf = args[1];
	size_t len = args[2], done = 0;
	char buf[CONSOLE_CHUNK];
	int error;

	if (args[0] > 2)
		return (EBADF);
	if ((ssize_t)len < 0)
		return (EINVAL);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));

		if ((error = copyin(l->l_proc->p_vmspace, ubuf + done, buf, n)) != 0)
			return (done > 0 ? 0 : error);
		for (size_t i = 0; i < n; i++)
			hal_putc(buf[i]);
		done += n;
		*rv = done;
	}
	*rv = done;
	return (0);
}

int
sys_read(struct lwp *l __unused, const register_t *args, register_t *rv)
{
	if (args[0] > 2)
		return (EBADF);
	*rv = 0;
	return (0);
}

int
sys_clock_gettime(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	uint64_t ns = hal_time_ns();
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	if ((int)args[0] != CLOCK_MONOTONIC)
		return (EINVAL);
	return (copyout(l->l_proc->p_vmspace, &ts, args[1], sizeof(ts)));
}

int
sys_cycles(struct lwp *l __unused, const register_t *args __unused, register_t *rv)
{
	*rv = hal_cycles();
	return (0);
}

/*
 * Only init may stop the machine; the status it passes becomes QEMU's.
 * The line is what the tools read (x86's exit device cannot carry every
 * status).
 */
int
sys_poweroff(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	int status = (int)args[0] & 0xff;

	if (l->l_proc != initproc)
		return (EPERM);
	printf("forkrt: poweroff status=%d\n", status);
	hal_poweroff(status);
}
