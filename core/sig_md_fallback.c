/*
 * TEMPORARY, until the platforms' signal frames are merged (branch sigmd):
 * without them no handler can run, so a caught signal's frame "cannot be
 * written" and the process ends with SIGSEGV.  The platforms' strong
 * definitions replace these.
 */
#include "cpu.h"
#include "proc.h"

__attribute__((weak)) vaddr_t
cpu_user_sp(struct lwp *l __unused)
{
	return (0);
}

__attribute__((weak)) int
cpu_sendsig(struct lwp *l __unused, const struct sigdeliver *sd __unused)
{
	return (EFAULT);
}

__attribute__((weak)) int
cpu_sigreturn(struct lwp *l __unused, vaddr_t ucp __unused, sigset_t *mask __unused)
{
	return (EINVAL);
}
