/* Tries TCP connects to ports FIRST..LAST of an IPv4 address, one after the
 * other, like a simple connect scanner; "unknown binary" for the scan tests.
 * Built static so it runs inside the busybox test containers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int first, last, open_ports = 0;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
		fprintf(stderr, "usage: tcp_probe IPV4 FIRST_PORT LAST_PORT\n");
		return 2;
	}
	first = atoi(argv[2]);
	last = atoi(argv[3]);
	for (int port = first; port <= last; port++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return 1;
		addr.sin_port = htons((unsigned short)port);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
			open_ports++;
		close(fd);
	}
	printf("%d open\n", open_ports);
	return 0;
}
