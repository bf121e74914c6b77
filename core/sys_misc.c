/*
 * The cycle counter and power.  (The console descriptors are files now:
 * core/file.c; the clocks are in core/clock.c.)
 */
#include "hal.h"
#include "proc.h"
#include "syscall.h"
#include "vm.h"

int
sys_cycles(struct lwp *l __unused, const register_t *args __unused, register_t *rv)
{
	*rv = hal_cycles();
	return (0);
}

/*
 * Only init may stop the machine; the status it passes becomes QEMU's.
 * The line is what the tools read (an exit device may not carry every
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
