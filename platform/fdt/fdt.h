/*
 * The flattened device tree reader the platforms a boot loader hands one
 * share (riscv64, aarch64): what start-up needs of the tree, the RAM it
 * lists given to physmem, and its random seed given out once.
 */
#ifndef _FDT_H_
#define _FDT_H_

#include "types.h"

struct mem_range {
	paddr_t		base;
	paddr_t		len;
};

struct fdt_info {
	const char	*bootargs;	/* /chosen/bootargs inside the dtb, or NULL */
	unsigned	ncpus;
	uint64_t	cpus[64];	/* reg of each usable /cpus/cpu@N: a hart id, an MPIDR */
	uint64_t	timebase_hz;	/* /cpus/timebase-frequency, or 0 */
	bool		psci_smc;	/* /psci method is "smc" (else "hvc") */
	unsigned	nmem;
	struct mem_range mem[8];
	unsigned	nresv;
	struct mem_range resv[16];
	uint8_t		*rng_seed;	/* /chosen/rng-seed inside the dtb, or NULL */
	size_t		rng_seed_len;
	paddr_t		dtb_pa;
	size_t		dtb_size;
};

/* Fill *info from the blob at dtb_pa: 0, or EINVAL if it is no device tree. */
int	fdt_parse(paddr_t dtb_pa, struct fdt_info *info);
/* Give physmem the RAM and the holes; where the direct map ends. */
paddr_t	fdt_physmem(const struct fdt_info *fi, paddr_t taken_start, paddr_t taken_end,
	    paddr_t dmap_unit, paddr_t dmap_max);
/* Keep the seed (wiping the tree's copy); later hand out up to len bytes of it, once. */
void	fdt_seed_take(const struct fdt_info *fi);
size_t	fdt_seed_read(void *buf, size_t len);

#endif /* !_FDT_H_ */
