/* srv_hold.c - opens many connections to okserver and holds them, silent, for a while. */
#include <unistd.h>

#include "srv_common.h"

/*
 * Usage: srv_hold PORT N SECS
 * Opens N connections (connect completes in the kernel even while the server does not accept),
 * prints "holding N", keeps them open and silent for SECS seconds (or until killed), then exits.
 */
int main(int argc, char **argv)
{
	unsigned long n, secs;
	int *fds;

	if (argc != 4)
		die("usage: srv_hold PORT N SECS");
	n = number_arg(argv[2]);
	secs = number_arg(argv[3]);
	fds = calloc(n ? n : 1, sizeof *fds);
	if (fds == NULL)
		die("out of memory");
	for (unsigned long i = 0; i < n; i++)
		fds[i] = connect_loopback(argv[1]);
	printf("holding %lu\n", n);
	fflush(stdout);
	for (long long end = now_ms() + (long long)secs * 1000; now_ms() < end;)
		sleep_ms(50);
	for (unsigned long i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}
