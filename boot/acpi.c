#include <string.h>

#include "boot/acpi.h"
#include "boot/checksum.h"
#include "boot/mptable.h"
#include "lib/machine.h"

/* Layouts from the ACPI specification 6.x, chapter 5.2. */
struct rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 2: ACPI 2.0+, has the XSDT */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct gas { /* generic address structure */
	uint8_t space_id, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

struct fadt { /* revision 3 (ACPI 2.0) layout, 244 bytes */
	struct sdt_header h;
	uint32_t facs, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt, pm1b_evt, pm1a_cnt, pm1b_cnt, pm2_cnt, pm_tmr, gpe0, gpe1;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_len, gpe1_len;
	uint8_t gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint8_t reserved2[3];
	uint64_t x_facs, x_dsdt;
	struct gas x_pm1a_evt, x_pm1b_evt, x_pm1a_cnt, x_pm1b_cnt, x_pm2_cnt, x_pm_tmr;
	struct gas x_gpe0, x_gpe1;
} __attribute__((packed));

struct facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature, waking_vector, global_lock, flags;
	uint64_t x_waking_vector;
	uint8_t version;
	uint8_t reserved[31];
} __attribute__((packed));

struct madt_lapic { /* MADT entry type 0 */
	uint8_t type, length, processor_id, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic { /* type 1 */
	uint8_t type, length, id, reserved;
	uint32_t address, gsi_base;
} __attribute__((packed));

struct madt_lapic_nmi { /* type 4 */
	uint8_t type, length, processor_id;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

#define GAS_IO 1
#define MADT_PCAT_COMPAT 0x1 /* dual 8259s present too */
#define MADT_LAPIC_ENABLED 0x1
#define ALL_PROCESSORS 0xff
#define BOOT_ARCH_LEGACY_DEVICES 0x1
#define BOOT_ARCH_8042 0x2
#define FADT_WBINVD 0x1
#define FADT_PWR_BUTTON 0x10 /* no fixed power button */
#define FADT_SLP_BUTTON 0x20 /* no fixed sleep button */
#define FADT_RESET_REG_SUP 0x400
#define RESET_VALUE 0x06 /* reset CPU, hard reset */

/* The DSDT's whole body, in AML: the sleep states' SLP_TYP values,
 * Name (_S3, Package (4) { 1, 1, 0, 0 }) and Name (_S5, Package (4) { 5, 5, 0, 0 }). */
static const uint8_t dsdt_aml[] = {
	0x08, '_',          'S',  '3',          '_', /* NameOp "_S3_" */
	0x12, 0x08,         0x04,                    /* PackageOp, PkgLength 8, 4 elements */
	0x0a, ACPI_S3_TYPE, 0x0a, ACPI_S3_TYPE,      /* BytePrefix 1, BytePrefix 1 */
	0x00, 0x00,                                  /* Zero, Zero */
	0x08, '_',          'S',  '5',          '_', /* NameOp "_S5_" */
	0x12, 0x08,         0x04,                    /* PackageOp, PkgLength 8, 4 elements */
	0x0a, ACPI_S5_TYPE, 0x0a, ACPI_S5_TYPE,      /* BytePrefix 5, BytePrefix 5 */
	0x00, 0x00,                                  /* Zero, Zero */
};

/* Places of the tables inside the area, each aligned as the spec wants
 * (the FACS on 64 bytes). */
enum {
	OFF_RSDP = 0x0,
	OFF_XSDT = 0x40,
	OFF_FADT = 0x80,
	OFF_FACS = 0x180,
	OFF_DSDT = 0x1c0,
	OFF_MADT = 0x200, /* up to 0xa2e with 254 CPUs */
	OFF_RSDT = 0xb00,
	ACPI_AREA_SIZE = 0x1000
};

static void header(struct sdt_header *h, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "VMM   ", 6);
	memcpy(h->oem_table_id, "VMMPC   ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "VMM ", 4);
	h->creator_revision = 1;
}

static struct gas io_gas(uint16_t port, uint8_t bytes)
{
	return (struct gas){ GAS_IO, bytes * 8, 0, bytes == 4 ? 3 : bytes == 2 ? 2 : 1, port };
}

static void write_fadt(struct fadt *f, uint64_t base)
{
	header(&f->h, "FACP", sizeof(*f), 3);
	f->facs = f->x_facs = base + OFF_FACS;
	f->dsdt = f->x_dsdt = base + OFF_DSDT;
	f->sci_int = ACPI_SCI_IRQ;
	/* smi_cmd 0: the machine is always in ACPI mode (SCI_EN reads 1). */
	f->pm1a_evt = ACPI_PM1_EVT_PORT;
	f->pm1a_cnt = ACPI_PM1_CNT_PORT;
	f->pm1_evt_len = 4;
	f->pm1_cnt_len = 2;
	f->x_pm1a_evt = io_gas(ACPI_PM1_EVT_PORT, 4);
	f->x_pm1a_cnt = io_gas(ACPI_PM1_CNT_PORT, 2);
	f->p_lvl2_lat = 101;  /* > 100: no C2 */
	f->p_lvl3_lat = 1001; /* > 1000: no C3 */
	f->century = CMOS_CENTURY;
	f->iapc_boot_arch = BOOT_ARCH_LEGACY_DEVICES | BOOT_ARCH_8042;
	f->flags = FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_RESET_REG_SUP;
	f->reset_reg = io_gas(PCI_RESET_PORT, 1);
	f->reset_value = RESET_VALUE;
	f->h.checksum = table_checksum(f, sizeof(*f));
}

/* The MADT: without it Linux, finding ACPI, ignores the MP table and runs
 * without IOAPIC or other CPUs. Same machine as boot/mptable.c. */
static void write_madt(struct sdt_header *h, int ncpus)
{
	uint8_t *p = (uint8_t *)(h + 1);
	uint32_t lapic_addr = LAPIC_ADDR, flags = MADT_PCAT_COMPAT;
	struct madt_ioapic io = { 1, sizeof(io), ncpus, 0, IOAPIC_ADDR, 0 };
	struct madt_lapic_nmi nmi = { 4, sizeof(nmi), ALL_PROCESSORS, 0, 1 };

	memcpy(p, &lapic_addr, 4);
	memcpy(p + 4, &flags, 4);
	p += 8;
	for (int i = 0; i < ncpus; i++) {
		struct madt_lapic cpu = { 0, sizeof(cpu), i, i, MADT_LAPIC_ENABLED };

		memcpy(p, &cpu, sizeof(cpu));
		p += sizeof(cpu);
	}
	memcpy(p, &io, sizeof(io));
	p += sizeof(io);
	memcpy(p, &nmi, sizeof(nmi));
	p += sizeof(nmi);
	header(h, "APIC", p - (uint8_t *)h, 3);
	h->checksum = table_checksum(h, h->length);
}

uint64_t acpi_write(const struct guest_mem *m, uint64_t base, int ncpus)
{
	uint8_t *area = mem_ptr(m, base, ACPI_AREA_SIZE);
	struct rsdp *rsdp = (struct rsdp *)(area + OFF_RSDP);
	struct sdt_header *xsdt = (struct sdt_header *)(area + OFF_XSDT);
	struct sdt_header *rsdt = (struct sdt_header *)(area + OFF_RSDT);
	uint64_t tables[2] = { base + OFF_FADT, base + OFF_MADT };
	uint32_t tables32[2] = { base + OFF_FADT, base + OFF_MADT };
	struct facs *facs = (struct facs *)(area + OFF_FACS);
	struct sdt_header *dsdt = (struct sdt_header *)(area + OFF_DSDT);

	if (!area || ncpus < 1 || ncpus >= ALL_PROCESSORS)
		return 0;
	memset(area, 0, ACPI_AREA_SIZE);
	header(dsdt, "DSDT", sizeof(*dsdt) + sizeof(dsdt_aml), 2);
	memcpy(dsdt + 1, dsdt_aml, sizeof(dsdt_aml));
	dsdt->checksum = table_checksum(dsdt, dsdt->length);
	memcpy(facs->signature, "FACS", 4);
	facs->length = sizeof(*facs);
	facs->version = 2;
	write_fadt((struct fadt *)(area + OFF_FADT), base);
	write_madt((struct sdt_header *)(area + OFF_MADT), ncpus);

	header(xsdt, "XSDT", sizeof(*xsdt) + sizeof(tables), 1);
	memcpy(xsdt + 1, tables, sizeof(tables));
	xsdt->checksum = table_checksum(xsdt, xsdt->length);
	/* The RSDT too, with 32-bit pointers: what ACPI 1.0 readers walk
	 * (kvm-unit-tests' find_acpi_table_addr does). */
	header(rsdt, "RSDT", sizeof(*rsdt) + sizeof(tables32), 1);
	memcpy(rsdt + 1, tables32, sizeof(tables32));
	rsdt->checksum = table_checksum(rsdt, rsdt->length);

	memcpy(rsdp->signature, "RSD PTR ", 8);
	memcpy(rsdp->oem_id, "VMM   ", 6);
	rsdp->revision = 2;
	rsdp->length = sizeof(*rsdp);
	rsdp->xsdt = base + OFF_XSDT;
	rsdp->rsdt = base + OFF_RSDT;
	rsdp->checksum = table_checksum(rsdp, 20);
	rsdp->ext_checksum = table_checksum(rsdp, sizeof(*rsdp));
	return base + OFF_RSDP;
}

uint32_t acpi_waking_vector(const struct guest_mem *m, uint64_t base)
{
	uint32_t vector = 0;

	mem_read(m, base + OFF_FACS + FACS_WAKING_VECTOR, &vector, sizeof(vector));
	return vector;
}
