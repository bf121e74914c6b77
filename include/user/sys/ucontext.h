/*
 * ucontext_t, FreeBSD's layout: what a SA_SIGINFO handler's third
 * argument points at, and what sigreturn(2) restores.  uc_sigmask is the
 * mask to return to, uc_mcontext the interrupted registers (see
 * <machine/ucontext.h> for each architecture's), uc_stack the
 * sigaltstack state at delivery.
 *
 * The includes are relative so that the kernel's platform code, which
 * has include/ (not include/user/) on its path, can use this file too.
 */
#ifndef _SYS_UCONTEXT_H_
#define _SYS_UCONTEXT_H_

#include "../forkrt/abi.h"
#include "../machine/ucontext.h"

typedef struct __ucontext {
	sigset_t	uc_sigmask;
	mcontext_t	uc_mcontext;
	struct __ucontext *uc_link;	/* NULL in a signal frame */
	stack_t		uc_stack;
	int		uc_flags;
	int		__spare__[4];
} ucontext_t;

#endif /* !_SYS_UCONTEXT_H_ */
