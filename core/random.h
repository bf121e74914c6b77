/*
 * The kernel's one random source (core/random.c): a ChaCha20 keystream
 * with fast key erasure, OpenBSD's arc4random construction, seeded at
 * boot from hal_entropy() and, when the platform has less than
 * RANDOM_SEED_HW_MIN bytes of it, from timer and cycle-counter jitter.
 *
 * Everything in the kernel that wants unpredictable numbers (the stack
 * protector's guard, each exec's user canary and ASLR offsets, random
 * pids) draws from here.  Lock: random_lock, a leaf (nothing is taken
 * while it is held), so any CPU may call these holding any other lock.
 */
#ifndef _RANDOM_H_
#define _RANDOM_H_

#include "types.h"

/* Fewer hardware bytes than this and the seed gathers jitter too. */
#define RANDOM_SEED_HW_MIN	32

/*
 * Seed the source.  Called once by kmain() before anything draws from it
 * and before any lock is taken, on the boot CPU with interrupts masked.
 */
void	random_init(void);

uint64_t kern_random(void);
void	kern_random_bytes(void *buf, size_t len);

/* A uniformly random number in [0, n), n a power of two and not 0. */
static inline uint64_t
kern_random_pow2(uint64_t n)
{
	return (kern_random() & (n - 1));
}

/* How many of the seed's bytes came from the platform's hardware (kern.random.hw_bytes). */
extern size_t random_hw_bytes;

/*
 * One ChaCha20 block (D. J. Bernstein's original: a 64-bit block counter
 * in words 12-13, a 64-bit nonce in 14-15): out = the 64 bytes of
 * keystream for the state `in`.  Exposed for the host tests' vectors.
 */
void	chacha20_block(uint32_t out[16], const uint32_t in[16]);

#endif /* !_RANDOM_H_ */
