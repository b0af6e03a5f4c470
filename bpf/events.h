/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel <-> userspace event ABI of crowsnest.
 *
 * Included by the BPF programs (after vmlinux.h) and by the C++ engine (after
 * <linux/types.h>). Every record that crosses the ring buffer starts with a
 * struct event_header; `size` is the number of bytes of the whole record, and
 * every variable part has an explicit length that never exceeds its field.
 * Bump CROWSNEST_ABI_VERSION whenever a layout below changes.
 */
#ifndef CROWSNEST_EVENTS_H
#define CROWSNEST_EVENTS_H

#define CROWSNEST_ABI_VERSION 16

#define COMM_LEN 16
#define PATH_LEN 4096         /* open path, exec filename (with the NUL): PATH_MAX */
#define BASE_LEN 4096         /* the directory a relative path starts from */
#define BASE_NAME_LEN 256     /* one component of a base directory (NAME_MAX and the NUL) */
#define FS_PATH_LEN 4096      /* an opened file's path within its filesystem */
#define EXEC_ARGV_LEN 32768   /* the new program's argument area, as copied; longer ones are cut */
#define UNIX_PATH_LEN 108     /* sizeof(sun_path) */
#define CGROUP_PATH_LEN 512   /* a cgroup's path below the cgroup2 root */
#define CGROUP_MAX_DEPTH 8    /* levels of it read, from the cgroup up */
#define SYSCALL_NAME_LEN 256  /* a call's short string (with the NUL): mount's and fsopen's fs type,
			       * memfd_create's name (the kernel takes at most 249 bytes of it) */

enum event_type {
	EVENT_EXEC = 1,
	EVENT_CONNECT = 2,
	EVENT_OPEN = 3,
	EVENT_EXIT = 4, /* a process (thread group) ended: keeps the process table small */
	EVENT_FLOOD = 5, /* a cgroup's drops, when its rate-limit slot went to another cgroup */
	EVENT_CGROUP_PATH = 6, /* a cgroup's path, sent once, at the first exec in it */
	EVENT_SYSCALL = 7, /* one of the other calls Falco's rules name (enum syscall_id) */
	EVENT_CONNECT_RESULT = 8, /* how a TCP connect attempt ended, blocking or not */
	EVENT_TYPE_MAX = 9,
};

/* Which system call produced an EVENT_OPEN. */
enum open_syscall {
	OPEN_SYSCALL_OPEN = 1,
	OPEN_SYSCALL_OPENAT = 2,
	OPEN_SYSCALL_OPENAT2 = 3,
	OPEN_SYSCALL_IO_URING_OPENAT = 4,  /* IORING_OP_OPENAT: no open syscall at all */
	OPEN_SYSCALL_IO_URING_OPENAT2 = 5,
	OPEN_SYSCALL_OPEN_BY_HANDLE_AT = 6, /* no path: the file's own, read from the new fd, is the base of "." */
};

/* How an EVENT_CONNECT was made. */
enum connect_syscall {
	CONNECT_SYSCALL_CONNECT = 1,
	CONNECT_SYSCALL_IO_URING = 2,   /* IORING_OP_CONNECT */
	CONNECT_SYSCALL_SENDTO = 3,     /* sendto(MSG_FASTOPEN): TCP Fast Open connects with no connect call */
	CONNECT_SYSCALL_SENDMSG = 4,    /* sendmsg(MSG_FASTOPEN) */
};

/* Which system call produced an EVENT_EXEC. */
enum exec_syscall {
	EXEC_SYSCALL_EXECVE = 1,
	EXEC_SYSCALL_EXECVEAT = 2,
};

/* Which system call produced an EVENT_SYSCALL, and what its args[] hold,
 * in the call's own argument order (paths go to data[], not args[]). */
enum syscall_id {
	SYSCALL_PTRACE = 1,       /* request, pid */
	SYSCALL_SETNS = 2,        /* fd, nstype */
	SYSCALL_UNSHARE = 3,      /* flags */
	SYSCALL_INIT_MODULE = 4,  /* len (of the module image) */
	SYSCALL_FINIT_MODULE = 5, /* fd, flags */
	SYSCALL_BPF = 6,          /* cmd */
	SYSCALL_SOCKET = 7,       /* domain, type, protocol */
	SYSCALL_SYMLINK = 8,      /* (paths: target, linkpath) */
	SYSCALL_SYMLINKAT = 9,    /* newdirfd (paths: target, linkpath) */
	SYSCALL_LINK = 10,        /* (paths: oldpath, newpath) */
	SYSCALL_LINKAT = 11,      /* olddirfd, newdirfd, flags (paths: oldpath, newpath) */
	SYSCALL_CHMOD = 12,       /* mode (path: filename) */
	SYSCALL_FCHMOD = 13,      /* fd, mode */
	SYSCALL_FCHMODAT = 14,    /* dirfd, mode (path: filename) */
	SYSCALL_SETUID = 15,      /* uid */
	SYSCALL_SETGID = 16,      /* gid */
	SYSCALL_SETRESUID = 17,   /* ruid, euid, suid */
	SYSCALL_SETRESGID = 18,   /* rgid, egid, sgid */
	SYSCALL_DUP = 19,         /* oldfd */
	SYSCALL_DUP2 = 20,        /* oldfd, newfd */
	SYSCALL_DUP3 = 21,        /* oldfd, newfd, flags */
	SYSCALL_MOUNT = 22,       /* flags (paths: source, target; name: fs type) */
	SYSCALL_UMOUNT2 = 23,     /* flags (path: target) */
	SYSCALL_MKNOD = 24,       /* mode, dev (path: pathname) */
	SYSCALL_MKNODAT = 25,     /* dirfd, mode, dev (path: pathname) */
	SYSCALL_MEMFD_CREATE = 26, /* flags (name: the memfd's name) */
	SYSCALL_FSOPEN = 27,      /* flags (name: fs type): the new mount API's first step */
	SYSCALL_UNLINK = 28,      /* (path: pathname) */
	SYSCALL_UNLINKAT = 29,    /* dirfd, flags (path: pathname) */
	/* an inbound inet connection taken (sock: its ends, local the listener's
	 * address, remote the peer's), by a call or an io_uring request (not a
	 * direct one, into a fixed-file slot); only the first ACCEPTS_PER_WINDOW of each
	 * listening socket per ACCEPT_WINDOW_NS are sent, the rest are counted
	 * as prefiltered */
	SYSCALL_ACCEPT = 30,      /* fd (the listening socket) */
	SYSCALL_ACCEPT4 = 31,     /* fd, flags (SOCK_NONBLOCK, SOCK_CLOEXEC) */
	SYSCALL_LISTEN = 32,      /* fd, backlog (sock: an inet socket's local end; others are not sent) */
	SYSCALL_IO_URING_ACCEPT = 33, /* IORING_OP_ACCEPT, as accept4: -1 (no fd is known), flags */
	SYSCALL_ID_MAX = 34,
};

/* How many accepts of one listening socket are sent: enough to show who
 * listens and takes connections (a bind shell takes one), while a busy
 * server's thousands a second cost nothing past them. */
#define ACCEPTS_PER_WINDOW 8
#define ACCEPT_WINDOW_NS 60000000000ULL

/* Bits of exec_event.flags / open_event.flags / connect_event.flags. */
#define EVENT_FLAG_PATH_TRUNCATED 0x1 /* filename, open path or unix path was cut */
#define EVENT_FLAG_ARGV_TRUNCATED 0x2 /* the argument area is longer than EXEC_ARGV_LEN */
#define EVENT_FLAG_UNIX_ABSTRACT 0x4  /* unix socket in the abstract namespace */
#define EVENT_FLAG_FILE_IDENTITY 0x8  /* open succeeded and dev/ino/mnt_id are set */
#define EVENT_FLAG_BASE_INCOMPLETE 0x10 /* a relative path's base directory could not be read
					 * whole (too deep, too long, or a bad dirfd) */
#define EVENT_FLAG_EXE_UPPER_LAYER 0x20 /* exec: the program's file is in an overlay upper layer,
					 * written or changed after the container started */
#define EVENT_FLAG_SOCKET 0x40         /* syscall_event: sock describes the socket of its fd;
					 * connect_event: protocol and lport are the socket's */
#define EVENT_FLAG_FIXED_FILE 0x80      /* io_uring open: a direct (fixed-file) open, whose result
					 * is a slot of the ring, not a file descriptor */
#define EVENT_FLAG_STDIO 0x100          /* exec: stdio[] describes fds 0, 1 and 2 of the new program */
#define EVENT_FLAG_FS_PATH 0x200        /* open: the file's path within its filesystem follows the
					 * path and its base, read whole (fs_len bytes) */

/* The value of the single entry of the per-CPU `loss_counts` map: every
 * event the kernel side could not deliver, by cause. */
struct loss_counts {
	__u64 ringbuf_full[EVENT_TYPE_MAX]; /* no room in the ring buffer, by enum event_type */
	__u64 ring_reserved[EVENT_TYPE_MAX]; /* high-rate types refused: the ring's last quarter
					     * is kept for exec, exit and flood records */
	__u64 inflight_full;        /* an exec enter or io_uring request could not be stored */
	__u64 exit_without_enter;   /* exec exit with no stored enter (evicted, or started before load) */
};

/* The single entry of the per-CPU `prefilter_counts` map: events that no
 * loaded rule could match, dropped in the kernel, by enum event_type. */
struct prefilter_counts {
	__u64 dropped[EVENT_TYPE_MAX];
};

/* The in-kernel prefilter: a necessary condition of the loaded rules per
 * event type, compiled in userspace (rules/prefilter_summary), so that an
 * event no rule can match is dropped (and counted) before it is built and
 * sent. A filtered type's event is sent when one of its clauses holds.
 * A clause holds when each fact in `need_true` is true, each in
 * `need_false` is false, when `patterns` is not 0, the path (an open's, a
 * unix socket's) matches one of the patterns it names (bit i: patterns[i]),
 * and when `ports` is not 0, a connect's port is one of those it names. A fact the program
 * cannot know yet (an io_uring open's result) counts as holding. */
#define PREFILTER_CLAUSES 32
#define PREFILTER_PATTERNS 64
#define PREFILTER_PATTERN_LEN 64
#define PREFILTER_PORTS 32

/* The facts of an open, as bits of need_true / need_false. */
#define PREFILTER_WRITE 0x1         /* opened for writing: O_WRONLY or O_RDWR */
#define PREFILTER_READ 0x2          /* opened for reading: O_RDONLY or O_RDWR */
#define PREFILTER_FAILED 0x4        /* the open or connect failed; a connect_result: no connection */
#define PREFILTER_CONTAINER 0x8     /* the cgroup is not one userspace knows as the host's;
				     * only ever needed true: an unknown cgroup may be either */
#define PREFILTER_HOST_PIDNS 0x10   /* the task is in the host's pid namespace */
#define PREFILTER_HOST_FILE 0x20    /* the file reached is a protected host file, or below a
				     * protected host directory, at any depth (the host_files
				     * and host_dirs maps) */
#define PREFILTER_INET 0x40         /* connect, connect_result: to an IPv4 or IPv6 address */
#define PREFILTER_UNIX 0x80         /* connect: to a unix socket (its path is the one tested) */

enum prefilter_pattern_kind {
	PREFILTER_PREFIX = 1,       /* the path (absolute, no "//", "/." anywhere) starts with text;
				     * a path that is not so clean always matches */
	PREFILTER_SUFFIX = 2,       /* the path ends with text, and its last component is a name
				     * (not ".", "..", or empty); otherwise it always matches */
	PREFILTER_NAME = 3,         /* the same, and text is the whole last component */
};

struct prefilter_pattern {
	__u8 kind;                  /* enum prefilter_pattern_kind */
	__u8 len;                   /* bytes of text, at most PREFILTER_PATTERN_LEN */
	__u8 reserved[6];
	char text[PREFILTER_PATTERN_LEN];
};

struct prefilter_clause {
	__u32 need_true;
	__u32 need_false;
	__u64 patterns;
	__u32 ports;                /* connect, connect_result: the port is one of these (bit i:
				     * ports[i]); 0: any */
	__u32 reserved;
};

struct prefilter_clauses {
	__u32 count;                /* clauses used; 0 for a filtered type: nothing is sent */
	__u32 reserved;
	struct prefilter_clause clause[PREFILTER_CLAUSES];
};

/* One version of the prefilter. Two slots exist; userspace fills the one
 * not in use, then switches `prefilter_state.slot` to it. */
struct prefilter {
	__u32 filtered_types;       /* bit 1 << enum event_type: filtered by its clauses (open,
				     * connect, connect_result); any other type is always sent */
	__u32 host_pid_ns;          /* the host's pid namespace inode (PREFILTER_HOST_PIDNS) */
	__u32 port_count;           /* ports used, from the first */
	__u32 reserved;
	struct prefilter_clauses open;
	struct prefilter_clauses connect;
	struct prefilter_clauses connect_result; /* tested at SYN_SENT with the outcome not
					     * known yet, then again at the outcome */
	struct prefilter_pattern patterns[PREFILTER_PATTERNS];
	__u16 ports[PREFILTER_PORTS]; /* host byte order */
};

/* Which slot is in use, and the types that consumers of every event
 * (--events, StreamEvents, learned profiles) need sent unfiltered now. */
struct prefilter_state {
	__u32 slot;                 /* 0 or 1 */
	__u32 open_types;           /* bit 1 << enum event_type: send every event of the type */
};

/* The errors of an open refused on a file it named, one bit per errno:
 * EPERM 1, EACCES 13, EEXIST 17, ETXTBSY 26, EROFS 30. Such an open reached
 * no file; userspace finds which host file it named, so the prefilter sends
 * it when a rule may want a host file. */
#define OPEN_REFUSALS (1ULL << 1 | 1ULL << 13 | 1ULL << 17 | 1ULL << 26 | 1ULL << 30)

/* A protected host file (or directory, for host_dirs): its identity as
 * open_event carries it. In host_dirs, an entry with inode 0 (no file has
 * it) marks a device that holds protected directories: a file elsewhere
 * skips the walk up its directories. */
struct host_file_key {
	__u64 ino;
	__u32 dev;                  /* kernel dev_t: major << 20 | minor */
	__u32 reserved;
};

struct event_header {
	__u16 version;              /* CROWSNEST_ABI_VERSION */
	__u16 type;                 /* enum event_type */
	__u32 size;                 /* bytes of the whole record, header included */
	__u64 ts_boot_ns;           /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;            /* cgroup v2 id: the inode of the cgroup directory */
	__u32 pid;                  /* thread group id, as seen from the host */
	__u32 tid;                  /* thread id, as seen from the host */
	__u32 ppid;                 /* real parent's thread group id */
	__u32 uid;
	__u32 gid;
	__u32 mnt_ns;               /* mount namespace inode */
	__u32 pid_ns;               /* pid namespace inode */
	__u32 reserved;
	char comm[COMM_LEN];
};

/* The two ends of a socket, as the kernel holds them (struct sock_common). */
struct socket_ends {
	__u16 family;               /* AF_INET, AF_INET6, AF_UNIX, ... */
	__u16 protocol;             /* IPPROTO_TCP, IPPROTO_UDP, ... (sk_protocol) */
	__u16 lport;                /* host byte order; 0 when not bound */
	__u16 rport;                /* host byte order; 0 when not connected */
	__u8 laddr[16];             /* IPv4 in the first 4 bytes, or IPv6 */
	__u8 raddr[16];
};

/* What one of the new program's standard fds is, at a successful exec:
 * a shell whose input or output is a network socket is a reverse shell,
 * whatever started it. The kind is the inode's file type; anonymous inodes
 * (eventfd, epoll, signalfd, ...) are STDIO_OTHER whatever their mode. */
enum stdio_kind {
	STDIO_CLOSED = 0,
	STDIO_FILE = 1,             /* a regular file (memfds too) */
	STDIO_DIRECTORY = 2,
	STDIO_CHAR = 3,             /* a character device: a terminal, /dev/null, ... (dev tells which) */
	STDIO_BLOCK = 4,
	STDIO_PIPE = 5,             /* a pipe or a FIFO */
	STDIO_SOCKET = 6,           /* sock holds its ends */
	STDIO_OTHER = 7,
	STDIO_KIND_MAX = 8,
};

#define STDIO_FDS 3

struct stdio_fd {
	__u8 kind;                  /* enum stdio_kind */
	__u8 reserved[3];
	__u32 dev;                  /* kernel dev_t (major << 20 | minor): a device's own number for
				     * STDIO_CHAR and STDIO_BLOCK, else its filesystem's (0 when closed) */
	__u64 ino;                  /* the inode: a pipe's, a socket's, a file's */
	struct socket_ends sock;    /* STDIO_SOCKET; zero otherwise */
};

struct exec_event {
	struct event_header hdr;
	__s64 ret;                  /* 0 or -errno */
	__u16 syscall;              /* enum exec_syscall */
	__u16 flags;
	__u16 filename_len;         /* bytes of the filename in data, without NUL */
	__u16 base_len;             /* bytes of the base directory after it (see open_event) */
	__u32 argv_len;             /* bytes of the argument area after that */
	__u32 argv_total;           /* bytes of the whole argument area: more than argv_len when cut */
	__s32 dirfd;                /* execveat's dirfd, AT_FDCWD for execve */
	__u32 reserved;
	struct stdio_fd stdio[STDIO_FDS]; /* EVENT_FLAG_STDIO (a successful exec); zero otherwise */
	/* the filename (no NUL); for a relative filename, the directory it
	 * starts from, as in open_event; then, for a successful exec, the new
	 * program's argument area as the kernel laid it out (mm->arg_start..
	 * arg_end: NUL-terminated strings), read at exit, where it is always
	 * resident */
	char data[PATH_LEN + BASE_LEN + EXEC_ARGV_LEN];
};

struct connect_event {
	struct event_header hdr;
	__s64 ret;                  /* 0, -ECONNREFUSED, -EINPROGRESS, ... */
	__s32 fd;
	__u16 family;               /* AF_INET, AF_INET6, AF_UNIX, ... */
	__u16 port;                 /* host byte order */
	__u8 addr[16];              /* IPv4 in the first 4 bytes, or IPv6 */
	__u16 flags;
	__u16 unix_path_len;        /* bytes in unix_path (no NUL) */
	__u32 addrlen;              /* addrlen the caller passed */
	__u16 syscall;              /* enum connect_syscall */
	__u16 protocol;             /* EVENT_FLAG_SOCKET: the socket's IPPROTO_TCP, IPPROTO_UDP, ... */
	__u16 lport;                /* EVENT_FLAG_SOCKET: its local port, host byte order (0: none yet) */
	__u16 reserved;
	char unix_path[UNIX_PATH_LEN];
};

struct open_event {
	struct event_header hdr;
	__s64 ret;                  /* the new fd or -errno */
	__s32 dirfd;                /* AT_FDCWD (-100) for open and most openat calls */
	__u32 open_flags;           /* O_* flags */
	__u32 mode;
	__u16 syscall;              /* enum open_syscall */
	__u16 flags;
	/* identity of the opened file (EVENT_FLAG_FILE_IDENTITY): which file was
	 * really reached, whatever path, symlink or bind mount led to it */
	__u32 dev;                  /* kernel dev_t of the file's superblock: major << 20 | minor */
	__u32 mnt_id;               /* mount id, as in /proc/<pid>/mountinfo */
	__u64 ino;
	__u16 path_len;             /* bytes of the path at the start of data (no NUL) */
	/* for a relative path, the directory it starts from (the working
	 * directory, or dirfd's), as seen from the task's root: its components
	 * leaf first, each NUL-terminated, after the path in data */
	__u16 base_len;
	/* EVENT_FLAG_FS_PATH: the file's own path from its filesystem's root,
	 * whatever mount, chroot or link reached it (so userspace finds where
	 * the host has it mounted): components leaf first, each NUL-terminated,
	 * after the base. The three share data[]: a short one leaves the next
	 * more room */
	__u16 fs_len;
	__u16 reserved;
	char data[PATH_LEN + BASE_LEN + FS_PATH_LEN];
};

/* Per-cgroup fairness for the high-rate types (open, connect): one token
 * bucket per cgroup and CPU, in the per-CPU array `flood_buckets`, a
 * direct-mapped table indexed by a hash of the cgroup id. What a bucket
 * refuses is dropped and counted here, never silently: userspace reads the
 * table every second, and a slot taken over by another cgroup first sends
 * its counts as an EVENT_FLOOD record. */
#define FLOOD_SLOTS 1024

struct flood_bucket {
	__u64 cgroup_id;            /* 0: unused */
	__u64 since;                /* boot ns when this cgroup took the slot: its counts start there */
	__u64 tat;                  /* theoretical arrival time of the next event (GCRA), boot ns */
	__u64 dropped[EVENT_TYPE_MAX]; /* refused so far, by enum event_type, since the slot was taken */
};

struct flood_event {
	struct event_header hdr;    /* the event that took the slot over */
	__u64 flooded_cgroup;       /* the cgroup whose drops these are */
	__u32 cpu;                  /* the bucket's CPU and slot, and when the cgroup took it */
	__u32 slot;
	__u64 since;
	__u64 dropped[EVENT_TYPE_MAX]; /* its bucket's counts when it lost the slot */
};

/* What a cgroup is called, read from its kernfs node when the first exec
 * happens in it: a container started and stopped between two reads of the
 * cgroup tree is still known by its path (and so its id and runtime). */
struct cgroup_event {
	struct event_header hdr;    /* hdr.cgroup_id is the cgroup described */
	__u16 path_len;             /* bytes in data */
	__u16 flags;                /* EVENT_FLAG_BASE_INCOMPLETE: deeper than read */
	__u32 reserved;
	/* the path's components, leaf first, each NUL-terminated, as in
	 * open_event's base directory */
	char data[CGROUP_PATH_LEN];
};

/* The rarer calls that Falco's rules name (enum syscall_id), read at
 * sys_exit: the integer arguments, up to two paths and one short string
 * (the name) as the caller gave them, and for dup the socket its fd is. */
#define SYSCALL_ARGS 4

struct syscall_event {
	struct event_header hdr;
	__s64 ret;                  /* the result, or -errno */
	__s64 args[SYSCALL_ARGS];   /* see enum syscall_id; unused ones are 0 */
	__u16 syscall;              /* enum syscall_id */
	__u16 flags;                /* EVENT_FLAG_PATH_TRUNCATED (a path or the name was cut),
				     * EVENT_FLAG_SOCKET */
	__u16 path_len;             /* bytes of the first path at the start of data (no NUL) */
	__u16 path2_len;            /* bytes of the second path, right after it */
	__u16 name_len;             /* bytes of the name, right after the second path (no NUL,
				     * less than SYSCALL_NAME_LEN) */
	__u16 reserved;
	struct socket_ends sock;    /* EVENT_FLAG_SOCKET */
	char data[2 * PATH_LEN + SYSCALL_NAME_LEN];
};

/* How a TCP connect attempt ended (enum connect_outcome), read from the
 * socket's state changes (sock:inet_sock_set_state): SYN_SENT, then
 * ESTABLISHED or CLOSE. The change may happen in softirq context, where
 * the current task is any task: the header is the connecting task's, taken
 * when the socket entered SYN_SENT (in its connect call), and only
 * ts_boot_ns is the time of the outcome. */
enum connect_outcome {
	CONNECT_OUTCOME_ESTABLISHED = 1, /* the handshake completed; ret is 0 */
	CONNECT_OUTCOME_FAILED = 2,      /* closed with an error: ret is -errno (ECONNREFUSED, ETIMEDOUT,
					  * EHOSTUNREACH, ...) */
	CONNECT_OUTCOME_ABANDONED = 3,   /* closed by its owner before an answer (a scanner's own
					  * timeout); ret is -ECONNABORTED */
};

struct connect_result_event {
	struct event_header hdr;
	__s64 ret;
	__u64 connect_boot_ns;      /* when the socket entered SYN_SENT */
	__u16 outcome;              /* enum connect_outcome */
	__u16 reserved[3];
	struct socket_ends ends;    /* the 4-tuple as the kernel held it at the outcome */
};

struct exit_event {
	struct event_header hdr;
	__s32 exit_code;
	__u32 reserved;
};

#endif /* CROWSNEST_EVENTS_H */
