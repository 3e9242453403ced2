#ifndef PCI_TESTDEV_H
#define PCI_TESTDEV_H

#include <stdint.h>

#include "devices/pci.h"

#define PCI_TESTDEV_NR_TESTS 6 /* three kinds of write test, in memory and in I/O space */

/* QEMU's pci-testdev (hw/misc/pci-testdev.c), which kvm-unit-tests'
 * pci-testdev test enumerates and drives: BAR 0 (memory) and BAR 1 (I/O)
 * each show the current test's header, and a write of N to offset 0
 * starts test N of that space. A test counts the writes to its offset
 * (with its data, for the data-matching ones); the guest reads the count
 * back from the header. The wildcard and data-matching tests are KVM's
 * ioeventfds: their writes end in an eventfd inside KVM. */
struct pci_testdev {
	struct pci_function pci;
	int current; /* -1: none */
	uint32_t count[PCI_TESTDEV_NR_TESTS];
	/* The eventfd tests hand their writes to KVM, as QEMU does: those
	 * never reach the device, so their count stays 0. */
	struct ioeventfd_line ioeventfd;
	int fd; /* -1 without the line */
	struct ioeventfd armed;
	bool is_armed;
};

/* Plugged into pci by the board. */
int pci_testdev_init(struct pci_testdev *t, struct pci *pci, struct ioeventfd_line ioeventfd);
void pci_testdev_destroy(struct pci_testdev *t);

#endif
