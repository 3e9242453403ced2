#include <string.h>

#include "devices/acpi_pm.h"
#include "lib/log.h"
#include "lib/machine.h"

#define PM1_EN_OFFSET 2 /* PM1_STS at 0, PM1_EN at 2 */
#define PM1_CNT_OFFSET (ACPI_PM1_CNT_PORT - ACPI_PM1_EVT_PORT)
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP(v) (((v) >> 10) & 7)
#define PM1_CNT_SLP_EN 0x2000

static void put16(struct io_access *a, uint16_t v)
{
	memset(a->data, 0, a->len);
	memcpy(a->data, &v, a->len < 2 ? a->len : 2);
}

static uint16_t get16(const struct io_access *a)
{
	uint16_t v = 0;

	memcpy(&v, a->data, a->len < 2 ? a->len : 2);
	return v;
}

static void acpi_pm_io(void *dev, struct io_access *a)
{
	struct acpi_pm *p = dev;

	if (!a->write) {
		if (a->offset == PM1_EN_OFFSET)
			put16(a, p->enable);
		else if (a->offset == PM1_CNT_OFFSET)
			put16(a, p->control | PM1_CNT_SCI_EN);
		else
			put16(a, 0); /* PM1_STS: no events ever */
		return;
	}
	if (a->offset == PM1_EN_OFFSET) {
		p->enable = get16(a);
	} else if (a->offset == PM1_CNT_OFFSET) {
		uint16_t v = get16(a);

		p->control = v & ~PM1_CNT_SLP_EN;
		if ((v & PM1_CNT_SLP_EN) && PM1_CNT_SLP_TYP(v) == ACPI_S5_TYPE)
			stop_pull(&p->stop, STATUS_HALT); /* soft off */
	}
	/* PM1_STS writes clear status bits: there are none. */
}

int acpi_pm_init(struct acpi_pm *p, struct bus *pio, struct stop_line stop)
{
	memset(p, 0, sizeof(*p));
	p->stop = stop;
	return bus_register(pio, ACPI_PM1_EVT_PORT, PM1_CNT_OFFSET + 2, acpi_pm_io, p);
}
