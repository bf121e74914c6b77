/*
 * sysctlbyname(2): a flat table of named integers, and the fail points'
 * debug.fail_point.NAME (core/fail.c finds those in their linker set).
 * Reading returns the old value before a write takes effect, as BSD does;
 * writes are root's.
 */
#include "fail.h"
#include "kstack.h"
#include "pmap.h"
#include "page.h"
#include "session.h"
#include "proc.h"
#include "random.h"
#include "syscall.h"
#include "smp.h"
#include "sysctl.h"
#include "vm.h"
#include "vmmeter.h"

#define SYSCTL_NAME_MAX	64

extern int maxproc, maxprocperuid, pid_max, randompid;
extern pid_t lastpid;

int	pid_max_set(int v);
int	randompid_set(int v);
int	maxproc_set(int v);
int	maxprocperuid_set(int v);
int	kthread_test_set(int v);
int	kthread_runs_get(void);
int	kernel_prot_get(void);
int	kernel_prot_set(int v);
int	kernel_guard_get(void);
int	write_kernel_text_set(int v);
int	kstack_overflow_set(int v);
int	debug_stack_smash_set(int v);
#ifdef FAIL_POINTS
int	pmap_contract_get(void);
int	pmap_contract_set(int v);
int	pmap_contract_cases_get(void);
int	pmap_tlb_page_set(int v);
int	pmap_tlb_set(int v);
#endif
extern int aslr_enable;
int	aslr_enable_set(int v);

#define GETTER(fn, expr)	static int fn(void) { return ((int)(expr)); }
GETTER(get_maxproc, maxproc)
GETTER(get_maxprocperuid, maxprocperuid)
GETTER(get_pid_max, pid_max)
GETTER(get_randompid, randompid)
GETTER(get_lastpid, lastpid)
GETTER(get_nprocs, nprocs)
GETTER(get_v_forks, vmcnt.v_forks)
GETTER(get_v_vforks, vmcnt.v_vforks)
GETTER(get_v_rforks, vmcnt.v_rforks)
GETTER(get_v_kthreads, vmcnt.v_kthreads)
GETTER(get_v_forkpages, vmcnt.v_forkpages)
GETTER(get_v_vforkpages, vmcnt.v_vforkpages)
GETTER(get_v_rforkpages, vmcnt.v_rforkpages)
GETTER(get_v_kthreadpages, vmcnt.v_kthreadpages)
GETTER(get_v_vm_faults, vmcnt.v_vm_faults)
GETTER(get_v_cow_faults, vmcnt.v_cow_faults)
GETTER(get_v_zfod, vmcnt.v_zfod)
GETTER(get_v_pt_shared, vmcnt.v_pt_shared)
GETTER(get_v_pt_copied, vmcnt.v_pt_copied)
GETTER(get_v_free_count, v_free_count)
GETTER(get_v_page_count, v_page_count)
GETTER(get_smp_cpus, ncpus)
GETTER(get_random_hw_bytes, random_hw_bytes)
GETTER(get_aslr_enable, __atomic_load_n(&aslr_enable, __ATOMIC_RELAXED))

/* Scheduler statistics summed over the CPUs (each CPU's own count is racy to read: a statistic). */
static int
sum_cpus(size_t off)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < ncpus; i++)
		n += *(volatile uint64_t *)((char *)&cpus[i] + off);
	return ((int)n);
}

GETTER(get_sched_switches, sum_cpus(offsetof(struct cpu, ci_switches)))
GETTER(get_sched_steals, sum_cpus(offsetof(struct cpu, ci_steals)))
GETTER(get_kmem_pages, kmem_pages)
GETTER(get_kmem_objects, kmem_objects)
GETTER(get_v_ipi_shootdown, v_ipi_shootdown)
GETTER(get_v_ipi_shootdown_pages, v_ipi_shootdown_pages)
GETTER(get_witness_on, witness_on)
GETTER(get_witness_classes, witness_classes())
GETTER(get_witness_orders, witness_orders())
GETTER(get_kstack_inuse, kstack_inuse)
GETTER(get_kstack_slots, kstack_nslots)
GETTER(get_kstack_cached_pages, kstack_cached_pages)
GETTER(get_kstack_table_pages, pmap_ktable_pages)
#undef GETTER

static int
get_zero(void)
{
	return (0);
}

/*
 * debug.ps: root writes 1 to have every process and lwp listed on the
 * console with its state and what it sleeps on (DDB's ps, for a test
 * that finds something stuck).
 */
static int
debug_ps_set(int v)
{
	extern LIST_HEAD(proclist, proc) allproc, zombproc;
	struct proc *p;
	struct lwp *l;

	if (v != 1)
		return (EINVAL);
	spin_lock(&proctree_lock);
	for (int z = 0; z < 2; z++) {
		LIST_FOREACH(p, z == 0 ? &allproc : &zombproc, p_list) {
			printf("ps: pid %d ppid %d pgid %d stat %d flags %#x sig %#x "
			    "lwps %d %s\n", p->p_pid, p->p_pptr != NULL ?
			    p->p_pptr->p_pid : -1, p->p_pgrp != NULL ?
			    p->p_pgrp->pg_id : -1, p->p_stat, p->p_flags,
			    p->p_siglist, p->p_nthreads, p->p_comm);
			spin_lock(&p->p_lock);
			FOREACH_LWP_IN_PROC(l, p)
				printf("ps:   tid %d stat %d wmesg %s cpu %d running %d\n",
				    l->l_tid, l->l_stat, l->l_stat == LSSLEEP &&
				    l->l_wmesg != NULL ? l->l_wmesg : "-",
				    l->l_cpu != NULL ? (int)l->l_cpu->ci_id : -1,
				    (int)l->l_running);
			spin_unlock(&p->p_lock);
		}
	}
	spin_unlock(&proctree_lock);
	for (unsigned i = 0; i < ncpus; i++) {
		spin_lock(cpus[i].ci_runq_lock);
		printf("ps: cpu%u runs pid %d tid %d; %u queued:", i,
		    cpus[i].ci_curlwp->l_proc->p_pid, cpus[i].ci_curlwp->l_tid,
		    cpus[i].ci_runq_len);
		TAILQ_FOREACH(l, &cpus[i].ci_runq, l_runq)
			printf(" %d.%d", l->l_proc->p_pid, l->l_tid);
		printf("\n");
		spin_unlock(cpus[i].ci_runq_lock);
	}
	return (0);
}

/* debug.panic: root writes 1 to see the panic path work (the tests do). */
static int
debug_panic_set(int v)
{
	if (v != 1)
		return (EINVAL);
	panic("debug.panic written by pid %d", curproc()->p_pid);
}

static const struct sysctl_oid sysctls[] = {
	{ "kern.maxproc", get_maxproc, maxproc_set },
	{ "kern.maxprocperuid", get_maxprocperuid, maxprocperuid_set },
	{ "kern.pid_max", get_pid_max, pid_max_set },
	{ "kern.randompid", get_randompid, randompid_set },
	{ "kern.lastpid", get_lastpid, NULL },
	{ "kern.random.hw_bytes", get_random_hw_bytes, NULL },
	{ "kern.elf64.aslr.enable", get_aslr_enable, aslr_enable_set },
	{ "kern.nprocs", get_nprocs, NULL },
	{ "vm.stats.vm.v_forks", get_v_forks, NULL },
	{ "vm.stats.vm.v_vforks", get_v_vforks, NULL },
	{ "vm.stats.vm.v_rforks", get_v_rforks, NULL },
	{ "vm.stats.vm.v_kthreads", get_v_kthreads, NULL },
	{ "vm.stats.vm.v_forkpages", get_v_forkpages, NULL },
	{ "vm.stats.vm.v_vforkpages", get_v_vforkpages, NULL },
	{ "vm.stats.vm.v_rforkpages", get_v_rforkpages, NULL },
	{ "vm.stats.vm.v_kthreadpages", get_v_kthreadpages, NULL },
	{ "vm.stats.vm.v_vm_faults", get_v_vm_faults, NULL },
	{ "vm.stats.vm.v_cow_faults", get_v_cow_faults, NULL },
	{ "vm.stats.vm.v_zfod", get_v_zfod, NULL },
	{ "vm.stats.vm.v_pt_shared", get_v_pt_shared, NULL },
	{ "vm.stats.vm.v_pt_copied", get_v_pt_copied, NULL },
	{ "vm.stats.vm.v_free_count", get_v_free_count, NULL },
	{ "vm.stats.vm.v_page_count", get_v_page_count, NULL },
	{ "vm.stats.sys.v_ipi_shootdown", get_v_ipi_shootdown, NULL },
	{ "vm.stats.sys.v_ipi_shootdown_pages", get_v_ipi_shootdown_pages, NULL },
	{ "kern.smp.cpus", get_smp_cpus, NULL },
	{ "kern.sched.switches", get_sched_switches, NULL },
	{ "kern.sched.steals", get_sched_steals, NULL },
	{ "vm.kmem.pages", get_kmem_pages, NULL },
	{ "vm.kmem.objects", get_kmem_objects, NULL },
	{ "vm.kstack.inuse", get_kstack_inuse, NULL },
	{ "vm.kstack.slots", get_kstack_slots, NULL },
	{ "vm.kstack.cached_pages", get_kstack_cached_pages, NULL },
	{ "vm.kstack.table_pages", get_kstack_table_pages, NULL },
	{ "debug.witness.enabled", get_witness_on, NULL },
	{ "debug.witness.classes", get_witness_classes, NULL },
	{ "debug.witness.orders", get_witness_orders, NULL },
	{ "debug.kthread_test", kthread_runs_get, kthread_test_set },
	{ "debug.panic", get_zero, debug_panic_set },
	{ "debug.ps", get_zero, debug_ps_set },
	{ "debug.kernel_prot", kernel_prot_get, kernel_prot_set },
	{ "debug.kernel_guard", kernel_guard_get, NULL },
	{ "debug.write_kernel_text", get_zero, write_kernel_text_set },
	{ "debug.kstack_overflow", get_zero, kstack_overflow_set },
	{ "debug.stack_smash", get_zero, debug_stack_smash_set },
#ifdef FAIL_POINTS
	/* The pmap contract test (mm/pmap_contract.c): test builds only. */
	{ "debug.pmap_contract", pmap_contract_get, pmap_contract_set },
	{ "debug.pmap_contract_cases", pmap_contract_cases_get, NULL },
	{ "debug.pmap_tlb_page", get_zero, pmap_tlb_page_set },
	{ "debug.pmap_tlb", get_zero, pmap_tlb_set },
#endif
};

/*
 * sysctlbyname(name, old, oldlenp, new, newlen).  ENOENT for an unknown
 * name, ENOMEM when *oldlenp is too small for the value, EPERM for a
 * write to a read-only knob or by a non-root process, EINVAL for a new
 * value of the wrong size or out of range.
 */
int
sys_sysctlbyname(struct lwp *l, const register_t *args, register_t *rv __unused)
{
	struct proc *p = l->l_proc;
	struct vmspace *vm = p->p_vmspace;
	const struct sysctl_oid *oid = NULL;
	struct fail_point *fp = NULL;
	char name[SYSCTL_NAME_MAX];
	uint64_t oldlen;
	int error, value, newval;

	if ((error = copyinstr(vm, args[0], name, sizeof(name))) != 0)
		return (error == ENAMETOOLONG ? ENOENT : error);
	for (size_t i = 0; i < nitems(sysctls); i++)
		if (strcmp(sysctls[i].name, name) == 0)
			oid = &sysctls[i];
	if (oid == NULL && (fp = fail_point_find(name)) == NULL)
		return (ENOENT);
	value = fp != NULL ? fail_point_get(fp) : oid->get();
	if (args[2] != 0) {
		if ((error = copyin(vm, args[2], &oldlen, sizeof(oldlen))) != 0)
			return (error);
		if (args[1] != 0) {
			if (oldlen < sizeof(int))
				return (ENOMEM);
			if ((error = copyout(vm, &value, args[1], sizeof(int))) != 0)
				return (error);
		}
		oldlen = sizeof(int);
		if ((error = copyout(vm, &oldlen, args[2], sizeof(oldlen))) != 0)
			return (error);
	} else if (args[1] != 0)
		return (EINVAL);
	if (args[3] == 0)
		return (0);
	if ((oid != NULL && oid->set == NULL) || p->p_uid != 0)
		return (EPERM);
	if (args[4] != sizeof(int))
		return (EINVAL);
	if ((error = copyin(vm, args[3], &newval, sizeof(newval))) != 0)
		return (error);
	return (fp != NULL ? fail_point_set(fp, newval) : oid->set(newval));
}
