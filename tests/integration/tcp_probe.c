/* Tries TCP connects to ports FIRST..LAST of COUNT consecutive IPv4
 * addresses from ADDR (one by default), like a simple connect scanner;
 * "unknown binary" for the scan tests. With -n MS, like nmap -sT: every
 * connect is non-blocking (EINPROGRESS), the batch is polled for up to MS
 * milliseconds, and what has not answered by then is closed unanswered.
 * Prints how many connections were made. Built static so it runs inside
 * the busybox test containers. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32

/* One blocking connect: 1 when it was made. */
static int blocking_connect(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), made;

	if (fd < 0)
		return -1;
	made = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return made;
}

/* Polls the batch until every connect is decided or MS pass, then closes
 * them all: how many were made. */
static int settle_batch(struct pollfd *fds, int n, int ms)
{
	int made = 0, err;
	socklen_t len = sizeof(err);

	while (ms > 0) {
		int pending = 0;
		for (int i = 0; i < n; i++)
			pending += fds[i].fd >= 0 && fds[i].revents == 0;
		if (!pending || poll(fds, n, 50) < 0)
			break;
		ms -= 50;
	}
	for (int i = 0; i < n; i++) {
		if (fds[i].revents && getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
			made++;
		close(fds[i].fd);
	}
	return made;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct pollfd batch[BATCH];
	int first, last, count = 1, made = 0, n = 0, timeout_ms = -1;
	char *plus;

	if (argc == 6 && !strcmp(argv[1], "-n")) {
		timeout_ms = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc == 4 && (plus = strchr(argv[1], '+'))) {
		*plus = 0;
		count = atoi(plus + 1);
	}
	if (argc != 4 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 || count < 1) {
		fprintf(stderr, "usage: tcp_probe [-n TIMEOUT_MS] IPV4[+COUNT] FIRST_PORT LAST_PORT\n");
		return 2;
	}
	first = atoi(argv[2]);
	last = atoi(argv[3]);
	for (int a = 0; a < count; a++) {
		for (int port = first; port <= last; port++) {
			addr.sin_port = htons((unsigned short)port);
			if (timeout_ms < 0) {
				int r = blocking_connect(&addr);
				if (r < 0)
					return 1;
				made += r;
				continue;
			}
			batch[n].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (batch[n].fd < 0)
				return 1;
			batch[n].events = POLLOUT;
			batch[n].revents = 0;
			if (connect(batch[n].fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS)
				batch[n].revents = POLLERR; /* decided at once */
			if (++n == BATCH) {
				made += settle_batch(batch, n, timeout_ms);
				n = 0;
			}
		}
		addr.sin_addr.s_addr = htonl(ntohl(addr.sin_addr.s_addr) + 1);
	}
	made += settle_batch(batch, n, timeout_ms);
	printf("%d open\n", made);
	return 0;
}
