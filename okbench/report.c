/* report.c - the result as people read it (text, with a histogram) or parse it (csv, json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "okbench.h"

/* The percentiles reported, in parts per million, and their names. */
static const struct {
	const char *name;
	uint32_t per_million;
} points[] = {
	{ "min", 0 }, { "p50", 500000 }, { "p90", 900000 }, { "p99", 990000 },
	{ "p99.9", 999000 }, { "p99.99", 999900 }, { "max", 1000000 },
};
#define NPOINTS (sizeof points / sizeof points[0])

/* A point's value in nanoseconds: min exactly, the others from the histogram. */
static uint64_t point_ns(const struct okb_hist *h, size_t k)
{
	return k == 0 ? h->min : okb_hist_percentile(h, points[k].per_million);
}

static double per_second(const struct okb_result *r)
{
	return r->duration_s > 0 ? (double)r->replies / r->duration_s : 0;
}

/* The histogram's rows: 1, 1.5, 2, 3, 5, 7 times a power of ten, from 10 ns up. */
static const unsigned steps[] = { 10, 15, 20, 30, 50, 70 };
#define NSTEPS 6
#define NROWS (6 * 18) /* 10 ns to 10^19 ns: past any uint64_t */

static uint64_t row_low(unsigned row)
{
	uint64_t v = steps[row % NSTEPS];

	for (unsigned d = 0; d < row / NSTEPS; d++)
		v *= 10;
	return v;
}

/* The row of value v (ns); values under 10 ns go in the first. */
static unsigned row_of(uint64_t v)
{
	unsigned row = 0;

	while (row + 1 < NROWS && row_low(row + 1) <= v)
		row++;
	return row;
}

/* ns as µs, as short as it can be written exactly: "0.015", "1.5", "150". */
static void format_us(uint64_t ns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%.3f", (double)ns / 1000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

/* The window's width: the terminal's when standard output is one, else $COLUMNS, else 80. */
static unsigned window_columns(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS"), *why;
	unsigned long cols = 80;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	else if (env == NULL || ok_parse_number(env, 1, 100000, &cols, &why) < 0)
		cols = 80;
	return (unsigned)(cols < 60 ? 60 : cols > 1000 ? 1000 : cols);
}

/* Sums the histogram's buckets into rows; a bucket counts in the row of the value it stands
 * for, its middle kept within min and max (so the first and last rows are never empty), and a
 * row is exact to within the one bucket that may straddle each of its ends (under 1%). */
static void fill_rows(const struct okb_hist *h, uint64_t *rows)
{
	for (unsigned b = 0; b < OKB_HIST_BUCKETS; b++) {
		uint64_t low = okb_hist_bucket_low(b), v;
		if (h->count[b] == 0)
			continue;
		v = low + (okb_hist_bucket_high(b) - low) / 2;
		v = v < h->min ? h->min : v > h->max ? h->max : v;
		rows[row_of(v)] += h->count[b];
	}
}

#define BAR_LEFT 43 /* the columns before a bar: "%9s - %9s  %10s  %6.2f  " */

/* One row per step from min's row to max's, each with a bar scaled to the window. */
static void print_histogram(const struct okb_hist *h)
{
	uint64_t rows[NROWS] = { 0 }, top = 0, cum = 0;
	unsigned first = row_of(h->min), last = row_of(h->max), width = window_columns() - BAR_LEFT - 1;
	char from[32], to[32], count[24];

	fill_rows(h, rows);
	for (unsigned row = first; row <= last; row++)
		top = rows[row] > top ? rows[row] : top;
	if (top == 0)
		return; /* an empty histogram: no rows */
	printf("\n  µs from%12s%12s%8s\n", "to", "count", "cum %"); /* µ: 2 bytes, 1 column */
	for (unsigned row = first; row <= last; row++) {
		unsigned bar = (unsigned)((rows[row] * width + top - 1) / top);
		cum += rows[row];
		format_us(row == first && h->min < row_low(row) ? 0 : row_low(row), from, sizeof from);
		format_us(row_low(row + 1), to, sizeof to);
		snprintf(count, sizeof count, "%llu", (unsigned long long)rows[row]);
		printf("%9s - %9s  %10s  %6.2f  ", from, to, count, 100.0 * (double)cum / (double)h->total);
		for (unsigned k = 0; k < bar; k++)
			putchar('#');
		putchar('\n');
	}
}

/* "50 connections, depth 1, 20000 lines/s, 10 s after 1 s of warm-up". */
static void print_load(const struct okb_options *o)
{
	printf("load         %lu connection%s, depth %lu", o->conns, o->conns == 1 ? "" : "s",
	       o->depth);
	if (o->rate != 0)
		printf(", %lu lines/s on a fixed schedule", o->rate);
	if (o->idle)
		printf(", --idle: one line each, held for %lu s", o->seconds);
	else if (o->lines != 0)
		printf(", %lu lines", o->lines);
	else
		printf(", %lu s", o->seconds);
	if (o->warmup != 0 && !o->idle)
		printf(" after %lu s of warm-up", o->warmup);
	putchar('\n');
}

static void print_text(const struct okb_options *o, const struct okb_result *r)
{
	char us[32];

	printf("target       %s\n", r->target.name);
	if (o->tls)
		printf("tls          %s\n", r->tls_session);
	print_load(o);
	printf("replies      %14llu\n", (unsigned long long)r->replies);
	printf("replies/s    %14.1f\n", per_second(r));
	printf("duration s   %14.3f\n", r->duration_s);
	printf("errors       %14llu\n", (unsigned long long)r->errors);
	printf("lost         %14llu\n", (unsigned long long)r->lost);
	if (o->rate != 0)
		printf("unsent       %14llu\n", (unsigned long long)r->unsent);
	printf("failed       %14lu connections\n", r->failed);
	printf("latency µs\n");
	for (size_t k = 0; k < NPOINTS; k++) {
		if (r->hist.total == 0)
			snprintf(us, sizeof us, "-");
		else
			snprintf(us, sizeof us, "%.1f", (double)point_ns(&r->hist, k) / 1000);
		printf("  %-10s %14s\n", points[k].name, us);
	}
	if (r->hist.total > 0)
		print_histogram(&r->hist);
}

/* A CSV field: quoted, quotes doubled (RFC 4180). */
static void print_csv_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* The fields both machine formats carry, in this order; names as in okbench(1). With TLS,
 * "tls" (the session: protocol, cipher, verification) follows the target. */
static const char *const fields[] = {
	"target", "connections", "depth", "rate", "warmup_s", "replies", "replies_per_s",
	"errors", "lost", "unsent", "failed_connections", "duration_s",
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* Field k's value (k >= 1; 0 is the target, a string); empty_ok for a missing latency. */
static void print_field(const struct okb_options *o, const struct okb_result *r, size_t k)
{
	switch (k) {
	case 1: printf("%lu", o->conns); break;
	case 2: printf("%lu", o->depth); break;
	case 3: printf("%lu", o->rate); break;
	case 4: printf("%lu", o->idle ? 0 : o->warmup); break;
	case 5: printf("%llu", (unsigned long long)r->replies); break;
	case 6: printf("%.1f", per_second(r)); break;
	case 7: printf("%llu", (unsigned long long)r->errors); break;
	case 8: printf("%llu", (unsigned long long)r->lost); break;
	case 9: printf("%llu", (unsigned long long)r->unsent); break;
	case 10: printf("%lu", r->failed); break;
	default: printf("%.6f", r->duration_s); break;
	}
}

static void print_csv(const struct okb_options *o, const struct okb_result *r)
{
	size_t k;

	for (k = 0; k < NFIELDS; k++)
		printf("%s%s%s", k ? "," : "", fields[k], k == 0 && o->tls ? ",tls" : "");
	for (k = 0; k < NPOINTS; k++)
		printf(",latency_us_%s", points[k].name);
	putchar('\n');
	print_csv_string(r->target.name);
	if (o->tls) {
		putchar(',');
		print_csv_string(r->tls_session);
	}
	for (k = 1; k < NFIELDS; k++) {
		putchar(',');
		print_field(o, r, k);
	}
	for (k = 0; k < NPOINTS; k++) {
		putchar(',');
		if (r->hist.total > 0)
			printf("%.3f", (double)point_ns(&r->hist, k) / 1000);
	}
	putchar('\n');
}

static void print_json(const struct okb_options *o, const struct okb_result *r)
{
	size_t k;

	printf("{\"target\":");
	print_json_string(r->target.name);
	if (o->tls) {
		printf(",\"tls\":");
		print_json_string(r->tls_session);
	}
	for (k = 1; k < NFIELDS; k++) {
		printf(",\"%s\":", fields[k]);
		print_field(o, r, k);
	}
	printf(",\"latency_us\":{");
	for (k = 0; k < NPOINTS; k++) {
		printf("%s\"%s\":", k ? "," : "", points[k].name);
		if (r->hist.total > 0)
			printf("%.3f", (double)point_ns(&r->hist, k) / 1000);
		else
			printf("null");
	}
	printf("}}\n");
}

void okb_report(const struct okb_options *o, const struct okb_result *r)
{
	switch (o->format) {
	case OKB_FORMAT_CSV: print_csv(o, r); break;
	case OKB_FORMAT_JSON: print_json(o, r); break;
	default: print_text(o, r); break;
	}
}

void okb_status_show(double elapsed_s, int warming, double per_s, uint64_t p99_ns)
{
	if (warming)
		fprintf(stderr, "\rokbench: %.0f s, warming up\033[K", elapsed_s);
	else
		fprintf(stderr, "\rokbench: %.0f s, %.0f replies/s, p99 %.1f µs\033[K", elapsed_s,
		        per_s, (double)p99_ns / 1000);
}

void okb_status_clear(void)
{
	fputs("\r\033[K", stderr);
}
