/*
 * Console output on the virt machine's NS16550A UART, polled, through the
 * direct map.  OpenSBI has already programmed the line (115200 8N1), so
 * we only wait for the transmit holding register to empty.  Bytes go out
 * as given: no "\n" to "\r\n" translation.
 */
#include "hal.h"

#include "machdep.h"

#define UART_THR	0	/* transmit holding register */
#define UART_IER	1
#define UART_LSR	5	/* line status */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

static volatile uint8_t *
uart(void)
{
	return ((volatile uint8_t *)phys_to_kva(VIRT_UART0_PA));
}

void
console_init(void)
{
	uart()[UART_IER] = 0;	/* polled: no UART interrupts */
}

void
hal_putc(int c)
{
	volatile uint8_t *u = uart();

	while ((u[UART_LSR] & UART_LSR_THRE) == 0)
		;
	u[UART_THR] = (uint8_t)c;
}
