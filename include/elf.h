/*
 * ELF64 executables: just what the loader needs.  elf_parse() checks an
 * image completely before anything is mapped, so a truncated or malformed
 * file is an error and never a fault in the kernel.
 */
#ifndef _ELF_H_
#define _ELF_H_

#include "types.h"

#define ELF_MAX_SEGS	8

/* e_machine values of the platforms (hal_elf_machine), as the ELF psABIs name them. */
#define EM_X86_64	62
#define EM_RISCV	243
#define EM_AARCH64	183

struct elf_seg {
	vaddr_t		vaddr;
	size_t		memsz;
	size_t		filesz;
	size_t		offset;
	vm_prot_t	prot;
};

struct elf_image {
	vaddr_t		entry;
	unsigned	nsegs;
	struct elf_seg	segs[ELF_MAX_SEGS];
};

/*
 * Check that img[0, len) is a static little-endian ELF64 executable for
 * `machine` whose loadable segments lie inside the file and inside
 * [VM_MIN_USER, VM_MAX_USER) without sharing a page, with the entry point
 * in an executable segment.  0 and *out filled, or ENOEXEC.
 */
int	elf_parse(const void *img, size_t len, uint16_t machine, struct elf_image *out);

#endif /* !_ELF_H_ */
