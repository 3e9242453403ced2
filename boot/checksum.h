#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* The byte that makes a firmware table's bytes sum to zero, as both the MP
 * specification and ACPI want it. */
static inline uint8_t table_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

#endif
