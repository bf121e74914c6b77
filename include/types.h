/*
 * Kernel-wide basic types.  Freestanding: only the compiler's own headers.
 */
#ifndef _TYPES_H_
#define _TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;	/* physical address */
typedef uint64_t vaddr_t;	/* virtual address */
typedef uint64_t register_t;	/* a general register as a syscall sees it */
typedef int64_t ssize_t;
typedef int32_t pid_t;
typedef int32_t lwpid_t;
typedef uint32_t uid_t;
typedef int64_t id_t;

typedef unsigned int vm_prot_t;
#define VM_PROT_NONE	0x0u
#define VM_PROT_READ	0x1u
#define VM_PROT_WRITE	0x2u
#define VM_PROT_EXEC	0x4u
#define VM_PROT_ALL	(VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ul << PAGE_SHIFT)
#define PAGE_MASK	(PAGE_SIZE - 1)
#define trunc_page(x)	((x) & ~PAGE_MASK)
#define round_page(x)	(((x) + PAGE_MASK) & ~PAGE_MASK)

#define KSTACK_PAGES	4
#define KSTACK_SIZE	(KSTACK_PAGES * PAGE_SIZE)

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define __unused	__attribute__((unused))
#define __packed	__attribute__((packed))
#define __aligned(x)	__attribute__((aligned(x)))
#define __noreturn	_Noreturn
/* Code that runs while the stack protector's guard changes (core/stack_protector.c). */
#define __no_stack_protector __attribute__((no_stack_protector))
#define __predict_false(x) __builtin_expect(!!(x), 0)
#define __predict_true(x) __builtin_expect(!!(x), 1)
#define container_of(p, t, m) ((t *)((char *)(p) - offsetof(t, m)))

#endif /* !_TYPES_H_ */
