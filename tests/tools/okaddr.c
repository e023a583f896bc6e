/* okaddr.c - a command-line window on libokcommon, so bats can drive the library. */
#include <stdio.h>
#include <string.h>

#include "netaddr.h"

static int usage(void)
{
	fputs("usage: okaddr aton STRING | port STRING | sockaddr ADDR PORT | htons N\n", stderr);
	return 64;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	char buf[OK_ADDRSTRLEN];
	const char *why;
	uint16_t port;

	if (argc == 3 && strcmp(argv[1], "aton") == 0) {
		if (ok_sockaddr_in(&sa, argv[2], 0) < 0) {
			puts("invalid");
			return 1;
		}
		ok_format_addr(&sa, buf, sizeof buf);
		buf[strcspn(buf, ":")] = '\0';
		printf("valid %s\n", buf);
		return 0;
	}
	if (argc == 3 && (strcmp(argv[1], "port") == 0 || strcmp(argv[1], "htons") == 0)) {
		if (ok_parse_port(argv[2], &port, &why) < 0) {
			printf("error: %s\n", why);
			return 1;
		}
		if (argv[1][0] == 'h') {
			/* The bytes as they lie in memory: network order is the same on every host. */
			uint16_t net = ok_htons(port);
			const unsigned char *b = (const unsigned char *)&net;
			printf("%02x %02x\n", b[0], b[1]);
		} else
			printf("port %u\n", (unsigned)port);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "sockaddr") == 0) {
		if (ok_parse_port(argv[3], &port, &why) < 0 || ok_sockaddr_in(&sa, argv[2], port) < 0) {
			puts("invalid");
			return 1;
		}
		puts(ok_format_addr(&sa, buf, sizeof buf));
		return 0;
	}
	return usage();
}
