#include <linux/serial_reg.h>
#include <string.h>

#include "devices/serial.h"

#define SERIAL_NR_PORTS 8

/* Modem status when nothing is looped back: carrier, data set ready and
 * clear to send, as a connected terminal would show. */
#define MSR_CONNECTED (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

static unsigned rx_capacity(const struct serial *s)
{
	/* With FIFOs off the UART holds a single received byte. */
	return (s->fcr & UART_FCR_ENABLE_FIFO) ? SERIAL_FIFO_SIZE : 1;
}

static size_t rx_room(const struct serial *s)
{
	if (s->mcr & UART_MCR_LOOP)
		return 0;
	return rx_capacity(s) - s->rx_count;
}

static void rx_push(struct serial *s, uint8_t byte)
{
	if (s->rx_count == rx_capacity(s)) {
		s->overrun = true;
		return;
	}
	s->rx[(s->rx_head + s->rx_count++) % SERIAL_FIFO_SIZE] = byte;
}

/* Interrupt identification in the datasheet's priority order. */
static uint8_t iir_source(const struct serial *s)
{
	if ((s->ier & UART_IER_RLSI) && s->overrun)
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_RDI) && s->rx_count)
		return UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thre_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

static void update_irq(struct serial *s)
{
	irq_update(&s->irq, &s->irq_level, iir_source(s) != UART_IIR_NO_INT);
}

static uint8_t msr(const struct serial *s)
{
	uint8_t m = s->mcr;

	if (!(s->mcr & UART_MCR_LOOP))
		return MSR_CONNECTED;
	/* Loopback wires RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
	return ((m & UART_MCR_RTS) ? UART_MSR_CTS : 0) | ((m & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
	       ((m & UART_MCR_OUT1) ? UART_MSR_RI : 0) | ((m & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

/* Host input, as much as the receive FIFO has room for. */
static void receive(struct serial *s)
{
	uint8_t buf[SERIAL_FIFO_SIZE];
	size_t n = s->line.read ? s->line.read(s->line.ctx, buf, rx_room(s)) : 0;

	for (size_t i = 0; i < n; i++)
		rx_push(s, buf[i]);
	/* Not only on arrival: a byte that came before the guest slept (and
	 * it never read) wakes it on the next poll, as the key still held. */
	if (s->rx_count)
		irq_set(&s->wake, 1);
}

/* Whether the line is too full for THR to count as empty. Asked again on
 * each LSR read, so a guest polling LSR sees THRE as soon as there is room. */
static bool tx_full(struct serial *s)
{
	bool held = !(s->mcr & UART_MCR_LOOP) && s->line.full && s->line.full(s->line.ctx);

	if (s->tx_held && !held)
		s->thre_pending = true; /* the line took more: THR is empty now */
	s->tx_held = held;
	return held;
}

static uint8_t read_rbr(struct serial *s)
{
	uint8_t byte = 0;

	if (s->rx_count) {
		byte = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
		if (--s->rx_count == 0)
			receive(s);
	}
	return byte;
}

static uint8_t serial_read(struct serial *s, unsigned reg)
{
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case UART_RX:
		return dlab ? s->dll : read_rbr(s);
	case UART_IER:
		return dlab ? s->dlm : s->ier;
	case UART_IIR:
		v = iir_source(s);
		if (v == UART_IIR_THRI)
			s->thre_pending = false; /* reading IIR acknowledges THRE */
		return v | ((s->fcr & UART_FCR_ENABLE_FIFO) ? 0xc0 : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = (tx_full(s) ? 0 : UART_LSR_THRE | UART_LSR_TEMT) |
		    (s->rx_count ? UART_LSR_DR : 0) | (s->overrun ? UART_LSR_OE : 0);
		s->overrun = false;
		return v;
	case UART_MSR:
		return msr(s);
	default:
		return s->scr;
	}
}

static void write_thr(struct serial *s, uint8_t byte)
{
	if (s->mcr & UART_MCR_LOOP)
		rx_push(s, byte);
	else if (s->line.write)
		s->line.write(s->line.ctx, byte);
	s->thre_pending = !tx_full(s); /* sent at once: THR is empty again */
}

static void write_fcr(struct serial *s, uint8_t v)
{
	if ((v ^ s->fcr) & UART_FCR_ENABLE_FIFO)
		v |= UART_FCR_CLEAR_RCVR; /* toggling FIFO mode resets them */
	if (v & UART_FCR_CLEAR_RCVR)
		s->rx_count = 0;
	s->fcr = v & (UART_FCR_ENABLE_FIFO | UART_FCR_TRIGGER_MASK);
}

static void serial_write(struct serial *s, unsigned reg, uint8_t v)
{
	bool dlab = s->lcr & UART_LCR_DLAB;

	switch (reg) {
	case UART_TX:
		if (dlab)
			s->dll = v;
		else
			write_thr(s, v);
		break;
	case UART_IER:
		if (dlab) {
			s->dlm = v;
			break;
		}
		/* Enabling the THRE interrupt while THR is empty raises it. */
		if ((v & ~s->ier) & UART_IER_THRI)
			s->thre_pending = !tx_full(s);
		s->ier = v & 0x0f;
		break;
	case UART_FCR:
		write_fcr(s, v);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

static void serial_io(void *dev, struct io_access *a)
{
	struct serial *s = dev;

	/* Registers are bytes; a wider access touches the first one only. */
	if (a->write) {
		serial_write(s, a->offset, a->data[0]);
	} else {
		memset(a->data, 0, a->len);
		a->data[0] = serial_read(s, a->offset);
	}
	update_irq(s);
}

int serial_init(struct serial *s, struct bus *pio, uint16_t base, struct irq_line irq,
		struct irq_line wake, struct serial_backend line)
{
	memset(s, 0, sizeof(*s)); /* every register resets to 0 (PC16550D, table VI) */
	s->irq = irq;
	s->wake = wake;
	s->line = line;
	return bus_register(pio, base, SERIAL_NR_PORTS, serial_io, s);
}

void serial_poll(struct serial *s)
{
	receive(s);
	if (s->tx_held)
		tx_full(s); /* THRE, if the line has room again */
	update_irq(s);
}
