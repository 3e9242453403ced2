#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "devices/rtc.h"
#include "lib/log.h"
#include "lib/machine.h"

/* Register numbers and bits from the MC146818A datasheet (the ones the
 * guests use too are in lib/machine.h). */
enum {
	REG_SECONDS = 0x00,
	REG_MINUTES = 0x02,
	REG_HOURS = 0x04,
	REG_WEEKDAY = 0x06,
	REG_DAY = 0x07,
	REG_MONTH = 0x08,
	REG_YEAR = 0x09,
};
#define REG_A_DEFAULT 0x26 /* 32.768 kHz base, 1024 Hz periodic rate */
#define UIP_NS 244000      /* UIP is set this long before each update */
#define REG_B_24H 0x02
#define REG_B_BINARY 0x04
#define REG_D_VALID 0x80 /* battery good */
#define ALARM_LOOKBACK_S (24 * 3600)

static uint8_t encode(const struct rtc *r, int v)
{
	return (r->cmos[CMOS_REG_B] & REG_B_BINARY) ? v : ((v / 10) << 4) | (v % 10);
}

static uint8_t hours(const struct rtc *r, int h)
{
	if (r->cmos[CMOS_REG_B] & REG_B_24H)
		return encode(r, h);
	return encode(r, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0); /* bit 7: PM */
}

/* UTC calendar fields of a time, computed here rather than by gmtime_r(),
 * which reads /etc/localtime on first use: a file the sandbox refuses. Days
 * to civil date after H. Hinnant's "chrono-compatible low-level date
 * algorithms". */
static void utc(time_t t, struct tm *tm)
{
	int64_t days = t / 86400, secs = t % 86400;
	int64_t z, era, doe, yoe, doy, mp;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tm->tm_hour = secs / 3600;
	tm->tm_min = secs / 60 % 60;
	tm->tm_sec = secs % 60;
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(yoe + era * 400 + (tm->tm_mon <= 1) - 1900);
}

static uint8_t read_time(const struct rtc *r, uint8_t reg, time_t when)
{
	struct tm tm;

	utc(when, &tm);
	switch (reg) {
	case REG_SECONDS:
		return encode(r, tm.tm_sec);
	case REG_MINUTES:
		return encode(r, tm.tm_min);
	case REG_HOURS:
		return hours(r, tm.tm_hour);
	case REG_WEEKDAY:
		return encode(r, tm.tm_wday + 1);
	case REG_DAY:
		return encode(r, tm.tm_mday);
	case REG_MONTH:
		return encode(r, tm.tm_mon + 1);
	case REG_YEAR:
		return encode(r, tm.tm_year % 100);
	default:
		return encode(r, (tm.tm_year + 1900) / 100);
	}
}

static struct timespec now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t;
}

/* The time matches the alarm: each alarm byte equal, or "don't care". */
static bool alarm_due(const struct rtc *r, time_t t)
{
	static const uint8_t pairs[][2] = { { REG_SECONDS, CMOS_SECONDS_ALARM },
					    { REG_MINUTES, CMOS_MINUTES_ALARM },
					    { REG_HOURS, CMOS_HOURS_ALARM } };

	for (int i = 0; i < 3; i++) {
		uint8_t want = r->cmos[pairs[i][1]];

		if ((want & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE &&
		    want != read_time(r, pairs[i][0], t))
			return false;
	}
	return true;
}

bool rtc_wants_ticks(const struct rtc *r)
{
	return r->cmos[CMOS_REG_B] & (RTC_B_AIE | RTC_B_UIE); /* PF never comes: no PIE */
}

/* IRQF and IRQ 8 follow the flags and their enables. */
static void update_irq(struct rtc *r)
{
	uint8_t enabled = r->cmos[CMOS_REG_B] & (RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
	int level = (r->cmos[CMOS_REG_C] & enabled) != 0; /* the C flags and B enables line up */

	r->cmos[CMOS_REG_C] = (r->cmos[CMOS_REG_C] & ~RTC_C_IRQF) | (level ? RTC_C_IRQF : 0);
	irq_update(&r->irq, &r->level, level);
}

/* Whether the alarm matched a second in (from, to]: a late tick (a loaded
 * host) must not skip it. The alarm repeats within a day at most, so a
 * day back is enough. */
static bool alarm_since(const struct rtc *r, time_t from, time_t to)
{
	if (to - from > ALARM_LOOKBACK_S)
		from = to - ALARM_LOOKBACK_S;
	for (time_t s = from + 1; s <= to; s++)
		if (alarm_due(r, s))
			return true;
	return false;
}

void rtc_poll(struct rtc *r)
{
	struct timespec t = now();
	time_t last = r->last_update;

	if (t.tv_sec <= r->last_update || (r->cmos[CMOS_REG_B] & RTC_B_SET)) {
		r->last_update = t.tv_sec > r->last_update ? t.tv_sec : r->last_update;
		return;
	}
	r->last_update = t.tv_sec;
	r->cmos[CMOS_REG_C] |= RTC_C_UF;
	if (alarm_since(r, last, t.tv_sec)) {
		r->cmos[CMOS_REG_C] |= RTC_C_AF;
		if (r->cmos[CMOS_REG_B] & RTC_B_AIE)
			irq_set(&r->wake, 1);
	}
	update_irq(r);
}

static uint8_t rtc_read(struct rtc *r)
{
	uint8_t c;

	switch (r->index) {
	case REG_SECONDS:
	case REG_MINUTES:
	case REG_HOURS:
	case REG_WEEKDAY:
	case REG_DAY:
	case REG_MONTH:
	case REG_YEAR:
	case CMOS_CENTURY:
		return read_time(r, r->index, now().tv_sec);
	case CMOS_REG_A:
		return (r->cmos[CMOS_REG_A] & ~RTC_A_UIP) |
		       (now().tv_nsec >= 1000000000L - UIP_NS && !(r->cmos[CMOS_REG_B] & RTC_B_SET)
				? RTC_A_UIP
				: 0);
	case CMOS_REG_C: /* reading clears the flags and lowers IRQ 8 */
		rtc_poll(r);
		c = r->cmos[CMOS_REG_C];
		r->cmos[CMOS_REG_C] = 0;
		update_irq(r);
		return c;
	default:
		return r->cmos[r->index];
	}
}

static void rtc_io(void *dev, struct io_access *a)
{
	struct rtc *r = dev;

	if (a->offset == 0) {
		if (a->write)
			r->index = a->data[0] & 0x7f; /* bit 7 masks NMI: nothing to mask */
		else
			memset(a->data, 0xff, a->len); /* the index port is write-only */
		return;
	}
	if (!a->write) {
		memset(a->data, 0, a->len);
		a->data[0] = rtc_read(r);
	} else if ((r->index > CMOS_REG_D && r->index != CMOS_CENTURY) ||
		   r->index == CMOS_SECONDS_ALARM || r->index == CMOS_MINUTES_ALARM ||
		   r->index == CMOS_HOURS_ALARM) {
		r->cmos[r->index] = a->data[0]; /* CMOS RAM and the alarm */
	} else if (r->index == CMOS_REG_A || r->index == CMOS_REG_B) {
		r->cmos[r->index] = a->data[0]; /* the clock itself stays the host's */
		if (r->index == CMOS_REG_B && (a->data[0] & RTC_B_PIE) && !r->told_pie) {
			warn("guest enabled the RTC's periodic interrupt, which vmm does not "
			     "emulate");
			r->told_pie = true;
		}
		update_irq(r);
	}
}

static void set16(uint8_t *cmos, int reg, uint64_t v)
{
	v = v > 0xffff ? 0xffff : v;
	cmos[reg] = v & 0xff;
	cmos[reg + 1] = v >> 8;
}

int rtc_init(struct rtc *r, struct bus *pio, uint64_t ram_size, struct irq_line irq,
	     struct irq_line wake)
{
	uint64_t above_1m = ram_size > (1 << 20) ? ram_size - (1 << 20) : 0;
	uint64_t above_16m = ram_size > (16 << 20) ? ram_size - (16 << 20) : 0;

	memset(r, 0, sizeof(*r));
	r->irq = irq;
	r->wake = wake;
	r->last_update = now().tv_sec;
	r->cmos[CMOS_REG_A] = REG_A_DEFAULT;
	r->cmos[CMOS_REG_B] = REG_B_24H;
	r->cmos[CMOS_REG_D] = REG_D_VALID;
	/* Memory sizes in the places PC firmware puts them: base memory in
	 * KiB, extended memory in KiB, memory above 16 MiB in 64 KiB units. */
	set16(r->cmos, 0x15, 640);
	set16(r->cmos, 0x17, above_1m >> 10);
	set16(r->cmos, 0x30, above_1m >> 10);
	set16(r->cmos, 0x34, above_16m >> 16);
	return bus_register(pio, RTC_PORT, 2, rtc_io, r);
}
