/*
 * bench_loops: tight system-call loops for scripts/bench-overhead.sh.
 *
 *   bench_loops open    FILE ITERATIONS  openat(AT_FDCWD, FILE, O_RDONLY) + close
 *   bench_loops connect ITERATIONS       socket(AF_INET, SOCK_STREAM) + connect to
 *                                        127.0.0.1 on a port nobody listens on
 *                                        (refused) + close
 *   bench_loops accept  ITERATIONS       accept4 + close of a connection waiting on a
 *                                        127.0.0.1 listener (the connections are made
 *                                        in batches between rounds, untimed)
 *   bench_loops exec    ITERATIONS       fork + execve("/bin/true") + waitpid
 *
 * Each loop first runs a warm-up of ITERATIONS/10 rounds (at least 1), then
 * times ITERATIONS rounds with CLOCK_MONOTONIC and prints one line:
 *
 *   <ns per round> <rounds issued, warm-up included>
 *
 * Any unexpected result (an open that fails, a connect that is not refused, a
 * child that does not exit 0) aborts with a message and exit status 1, so a
 * broken loop never produces a number.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void die(const char *what)
{
	fprintf(stderr, "bench_loops: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long parse_iterations(const char *text)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "bench_loops: invalid iteration count '%s'\n", text);
		exit(2);
	}
	return n;
}

/* ---- open ---------------------------------------------------------------- */

static const char *open_path;

static void open_round(void)
{
	int fd = openat(AT_FDCWD, open_path, O_RDONLY);

	if (fd < 0)
		die(open_path);
	close(fd);
}

/* ---- connect ------------------------------------------------------------- */

static struct sockaddr_in refused_addr;

/* A socket bound to 127.0.0.1:<ephemeral> that never listens: connecting to
 * its port is refused, and nothing else can take the port while it is held. */
static int hold_refusing_port(void)
{
	socklen_t len = sizeof(refused_addr);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	memset(&refused_addr, 0, sizeof(refused_addr));
	refused_addr.sin_family = AF_INET;
	refused_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	refused_addr.sin_port = 0;
	if (bind(s, (struct sockaddr *)&refused_addr, sizeof(refused_addr)) < 0)
		die("bind 127.0.0.1:0");
	if (getsockname(s, (struct sockaddr *)&refused_addr, &len) < 0)
		die("getsockname");
	return s;
}

static void connect_round(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0)
		die("socket");
	if (connect(s, (struct sockaddr *)&refused_addr, sizeof(refused_addr)) == 0) {
		fprintf(stderr, "bench_loops: connect to 127.0.0.1:%d succeeded, expected a refusal\n",
			ntohs(refused_addr.sin_port));
		exit(1);
	}
	if (errno != ECONNREFUSED)
		die("connect 127.0.0.1 (expected ECONNREFUSED)");
	close(s);
}

/* ---- accept -------------------------------------------------------------- */

#define ACCEPT_BATCH 256

static int listener = -1;
static int clients[ACCEPT_BATCH];
static int waiting; /* connections queued on the listener, not yet accepted */
static long long untimed_ns; /* spent making connections: not part of a round */

static void listen_on_loopback(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0)
		die("socket");
	if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 2 * ACCEPT_BATCH) < 0)
		die("listen on 127.0.0.1:0");
}

/* Closes the last batch's client ends and connects a new batch, untimed. */
static void queue_connections(void)
{
	long long start = now_ns();
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int i;

	if (getsockname(listener, (struct sockaddr *)&addr, &len) < 0)
		die("getsockname");
	for (i = 0; i < ACCEPT_BATCH; i++) {
		if (clients[i] > 0)
			close(clients[i]);
		clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (clients[i] < 0 || connect(clients[i], (struct sockaddr *)&addr, sizeof(addr)) < 0)
			die("connect to the listener");
	}
	waiting = ACCEPT_BATCH;
	untimed_ns += now_ns() - start;
}

static void accept_round(void)
{
	int c;

	if (waiting == 0)
		queue_connections();
	c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		die("accept4");
	close(c);
	waiting--;
}

/* ---- exec ---------------------------------------------------------------- */

static void exec_round(void)
{
	static char *const argv[] = { "/bin/true", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execve("/bin/true", argv, environ);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_loops: /bin/true did not exit 0 (status 0x%x)\n", status);
		exit(1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_loops open FILE ITERATIONS\n"
			"       bench_loops connect ITERATIONS\n"
			"       bench_loops accept ITERATIONS\n"
			"       bench_loops exec ITERATIONS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	void (*round)(void);
	long iterations, warmup, i;
	long long start, elapsed;

	if (argc == 4 && strcmp(argv[1], "open") == 0) {
		open_path = argv[2];
		iterations = parse_iterations(argv[3]);
		round = open_round;
	} else if (argc == 3 && strcmp(argv[1], "connect") == 0) {
		iterations = parse_iterations(argv[2]);
		hold_refusing_port();
		round = connect_round;
	} else if (argc == 3 && strcmp(argv[1], "accept") == 0) {
		iterations = parse_iterations(argv[2]);
		listen_on_loopback();
		round = accept_round;
	} else if (argc == 3 && strcmp(argv[1], "exec") == 0) {
		iterations = parse_iterations(argv[2]);
		round = exec_round;
	} else {
		usage();
	}

	warmup = iterations / 10 > 0 ? iterations / 10 : 1;
	for (i = 0; i < warmup; i++)
		round();

	start = now_ns();
	untimed_ns = 0;
	for (i = 0; i < iterations; i++)
		round();
	elapsed = now_ns() - start - untimed_ns;

	printf("%.1f %ld\n", (double)elapsed / (double)iterations, warmup + iterations);
	return 0;
}
