/*
 * Console output on the virt board's PL011 UART, polled, through the
 * direct map.  QEMU's PL011 needs no set-up to transmit; we only wait
 * while the transmit FIFO is full.  Bytes go out as given.
 */
#include "hal.h"

#include "machdep.h"

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_TXFF	0x20
#define UARTIMSC	0x38

static volatile uint32_t *
uart(void)
{
	return ((volatile uint32_t *)phys_to_kva(VIRT_UART_PA));
}

void
console_init(void)
{
	uart()[UARTIMSC / 4] = 0;	/* polled: no UART interrupts */
}

void
hal_putc(int c)
{
	volatile uint32_t *u = uart();

	while (u[UARTFR / 4] & UARTFR_TXFF)
		;
	u[UARTDR / 4] = (uint8_t)c;
}
