#include <string.h>

#include "devices/i8042.h"
#include "lib/log.h"

#define STATUS_OBF 0x01     /* output buffer full */
#define STATUS_SYS 0x04     /* system flag: self-test passed */
#define STATUS_CMD 0x08     /* last write was to the command port */
#define STATUS_UNLOCK 0x10  /* keyboard not inhibited */
#define STATUS_AUXDATA 0x20 /* the output buffer's byte is from the aux port */
#define CCB_KBD_INT 0x01    /* interrupt (IRQ 1) when a keyboard byte waits */
#define CCB_AUX_INT 0x02    /* IRQ 12 for an aux byte */
#define CCB_KBD_DISABLE 0x10
#define CCB_AUX_DISABLE 0x20
#define OUTPORT_RESET 0x01 /* low pulls the CPU's reset line */
#define OUTPORT_A20 0x02

enum {
	CMD_READ_CCB = 0x20,
	CMD_WRITE_CCB = 0x60,
	CMD_AUX_DISABLE = 0xa7,
	CMD_AUX_ENABLE = 0xa8,
	CMD_AUX_TEST = 0xa9,
	CMD_SELF_TEST = 0xaa,
	CMD_KBD_TEST = 0xab,
	CMD_KBD_DISABLE = 0xad,
	CMD_KBD_ENABLE = 0xae,
	CMD_READ_OUTPORT = 0xd0,
	CMD_WRITE_OUTPORT = 0xd1,
	CMD_WRITE_KBD_OUT = 0xd2,
	CMD_WRITE_AUX_OUT = 0xd3,
	CMD_WRITE_AUX = 0xd4,
	CMD_PULSE = 0xf0, /* 0xf0-0xff: pulse output lines whose bit is 0 */
};

/* A byte in the output buffer, as if from the keyboard or the aux port. */
static void reply_from(struct i8042 *k, uint8_t v, bool aux)
{
	k->out = v;
	k->status = (k->status & ~STATUS_AUXDATA) | STATUS_OBF | (aux ? STATUS_AUXDATA : 0);
}

static void reply(struct i8042 *k, uint8_t v)
{
	reply_from(k, v, false);
}

/* IRQ 1 or 12 while a byte of that source waits and the CCB enables it
 * (what Linux's i8042 driver checks for the aux port: a looped-back byte
 * must arrive as IRQ 12). ISA lines are edge-triggered: reading the byte
 * lowers the line, so the next byte is a new edge. */
static void update_irq(struct i8042 *k)
{
	bool full = k->status & STATUS_OBF, aux = k->status & STATUS_AUXDATA;
	int kbd = full && !aux && (k->ccb & CCB_KBD_INT);
	int mouse = full && aux && (k->ccb & CCB_AUX_INT);

	irq_update(&k->kbd_irq, &k->kbd_level, kbd);
	irq_update(&k->aux_irq, &k->aux_level, mouse);
}

/* The output port's bit 0 drives the CPU's reset line, active low. */
static void reset(struct i8042 *k)
{
	warn("guest reset the machine (i8042 reset line)");
	stop_pull(&k->stop, STATUS_RESET);
}

static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CCB:
		reply(k, k->ccb);
		break;
	case CMD_READ_OUTPORT:
		reply(k, k->outport);
		break;
	case CMD_AUX_DISABLE:
		k->ccb |= CCB_AUX_DISABLE;
		break;
	case CMD_AUX_ENABLE:
		k->ccb &= ~CCB_AUX_DISABLE;
		break;
	case CMD_KBD_DISABLE:
		k->ccb |= CCB_KBD_DISABLE;
		break;
	case CMD_KBD_ENABLE:
		k->ccb &= ~CCB_KBD_DISABLE;
		break;
	case CMD_AUX_TEST:
	case CMD_KBD_TEST:
		reply(k, 0x00);
		break; /* no error */
	case CMD_SELF_TEST:
		k->status |= STATUS_SYS;
		reply(k, 0x55);
		break;
	case CMD_WRITE_CCB:
	case CMD_WRITE_OUTPORT:
	case CMD_WRITE_KBD_OUT:
	case CMD_WRITE_AUX_OUT:
	case CMD_WRITE_AUX:
		k->pending = cmd;
		break;
	default:
		if (cmd >= CMD_PULSE && !(cmd & OUTPORT_RESET))
			reset(k);
	}
}

static void data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	if (cmd == CMD_WRITE_CCB) {
		k->ccb = v;
	} else if (cmd == CMD_WRITE_OUTPORT) {
		k->outport = v;
		if (!(v & OUTPORT_RESET))
			reset(k);
	} else if (cmd == CMD_WRITE_KBD_OUT || cmd == CMD_WRITE_AUX_OUT) {
		/* The controller's own loopback: Linux tests the aux port so
		 * (I8042_CMD_AUX_LOOP), and waits 10 000 polls for the byte. */
		reply_from(k, v, cmd == CMD_WRITE_AUX_OUT);
	}
	/* Bytes for the keyboard or mouse go nowhere: there is none, and a
	 * driver treats the silence as "no device". */
}

static void i8042_io(void *dev, struct io_access *a)
{
	struct i8042 *k = dev;
	bool cmd_port = a->offset == I8042_CMD_PORT - I8042_DATA_PORT;

	if (a->write) {
		k->status = cmd_port ? (k->status | STATUS_CMD) : (k->status & ~STATUS_CMD);
		if (cmd_port)
			command(k, a->data[0]);
		else if (a->offset == 0)
			data(k, a->data[0]);
		update_irq(k);
		return;
	}
	memset(a->data, 0, a->len);
	if (cmd_port) {
		a->data[0] = k->status;
	} else if (a->offset == 0) {
		a->data[0] = k->out;
		k->status &= ~(STATUS_OBF | STATUS_AUXDATA);
	} else {
		memset(a->data, 0xff, a->len); /* 0x61-0x63 are not the controller */
	}
	update_irq(k);
}

int i8042_init(struct i8042 *k, struct bus *pio, struct stop_line stop, struct irq_line kbd_irq,
	       struct irq_line aux_irq)
{
	memset(k, 0, sizeof(*k));
	k->status = STATUS_UNLOCK;
	k->outport = OUTPORT_RESET | OUTPORT_A20;
	k->stop = stop;
	k->kbd_irq = kbd_irq;
	k->aux_irq = aux_irq;
	/* One range 0x60-0x64: 0x61 inside it is the PIT's speaker port, which
	 * KVM's in-kernel PIT answers (KVM_PIT_SPEAKER_DUMMY) before an exit
	 * could reach us. */
	return bus_register(pio, I8042_DATA_PORT, I8042_CMD_PORT - I8042_DATA_PORT + 1, i8042_io,
			    k);
}
