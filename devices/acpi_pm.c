#include <string.h>

#include "devices/acpi_pm.h"
#include "lib/log.h"
#include "lib/machine.h"

#define PM1_EN_OFFSET 2 /* PM1_STS at 0, PM1_EN at 2 */
#define PM1_CNT_OFFSET (ACPI_PM1_CNT_PORT - ACPI_PM1_EVT_PORT)
#define PM1_CNT_SLP_TYP(v) (((v) >> PM1_CNT_SLP_TYP_SHIFT) & 7)

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
			put16(a, p->status);
		return;
	}
	if (a->offset == PM1_EN_OFFSET) {
		p->enable = get16(a);
	} else if (a->offset == PM1_CNT_OFFSET) {
		uint16_t v = get16(a);

		p->control = v & ~PM1_CNT_SLP_EN;
		if ((v & PM1_CNT_SLP_EN) && PM1_CNT_SLP_TYP(v) == ACPI_S5_TYPE)
			stop_pull(&p->stop, STATUS_HALT); /* soft off */
		if ((v & PM1_CNT_SLP_EN) && PM1_CNT_SLP_TYP(v) == ACPI_S3_TYPE && !p->asleep) {
			p->asleep = true;
			p->status &= ~PM1_STS_WAK;
			sleep_pull(&p->sleep, false);
		}
	} else if (a->offset == 0) {
		p->status &= ~get16(a); /* PM1_STS: writing 1 clears a bit */
	}
}

static void wake(struct acpi_pm *p)
{
	if (!p->asleep)
		return;
	p->asleep = false;
	p->status |= PM1_STS_WAK;
	sleep_pull(&p->sleep, true);
}

/* The RTC alarm sets RTC_STS and wakes a sleeping machine only if RTC_EN
 * (ACPI 6.x, 4.8.3.1); input always wakes it. */
static void wake_event(void *ctx, int source, int level)
{
	struct acpi_pm *p = ctx;

	if (!level)
		return;
	if (source == ACPI_WAKE_RTC) {
		p->status |= PM1_STS_RTC;
		if (!(p->enable & PM1_EN_RTC))
			return;
	}
	wake(p);
}

struct irq_line acpi_pm_wake_line(struct acpi_pm *p, enum acpi_wake_source source)
{
	return (struct irq_line){ wake_event, p, source };
}

int acpi_pm_init(struct acpi_pm *p, struct bus *pio, struct stop_line stop, struct sleep_line sleep)
{
	memset(p, 0, sizeof(*p));
	p->stop = stop;
	p->sleep = sleep;
	return bus_register(pio, ACPI_PM1_EVT_PORT, PM1_CNT_OFFSET + 2, acpi_pm_io, p);
}
