/* Makes, from inside a test container, the calls that Falco's rules watch
 * and busybox cannot make: a ptrace attach, PTRACE_TRACEME, unshare, setns,
 * module loads, a BPF program load, a packet socket, a socket dup'd onto
 * stdin and stdout, setuid, mount, umount2, mknod of a device,
 * memfd_create. A refused call (EPERM) is as good as a granted one: the
 * sensor reports the attempt; the exit status says which it was. Built static.
 *   syscall_probe ptrace-attach | traceme | unshare | setns PATH | modules | bpf
 *   syscall_probe packet-socket | raw-socket PROTOCOL | dup-socket IPV4 PORT | setuid UID
 *   syscall_probe mount SOURCE TARGET FSTYPE | umount TARGET | memfd NAME
 *   syscall_probe mknod PATH b|c|p MAJOR MINOR | nb-connect IPV4 PORT
 *   syscall_probe fsmount SOURCE TARGET FSTYPE (the new mount API: no mount call) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ETH_P_ALL 0x0003

/* Attaches to a child of its own, then lets it go. */
static int ptrace_attach(void)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, child, 0, 0) == 0) {
		waitpid(child, &status, 0);
		ptrace(PTRACE_DETACH, child, 0, 0);
	}
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return 0;
}

static int modules(void)
{
	static char image[64];
	int fd = open("/dev/null", O_RDONLY);

	syscall(SYS_init_module, image, sizeof(image), "");
	syscall(SYS_finit_module, fd, "", 0);
	return 0;
}

static int bpf_prog_load(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return 0;
}

/* A connection to ip:port that becomes the process's stdin and stdout, as
 * in a reverse shell. */
static int dup_socket(const char *ip, const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || inet_pton(AF_INET, ip, &sin.sin_addr) != 1 || connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("connect");
		return 1;
	}
	dup2(s, 0);
	dup2(s, 1);
	close(s);
	return 0;
}

/* A non-blocking connect, as scanners make them: EINPROGRESS, then the
 * socket says how it went. 0 when connected, 1 when not. */
static int nonblocking_connect(const char *ip, const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t len = sizeof(err);
	struct pollfd p = {.fd = s, .events = POLLOUT};

	if (s < 0 || inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return 2;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) && errno != EINPROGRESS)
		return 1;
	if (poll(&p, 1, 2000) != 1 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return 1;
	close(s);
	return 0;
}

/* A device node (b, c) or a FIFO (p): 0 when made, 1 when refused. */
static int make_node(const char *path, const char *kind, const char *major, const char *minor)
{
	mode_t type = kind[0] == 'b' ? S_IFBLK : kind[0] == 'c' ? S_IFCHR : S_IFIFO;

	if (mknod(path, type | 0600, makedev(atoi(major), atoi(minor)))) {
		perror("mknod");
		return 1;
	}
	return 0;
}

/* Read-only, as a careful intruder would: 0 when mounted, 1 when refused. */
static int mount_ro(const char *source, const char *target, const char *fstype)
{
	if (mount(source, target, fstype, MS_RDONLY, 0)) {
		perror("mount");
		return 1;
	}
	return 0;
}

/* fsopen, fsconfig, fsmount, move_mount: 0 when mounted, 1 when refused. */
static int new_api_mount(const char *source, const char *target, const char *fstype)
{
	int fs = fsopen(fstype, FSOPEN_CLOEXEC), mnt;

	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, 0, 0, 0)) {
		perror("fsopen/fsconfig");
		return 1;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
	if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH)) {
		perror("fsmount/move_mount");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	/* results are not checked: the sensor reports failed calls too */
	if (!strcmp(what, "ptrace-attach"))
		return ptrace_attach();
	if (!strcmp(what, "modules"))
		return modules();
	if (!strcmp(what, "bpf"))
		return bpf_prog_load();
	if (!strcmp(what, "dup-socket") && argc > 3)
		return dup_socket(argv[2], argv[3]);
	if (!strcmp(what, "mount") && argc > 4)
		return mount_ro(argv[2], argv[3], argv[4]);
	if (!strcmp(what, "fsmount") && argc > 4)
		return new_api_mount(argv[2], argv[3], argv[4]);
	if (!strcmp(what, "umount") && argc > 2)
		return umount2(argv[2], MNT_DETACH) != 0;
	if (!strcmp(what, "mknod") && argc > 5)
		return make_node(argv[2], argv[3], argv[4], argv[5]);
	if (!strcmp(what, "nb-connect") && argc > 3)
		return nonblocking_connect(argv[2], argv[3]);
	if (!strcmp(what, "memfd") && argc > 2)
		return memfd_create(argv[2], MFD_CLOEXEC) < 0;
	if (!strcmp(what, "traceme"))
		ptrace(PTRACE_TRACEME, 0, 0, 0);
	else if (!strcmp(what, "unshare"))
		unshare(CLONE_NEWUSER | CLONE_NEWNS);
	else if (!strcmp(what, "setns") && argc > 2)
		setns(open(argv[2], O_RDONLY), 0);
	else if (!strcmp(what, "packet-socket"))
		socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	else if (!strcmp(what, "raw-socket") && argc > 2)
		return socket(AF_INET, SOCK_RAW, atoi(argv[2])) < 0;
	else if (!strcmp(what, "setuid") && argc > 2)
		(void)!setuid((uid_t)atoi(argv[2]));
	else {
		fprintf(stderr, "usage: syscall_probe ptrace-attach|traceme|unshare|setns PATH|modules|bpf|"
				"packet-socket|raw-socket PROTOCOL|dup-socket IPV4 PORT|setuid UID|mount SOURCE TARGET FSTYPE|"
				"umount TARGET|memfd NAME|mknod PATH b|c|p MAJOR MINOR|nb-connect IPV4 PORT|"
				"fsmount SOURCE TARGET FSTYPE\n");
		return 2;
	}
	return 0;
}
