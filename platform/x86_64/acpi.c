/*
 * Finding the CPUs: ACPI's MADT.  PVH's start_info gives the RSDP; it
 * leads to the XSDT (ACPI 2.0 and later) or the RSDT, which lists the
 * MADT ("APIC").  Its processor local APIC and local x2APIC entries name
 * the CPUs; every enabled one but the boot CPU is attached (cpu_attach),
 * in table order.  Runs once before kmain(), reading the tables through
 * the direct map (the memory map keeps them out of the page allocator, and
 * nothing is allocated yet anyway).  Without an RSDP or a MADT the kernel
 * runs on the boot CPU alone and says so.
 */
#include "hal.h"
#include "kernel.h"
#include "smp.h"
#include "x86.h"

struct acpi_rsdp {
	char	rsdp_sig[8];		/* "RSD PTR " */
	uint8_t	rsdp_cksum;		/* of the first RSDP_V1_LEN bytes */
	char	rsdp_oem[6];
	uint8_t	rsdp_rev;		/* 0: ACPI 1.0, RSDT only; 2: an XSDT too */
	uint32_t rsdp_rsdt;
	/* rsdp_rev >= 2 */
	uint32_t rsdp_len;
	uint64_t rsdp_xsdt;
	uint8_t	rsdp_xcksum;		/* of all of it */
	uint8_t	rsdp_rsvd[3];
} __packed;
#define RSDP_V1_LEN	20

/* The header of every system description table. */
struct acpi_sdt {
	char	sdt_sig[4];
	uint32_t sdt_len;		/* of the whole table */
	uint8_t	sdt_rev;
	uint8_t	sdt_cksum;		/* all sdt_len bytes sum to 0 */
	char	sdt_oem[6];
	char	sdt_oem_table[8];
	uint32_t sdt_oem_rev;
	uint32_t sdt_creator;
	uint32_t sdt_creator_rev;
} __packed;

struct acpi_madt {
	struct acpi_sdt madt_hdr;
	uint32_t madt_lapic;		/* local APIC address */
	uint32_t madt_flags;
	/* then interrupt controller structures, each type, length, ... */
} __packed;

#define MADT_LAPIC	0		/* processor local APIC */
#define MADT_X2APIC	9		/* processor local x2APIC */
#define MADT_ENABLED	0x1		/* flags of both: the CPU is usable */

struct madt_lapic {
	uint8_t	ml_type;
	uint8_t	ml_len;
	uint8_t	ml_uid;			/* ACPI processor UID */
	uint8_t	ml_apic_id;
	uint32_t ml_flags;
} __packed;

struct madt_x2apic {
	uint8_t	mx_type;
	uint8_t	mx_len;
	uint16_t mx_rsvd;
	uint32_t mx_apic_id;
	uint32_t mx_flags;
	uint32_t mx_uid;
} __packed;

#define XAPIC_MAX_ID	0xfe	/* 0xff is xAPIC's broadcast address */

static bool
cksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len-- > 0)
		sum += *b++;
	return (sum == 0);
}

/* The table at pa if it has signature sig and adds up, else NULL. */
static const struct acpi_sdt *
sdt_at(paddr_t pa, const char *sig)
{
	const struct acpi_sdt *h;

	if (pa == 0 || pa > x86_dmap_end - sizeof(*h))
		return (NULL);
	h = phys_to_kva(pa);
	if (memcmp(h->sdt_sig, sig, 4) != 0 || h->sdt_len < sizeof(*h) ||
	    h->sdt_len > x86_dmap_end - pa || !cksum_ok(h, h->sdt_len))
		return (NULL);
	return (h);
}

/* The MADT, through the XSDT if the RSDP has one, else the RSDT; or NULL. */
static const struct acpi_madt *
madt_find(paddr_t rsdp_pa)
{
	const struct acpi_rsdp *rsdp = phys_to_kva(rsdp_pa);
	const struct acpi_sdt *root, *h;
	const uint8_t *ent;
	size_t esize, i, n;
	paddr_t pa;

	if (rsdp_pa > x86_dmap_end - sizeof(*rsdp) ||
	    memcmp(rsdp->rsdp_sig, "RSD PTR ", 8) != 0 ||
	    !cksum_ok(rsdp, RSDP_V1_LEN))
		return (NULL);
	if (rsdp->rsdp_rev >= 2 && cksum_ok(rsdp, sizeof(*rsdp)) &&
	    (root = sdt_at(rsdp->rsdp_xsdt, "XSDT")) != NULL)
		esize = 8;
	else if ((root = sdt_at(rsdp->rsdp_rsdt, "RSDT")) != NULL)
		esize = 4;
	else
		return (NULL);
	ent = (const uint8_t *)(root + 1);
	n = (root->sdt_len - sizeof(*root)) / esize;
	for (i = 0; i < n; i++) {
		pa = 0;
		memcpy(&pa, ent + i * esize, esize); /* LE, unaligned */
		h = sdt_at(pa, "APIC");
		if (h != NULL && h->sdt_len >= sizeof(struct acpi_madt))
			return ((const struct acpi_madt *)h);
	}
	return (NULL);
}

void
x86_acpi_attach_cpus(paddr_t rsdp_pa, uint32_t boot_apic_id)
{
	const struct acpi_madt *madt;
	const struct madt_x2apic *mx;
	const struct madt_lapic *ml;
	const uint8_t *p, *end;
	uint32_t id, flags;
	unsigned n = 0;

	if (rsdp_pa == 0) {
		printf("x86: no ACPI RSDP from the boot loader: one CPU\n");
		return;
	}
	if ((madt = madt_find(rsdp_pa)) == NULL) {
		printf("x86: no valid ACPI MADT (RSDP at %#lx): one CPU\n",
		    rsdp_pa);
		return;
	}
	end = (const uint8_t *)madt + madt->madt_hdr.sdt_len;
	for (p = (const uint8_t *)(madt + 1); end - p >= 2 && p[1] >= 2 &&
	    p[1] <= end - p; p += p[1]) {
		if (p[0] == MADT_LAPIC && p[1] >= sizeof(*ml)) {
			ml = (const struct madt_lapic *)p;
			id = ml->ml_apic_id;
			flags = ml->ml_flags;
		} else if (p[0] == MADT_X2APIC && p[1] >= sizeof(*mx)) {
			mx = (const struct madt_x2apic *)p;
			id = mx->mx_apic_id;
			flags = mx->mx_flags;
		} else
			continue;
		if (!(flags & MADT_ENABLED))
			continue;
		n++;
		if (id == boot_apic_id)
			continue;
		if (id > XAPIC_MAX_ID) {
			printf("x86: cpu with APIC id %u left off: beyond xAPIC\n",
			    id);
			continue;
		}
		cpu_attach(id);
	}
	printf("x86: the ACPI MADT lists %u CPU%s\n", n, n == 1 ? "" : "s");
}
