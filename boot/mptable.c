#include <string.h>

#include "boot/checksum.h"
#include "boot/mptable.h"

/* Layouts from the MP specification 1.4, chapter 4. */
struct mpf_intel {
	char signature[4]; /* "_MP_" */
	uint32_t physptr;
	uint8_t length; /* in 16-byte units */
	uint8_t specification;
	uint8_t checksum;
	uint8_t feature[5];
} __attribute__((packed));

struct mpc_table {
	char signature[4]; /* "PCMP" */
	uint16_t length;
	uint8_t spec;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oemptr;
	uint16_t oemsize;
	uint16_t count;
	uint32_t lapic;
	uint16_t reserved[2];
} __attribute__((packed));

struct mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag, reserved[2];
} __attribute__((packed));

struct mpc_bus {
	uint8_t type, busid;
	char bustype[6];
} __attribute__((packed));

struct mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
} __attribute__((packed));

struct mpc_intsrc { /* also the local interrupt entry: same layout */
	uint8_t type, irqtype;
	uint16_t irqflag;
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
} __attribute__((packed));

enum { MP_PROCESSOR, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };
#define CPU_ENABLED 1
#define CPU_BOOTPROCESSOR 2
#define APIC_VERSION 0x14
#define IOAPIC_VERSION 0x11
#define ISA_IRQS 16
#define ALL_LAPICS 0xff

static size_t table_size(int ncpus)
{
	return sizeof(struct mpc_table) + ncpus * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +
	       sizeof(struct mpc_ioapic) + (ISA_IRQS + 2) * sizeof(struct mpc_intsrc);
}

static uint8_t *put(uint8_t *p, const void *entry, size_t len)
{
	memcpy(p, entry, len);
	return p + len;
}

static void write_entries(uint8_t *p, int ncpus, uint32_t sig, uint32_t features)
{
	struct mpc_bus bus = { MP_BUS, 0, "ISA   " };
	struct mpc_ioapic ioapic = { MP_IOAPIC, ncpus, IOAPIC_VERSION, 1, IOAPIC_ADDR };
	struct mpc_intsrc extint = { MP_LINTSRC, MP_EXTINT, 0, 0, 0, 0, 0 };
	struct mpc_intsrc nmi = { MP_LINTSRC, MP_NMI, 0, 0, 0, ALL_LAPICS, 1 };

	for (int i = 0; i < ncpus; i++) {
		struct mpc_cpu cpu = { MP_PROCESSOR, i,
				       APIC_VERSION, CPU_ENABLED | (i == 0 ? CPU_BOOTPROCESSOR : 0),
				       sig,          features,
				       { 0, 0 } };

		p = put(p, &cpu, sizeof(cpu));
	}
	p = put(p, &bus, sizeof(bus));
	p = put(p, &ioapic, sizeof(ioapic));
	/* KVM's default routing sends ISA IRQ n to IOAPIC pin n. */
	for (int irq = 0; irq < ISA_IRQS; irq++) {
		struct mpc_intsrc src = { MP_INTSRC, MP_INT, 0, 0, irq, ncpus, irq };

		p = put(p, &src, sizeof(src));
	}
	/* The 8259 on LINT0 of the BSP and NMI on LINT1 of every CPU, as the
	 * VMM programs the LAPICs. */
	p = put(p, &extint, sizeof(extint));
	put(p, &nmi, sizeof(nmi));
}

int mptable_write(const struct guest_mem *m, uint64_t addr, int ncpus, uint32_t cpu_signature,
		  uint32_t cpu_features)
{
	size_t len = sizeof(struct mpf_intel) + table_size(ncpus);
	uint8_t *base = mem_ptr(m, addr, len);
	struct mpf_intel *mpf = (struct mpf_intel *)base;
	struct mpc_table *mpc = (struct mpc_table *)(base + sizeof(*mpf));

	if (!base || ncpus < 1 || ncpus >= ALL_LAPICS)
		return -1;
	memset(base, 0, len);
	write_entries((uint8_t *)(mpc + 1), ncpus, cpu_signature, cpu_features);
	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = table_size(ncpus);
	mpc->spec = 4;
	memcpy(mpc->oem, "VMM     ", 8);
	memcpy(mpc->product, "VMM PC      ", 12);
	mpc->count = ncpus + 1 + 1 + ISA_IRQS + 2;
	mpc->lapic = LAPIC_ADDR;
	mpc->checksum = table_checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->physptr = addr + sizeof(*mpf);
	mpf->length = 1;
	mpf->specification = 4;
	mpf->checksum = table_checksum(mpf, sizeof(*mpf));
	return 0;
}
