/*
 * The user programs built into the kernel image (tools/embed.py writes
 * the table at build time).
 */
#ifndef _PROGS_H_
#define _PROGS_H_

#include "types.h"

struct embedded_prog {
	const char	*name;
	const void	*image;
	uint64_t	size;
};

extern const struct embedded_prog embedded_progs[];
extern const uint64_t embedded_nprogs;

/* The program called name, or NULL. */
const struct embedded_prog *prog_lookup(const char *name);

#endif /* !_PROGS_H_ */
