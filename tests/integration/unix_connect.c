/* Connects to a unix socket path and exits: built static so it runs inside
 * the busybox test containers, whose nc has no unix socket support. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: unix_connect PATH\n");
		return 2;
	}
	strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		perror("connect");
		return 1;
	}
	close(fd);
	return 0;
}
