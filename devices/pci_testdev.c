#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "devices/pci_testdev.h"

#define TESTS_PER_SPACE 3 /* no-eventfd, wildcard-eventfd, datamatch-eventfd */
#define DATA_MATCH 0xfa   /* the data a matching test counts */
#define DATA_OTHER 0xce   /* the data shown by the wildcard test */
#define CLASS_OTHER 0xff0000

/* The header a test shows at offset 0 of both BARs, then its name. */
struct header {
	uint8_t test;
	uint8_t width; /* bytes per counted write */
	uint8_t pad0[2];
	uint32_t offset; /* where to write */
	uint8_t data;
	uint8_t pad1[3];
	uint32_t count;
	char name[32]; /* the longest, "portio-datamatch-eventfd", and its NUL */
} __attribute__((packed));

static const char *const names[PCI_TESTDEV_NR_TESTS] = {
	"mmio-no-eventfd",   "mmio-wildcard-eventfd",   "mmio-datamatch-eventfd",
	"portio-no-eventfd", "portio-wildcard-eventfd", "portio-datamatch-eventfd",
};

/* Test t's header. Tests 0-2 are in memory space (their offset past the
 * first 2 KiB), 3-5 in I/O space (past the first 128 bytes), one byte
 * apart, as QEMU lays them out. */
static size_t header(const struct pci_testdev *d, int t, struct header *h)
{
	bool io = t >= TESTS_PER_SPACE;
	bool wildcard = t % TESTS_PER_SPACE == 1;

	memset(h, 0, sizeof(*h));
	h->test = t;
	h->width = 1;
	h->offset = (io ? PCI_TESTDEV_IO_SIZE / 2 : PCI_TESTDEV_MEM_SIZE / 2) + t;
	h->data = wildcard ? DATA_OTHER : DATA_MATCH;
	h->count = d->count[t];
	strcpy(h->name, names[t]);
	return offsetof(struct header, name) + strlen(names[t]) + 1;
}

/* Reads go byte by byte, as QEMU implements them; the bytes past the
 * header (and its last byte, as QEMU) read 0. */
static void read_header(struct pci_testdev *d, struct io_access *a)
{
	struct header h;
	size_t len;

	memset(a->data, 0, a->len);
	if (d->current < 0)
		return;
	len = header(d, d->current, &h);
	for (uint32_t i = 0; i < a->len; i++)
		if (a->offset + i + 1 < len)
			a->data[i] = ((uint8_t *)&h)[a->offset + i];
}

/* An eventfd test takes the writes at its offset in KVM, where the BAR
 * decodes now: armed when the test starts, again when its BAR moves. */
static void arm(struct pci_testdev *d, int t)
{
	struct pci_bar *bar = &d->pci.bar[t >= TESTS_PER_SPACE];
	struct header h;

	if (d->is_armed)
		ioeventfd_set(&d->ioeventfd, &d->armed, false);
	d->is_armed = false;
	if (t < 0 || t % TESTS_PER_SPACE == 0 || d->fd < 0 || !bar->is_mapped)
		return;
	header(d, t, &h);
	d->armed = (struct ioeventfd){ .pio = bar->io,
				       .addr = bar->mapped + h.offset,
				       .len = h.width,
				       .datamatch = h.data == DATA_MATCH,
				       .data = h.data,
				       .fd = d->fd };
	d->is_armed = ioeventfd_set(&d->ioeventfd, &d->armed, true);
}

/* BAR n moved or went off: the current test's eventfd follows its BAR (or
 * goes), as QEMU's memory regions take their ioeventfds along. */
static void bar_moved(void *dev, int n)
{
	struct pci_testdev *d = dev;

	if (d->current >= 0 && n == (d->current >= TESTS_PER_SPACE))
		arm(d, d->current);
}

static void test_write(struct pci_testdev *d, struct io_access *a, bool io)
{
	struct header h;
	int t;

	if (a->offset == offsetof(struct header, test)) {
		t = a->data[0] + (io ? TESTS_PER_SPACE : 0);
		d->current = a->data[0] < TESTS_PER_SPACE ? t : -1;
		if (d->current >= 0)
			d->count[t] = 0;
		arm(d, d->current);
		return;
	}
	if (d->current < 0)
		return;
	header(d, d->current, &h);
	if (a->offset != h.offset)
		return;
	/* The wildcard tests count any write; the others their data. QEMU takes
	 * writes a byte at a time, so only the first byte counts. */
	if (h.data == DATA_OTHER || a->data[0] == h.data)
		d->count[d->current]++;
}

static void mem_io(void *dev, struct io_access *a)
{
	if (a->write)
		test_write(dev, a, false);
	else
		read_header(dev, a);
}

static void port_io(void *dev, struct io_access *a)
{
	if (a->write)
		test_write(dev, a, true);
	else
		read_header(dev, a);
}

int pci_testdev_init(struct pci_testdev *t, struct pci *pci, struct ioeventfd_line ioeventfd)
{
	memset(t, 0, sizeof(*t));
	t->current = -1;
	t->ioeventfd = ioeventfd;
	/* Nothing reads it: KVM's signal is the point, the count the proof. */
	t->fd = ioeventfd.set ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	pci_function_init(&t->pci, PCI_TESTDEV_VENDOR, PCI_TESTDEV_DEVICE, CLASS_OTHER, 0);
	if (pci_function_bar(&t->pci, 0, PCI_TESTDEV_MEM_SIZE, false, mem_io, t) < 0 ||
	    pci_function_bar(&t->pci, 1, PCI_TESTDEV_IO_SIZE, true, port_io, t) < 0)
		return -1;
	t->pci.bar[0].moved = t->pci.bar[1].moved = bar_moved;
	return pci_plug(pci, &t->pci) < 0 ? -1 : 0;
}

void pci_testdev_destroy(struct pci_testdev *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
