/* Opens a file, connects a TCP socket or accepts a TCP connection through
 * io_uring instead of the open/connect/accept system calls, the way
 * io_uring-based tools evade syscall sensors. Raw io_uring syscalls, no
 * liburing; built static so it runs inside the busybox test containers.
 *   uring_probe open PATH
 *   uring_probe connect IPV4 PORT
 *   uring_probe accept PORT   listens on 127.0.0.1:PORT, accepts one
 *                             connection, and copies what it sends to stdout
 *                             (a bind shell's listener); the result goes to stderr */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;
	size_t sq_size, cq_size;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -1;
	sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
	sq = mmap(0, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	cq = (p.features & IORING_FEAT_SINGLE_MMAP)
		     ? sq
		     : mmap(0, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits one request and returns its result. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, index = tail & *r->sq_mask, head;
	int res;

	r->sqes[index] = *sqe;
	r->sq_array[index] = index;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -1000;
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -1001;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

int main(int argc, char **argv)
{
	struct io_uring_sqe sqe;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct ring r;
	int res;

	if (ring_init(&r) != 0) {
		perror("io_uring");
		return 2;
	}
	memset(&sqe, 0, sizeof(sqe));
	if (argc == 3 && strcmp(argv[1], "open") == 0) {
		sqe.opcode = IORING_OP_OPENAT;
		sqe.fd = AT_FDCWD;
		sqe.addr = (unsigned long)argv[2];
		sqe.open_flags = O_RDONLY;
	} else if (argc == 4 && strcmp(argv[1], "connect") == 0 && inet_pton(AF_INET, argv[2], &addr.sin_addr) == 1) {
		addr.sin_port = htons((unsigned short)atoi(argv[3]));
		sqe.opcode = IORING_OP_CONNECT;
		sqe.fd = socket(AF_INET, SOCK_STREAM, 0);
		sqe.addr = (unsigned long)&addr;
		sqe.off = sizeof(addr);
	} else if (argc == 3 && strcmp(argv[1], "accept") == 0) {
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		addr.sin_port = htons((unsigned short)atoi(argv[2]));
		sqe.opcode = IORING_OP_ACCEPT;
		sqe.fd = socket(AF_INET, SOCK_STREAM, 0);
		sqe.accept_flags = SOCK_CLOEXEC;
		if (bind(sqe.fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(sqe.fd, 1) != 0) {
			perror("listen");
			return 2;
		}
	} else {
		fprintf(stderr, "usage: uring_probe open PATH | connect IPV4 PORT | accept PORT\n");
		return 2;
	}
	res = ring_run(&r, &sqe);
	if (sqe.opcode == IORING_OP_ACCEPT) {
		char buf[4096];
		ssize_t n;

		fprintf(stderr, "%d\n", res);
		while (res >= 0 && (n = read(res, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				return 1;
		return res < 0 ? 1 : 0;
	}
	printf("%d\n", res);
	return res < 0 ? 1 : 0;
}
