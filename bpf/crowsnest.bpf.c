// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * crowsnest's kernel side: syscall tracepoints for execve(at), connect and
 * open/openat/openat2, each sent as one record, with its return value,
 * through the `events` ring buffer. The record layouts live in events.h.
 *
 * open and connect are handled at sys_exit alone: their arguments are still
 * in the task's saved user registers and their user buffers still mapped, so
 * one program reads everything, with no map between enter and exit. A
 * connect record (fixed size) is written straight into a ring-buffer
 * reservation; an open record is built in a per-CPU scratch so that only its
 * used bytes are copied into the ring. exec must be read at sys_enter, while
 * the old program's memory (filename, argv) still exists, and is kept in
 * exec_inflight until its sys_exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "events.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AT_FDCWD -100

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* userspace may resize before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sensor_config);
} config_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOSS_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} loss_counters SEC(".maps");

/* execs between enter and exit, keyed by pid_tgid. LRU so that an enter
 * whose exit never comes (a thread that execs from a non-leader thread changes
 * its id) cannot leak an entry forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct exec_event);
} exec_inflight SEC(".maps");

/* Per-CPU scratch where an exec record is built before it is stored:
 * it is too large for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} scratch SEC(".maps");

static __always_inline void count_loss(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&loss_counters, &which);
	if (n)
		*n += 1;
}

static __always_inline struct sensor_config *get_config(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&config_map, &zero);
}

/* True when the calling process is the sensor itself. */
static __always_inline bool is_self(void)
{
	struct sensor_config *cfg = get_config();
	return cfg && cfg->self_tgid == (__u32)(bpf_get_current_pid_tgid() >> 32);
}

/* Bytes this CPU has sent since it last looked at the ring's fill level. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unchecked_bytes SEC(".maps");

#define WAKEUP_CHECK_BYTES (16 * 1024)

/* Batching wakeup policy: waking the consumer costs microseconds per event
 * (an inter-processor interrupt), so records are sent without a wakeup and
 * the consumer is woken once enough data is pending; userspace also polls on
 * a short timeout. Reading the ring's fill level touches the consumer's cache
 * line, so each CPU does it only every WAKEUP_CHECK_BYTES it sends. */
static __always_inline __u64 batched_wakeup(__u32 size)
{
	struct sensor_config *cfg = get_config();
	__u64 threshold = cfg && cfg->wakeup_bytes ? cfg->wakeup_bytes : 256 * 1024;
	__u32 zero = 0;
	__u64 *unchecked = bpf_map_lookup_elem(&unchecked_bytes, &zero);

	if (!unchecked)
		return 0;
	*unchecked += size;
	if (*unchecked < WAKEUP_CHECK_BYTES && *unchecked < threshold)
		return BPF_RB_NO_WAKEUP;
	*unchecked = 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= threshold ? BPF_RB_FORCE_WAKEUP
									  : BPF_RB_NO_WAKEUP;
}

/* Turns a kernel pointer read as a plain value into one whose fields can be
 * loaded directly (faults read as zero), saving a helper call per field. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define kernel_ptr(type, p) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

static __always_inline __u32 task_pid_ns(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct pid_namespace *ns = 0;

	/* host (level 0) and container (level 1) tasks: constant indexes, plain
	 * loads; deeper nesting: a helper reads the slot of the runtime index */
	if (level == 0)
		return pid->numbers[0].ns->ns.inum;
	if (level == 1)
		return pid->numbers[1].ns->ns.inum;
	if (bpf_probe_read_kernel(&ns, sizeof(ns), &pid->numbers[level].ns) || !ns)
		return 0;
	return kernel_ptr(struct pid_namespace, ns)->ns.inum;
}

/* The task is a BTF pointer: its fields are read with plain (CO-RE
 * relocated) loads rather than one helper call each. */
static __always_inline void fill_header(struct event_header *h, __u16 type, __u32 size)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->version = CROWSNEST_ABI_VERSION;
	h->type = type;
	h->size = size;
	h->ts_boot_ns = bpf_ktime_get_boot_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = task->real_parent->tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
	h->pid_ns = task_pid_ns(task);
	h->reserved = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline void *scratch_record(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline void store_inflight(void *map, void *record)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (bpf_map_update_elem(map, &id, record, BPF_ANY))
		count_loss(LOSS_INFLIGHT_FULL);
}

/* Looks up and unlinks the stored enter of the current thread. The value stays
 * readable until the program ends (LRU maps free it after an RCU grace period). */
static __always_inline void *take_inflight(void *map)
{
	__u64 id = bpf_get_current_pid_tgid();
	void *record = bpf_map_lookup_elem(map, &id);

	if (!record) {
		if (!is_self())
			count_loss(LOSS_EXIT_WITHOUT_ENTER);
		return 0;
	}
	return record;
}

static __always_inline void send(void *record, __u32 size, __u64 wakeup)
{
	if (bpf_ringbuf_output(&events, record, size, wakeup))
		count_loss(LOSS_RINGBUF_FULL);
}

/* Copies a user path into dst (PATH_LEN bytes, NUL-terminated) and returns
 * its length; an unreadable path reads as empty, a cut one sets the flag. */
static __always_inline __u16 read_user_path(char *dst, const char *src, __u16 *flags)
{
	long n = bpf_probe_read_user_str(dst, PATH_LEN, src);

	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	if (n == PATH_LEN)
		*flags |= EVENT_FLAG_PATH_TRUNCATED;
	return n - 1;
}

/* ---- directories -------------------------------------------------------- */

/* The current task's open file `fd`, or NULL. */
static __always_inline struct file *current_file(int fd)
{
	struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
	struct file **fds = fdt->fd;
	struct file *file = 0;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return 0;
	/* fds[] is indexed by a runtime value: read that slot with a helper */
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	return kernel_ptr(struct file, file);
}

/* Walking up from the directory a relative path starts from, one component
 * per bpf_loop step, until the task's root. Components are written leaf
 * first, each NUL-terminated, into a record's data[] from `off` on. */
struct base_walk {
	char *data;                 /* the record's data[] */
	__u64 dentry, mnt;          /* where the walk is: struct dentry *, struct mount * */
	__u64 root_dentry, root_mnt; /* the task's root: struct dentry *, struct vfsmount * */
	__u32 off;                  /* next free byte of data */
	bool complete;
};

#define BASE_MAX_DEPTH 64

/* Starts at the working directory (AT_FDCWD) or at dirfd's directory.
 * False when dirfd is no open file. */
static __always_inline bool start_base_walk(struct base_walk *w, __s32 dirfd)
{
	struct fs_struct *fs = bpf_get_current_task_btf()->fs;

	if (dirfd == AT_FDCWD) {
		w->dentry = (__u64)fs->pwd.dentry;
		w->mnt = (__u64)container_of(fs->pwd.mnt, struct mount, mnt);
	} else {
		struct file *file = current_file(dirfd);

		if (!file)
			return false;
		w->dentry = (__u64)file->f_path.dentry;
		w->mnt = (__u64)container_of(file->f_path.mnt, struct mount, mnt);
	}
	w->root_dentry = (__u64)fs->root.dentry;
	w->root_mnt = (__u64)fs->root.mnt;
	return true;
}

/* One step up; data_len is the size of the record's data[]. */
static __always_inline long walk_step(struct base_walk *w, const __u32 data_len)
{
	struct dentry *d = kernel_ptr(struct dentry, (void *)w->dentry);
	struct mount *mnt = kernel_ptr(struct mount, (void *)w->mnt);
	__u32 off = w->off;
	long n;

	if (w->dentry == w->root_dentry && (__u64)&mnt->mnt == w->root_mnt) {
		w->complete = true;
		return 1;
	}
	if (d == mnt->mnt.mnt_root) {
		/* the top of a mount: go on from the directory it is mounted on */
		if (mnt->mnt_parent == mnt) {
			w->complete = true; /* the namespace's root */
			return 1;
		}
		w->dentry = (__u64)mnt->mnt_mountpoint;
		w->mnt = (__u64)mnt->mnt_parent;
		return 0;
	}
	if (off > data_len - BASE_NAME_LEN)
		return 1;
	n = bpf_probe_read_kernel_str(&w->data[off], BASE_NAME_LEN, d->d_name.name);
	if (n <= 0)
		return 1;
	w->off = off + n;
	if ((__u64)d->d_parent == w->dentry) {
		w->complete = true; /* a filesystem's root, not mounted anywhere */
		return 1;
	}
	w->dentry = (__u64)d->d_parent;
	return 0;
}

/* bpf_loop callbacks, one per record type: the bound must be a constant */
static long walk_open_base(__u32 i, void *w)
{
	return walk_step(w, PATH_LEN + OPEN_BASE_LEN);
}

static long walk_exec_base(__u32 i, void *w)
{
	return walk_step(w, EXEC_DATA_LEN);
}

/* ---- execve / execveat ---------------------------------------------------- */

struct argv_reader {
	struct exec_event *e;
	const char *const *argv;
	__u32 off;  /* next free byte of e->data */
	bool done;
};

/* One argument per call, driven by bpf_loop: the verifier checks the body
 * once instead of once per unrolled iteration and offset. */
static long read_one_arg(__u32 i, void *data)
{
	struct argv_reader *r = data;
	struct exec_event *e = r->e;
	const char *arg = 0;
	__u32 off = r->off;
	long n;

	if (bpf_probe_read_user(&arg, sizeof(arg), &r->argv[i]) || !arg) {
		r->done = true;
		return 1;
	}
	if (off > EXEC_DATA_LEN - EXEC_ARG_LEN) {
		e->flags |= EVENT_FLAG_ARGV_TRUNCATED;
		r->done = true;
		return 1;
	}
	n = bpf_probe_read_user_str(&e->data[off], EXEC_ARG_LEN, arg);
	if (n <= 0) {
		r->done = true;
		return 1;
	}
	if (n == EXEC_ARG_LEN)
		e->flags |= EVENT_FLAG_ARGV_TRUNCATED;
	r->off = off + n;
	e->argc++;
	return 0;
}

static __always_inline int exec_enter(__u16 syscall, __s32 dirfd, const char *filename,
				      const char *const *argv)
{
	struct argv_reader reader = {};
	struct exec_event *e;

	if (is_self())
		return 0;
	e = scratch_record();
	if (!e)
		return 0;

	e->syscall = syscall;
	e->flags = 0;
	e->dirfd = dirfd;
	e->ret = 0;
	e->argc = 0;
	e->filename_len = read_user_path(e->data, filename, &e->flags);

	reader.e = e;
	reader.argv = argv;
	reader.off = e->filename_len;
	bpf_loop(EXEC_MAX_ARGS, read_one_arg, &reader, 0);
	if (!reader.done) {
		/* EXEC_MAX_ARGS were read: more follow if the next pointer is set */
		const char *arg = 0;
		bpf_probe_read_user(&arg, sizeof(arg), &argv[EXEC_MAX_ARGS]);
		if (arg)
			e->flags |= EVENT_FLAG_ARGV_TRUNCATED;
	}
	if (reader.off > EXEC_DATA_LEN)
		reader.off = EXEC_DATA_LEN;
	e->argv_len = reader.off - e->filename_len;
	e->base_len = 0;
	if (e->filename_len > 0 && e->data[0] != '/') {
		/* a relative filename: the directory it is resolved from */
		struct base_walk w = { .data = e->data, .off = reader.off };

		if (start_base_walk(&w, dirfd))
			bpf_loop(BASE_MAX_DEPTH, walk_exec_base, &w, 0);
		if (!w.complete)
			e->flags |= EVENT_FLAG_BASE_INCOMPLETE;
		if (w.off > EXEC_DATA_LEN)
			w.off = EXEC_DATA_LEN;
		e->base_len = w.off - reader.off;
		reader.off = w.off;
	}
	fill_header(&e->hdr, EVENT_EXEC, offsetof(struct exec_event, data) + reader.off);
	store_inflight(&exec_inflight, e);
	return 0;
}

#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/* True when the running program's file lives in an overlay upper layer:
 * it was written or changed after the container started, not shipped in
 * its image (drift). */
static __always_inline bool exe_in_upper_layer(void)
{
	struct file *exe = bpf_get_current_task_btf()->mm->exe_file;
	struct inode *inode = kernel_ptr(struct file, exe)->f_inode;

	if (!inode || inode->i_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return false;
	return kernel_ptr(struct ovl_inode, container_of(inode, struct ovl_inode, vfs_inode))->__upperdentry != 0;
}

static __always_inline int exec_exit(long ret)
{
	struct exec_event *e = take_inflight(&exec_inflight);
	__u32 size;

	if (!e)
		return 0;
	e->ret = ret;
	/* after a successful exec the thread carries the new program's name */
	bpf_get_current_comm(e->hdr.comm, sizeof(e->hdr.comm));
	if (ret == 0 && exe_in_upper_layer())
		e->flags |= EVENT_FLAG_EXE_UPPER_LAYER;
	size = e->hdr.size;
	if (size > sizeof(*e))
		size = sizeof(*e);
	/* execs are rare and most verdicts start from one: announce at once */
	send(e, size, 0);
	bpf_map_delete_elem(&exec_inflight, &(__u64){ bpf_get_current_pid_tgid() });
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(EXEC_SYSCALL_EXECVE, AT_FDCWD, (const char *)ctx->args[0],
			  (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(EXEC_SYSCALL_EXECVEAT, (__s32)ctx->args[0], (const char *)ctx->args[1],
			  (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

/* The syscall's arguments, from the user registers saved at syscall entry
 * (still intact at sys_exit). */
static __always_inline struct pt_regs *syscall_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* ---- connect -------------------------------------------------------------- */

static __always_inline void read_sockaddr(struct connect_event *e, const void *uaddr)
{
	__u16 family = 0;

	bpf_probe_read_user(&family, sizeof(family), uaddr);
	e->family = family;
	if (family == AF_INET) {
		struct sockaddr_in sin = {};
		bpf_probe_read_user(&sin, sizeof(sin), uaddr);
		e->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(e->addr, &sin.sin_addr.s_addr, 4);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 sin6 = {};
		bpf_probe_read_user(&sin6, sizeof(sin6), uaddr);
		e->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(e->addr, &sin6.sin6_addr, 16);
	} else if (family == AF_UNIX) {
		const char *sun_path = (const char *)uaddr + sizeof(__u16);
		long n;

		bpf_probe_read_user(e->unix_path, 1, sun_path);
		if (e->unix_path[0] == 0 && e->addrlen > sizeof(__u16) + 1) {
			/* abstract: a leading NUL, then addrlen - 3 name bytes */
			__u32 len = e->addrlen - sizeof(__u16) - 1;
			if (len > UNIX_PATH_LEN - 1)
				len = UNIX_PATH_LEN - 1;
			bpf_probe_read_user(e->unix_path, len & (UNIX_PATH_LEN - 1), sun_path + 1);
			e->unix_path_len = len;
			e->flags |= EVENT_FLAG_UNIX_ABSTRACT;
		} else {
			n = bpf_probe_read_user_str(e->unix_path, UNIX_PATH_LEN, sun_path);
			if (n > 0)
				e->unix_path_len = n - 1;
			if (n == UNIX_PATH_LEN)
				e->flags |= EVENT_FLAG_PATH_TRUNCATED;
		}
	}
}

/* The fields of a connect record other than its result. */
static __always_inline void fill_connect(struct connect_event *e, __s32 fd, const void *uaddr, __u32 addrlen)
{
	fill_header(&e->hdr, EVENT_CONNECT, sizeof(*e));
	e->fd = fd;
	e->addrlen = addrlen;
	e->family = 0;
	e->port = 0;
	e->flags = 0;
	e->unix_path_len = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->unix_path[0] = 0;
	read_sockaddr(e, uaddr);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;
	struct connect_event *e;

	if (is_self())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_loss(LOSS_RINGBUF_FULL);
		return 0;
	}
	regs = syscall_regs();
	fill_connect(e, (__s32)PT_REGS_PARM1_SYSCALL(regs), (const void *)PT_REGS_PARM2_SYSCALL(regs),
		     (__u32)PT_REGS_PARM3_SYSCALL(regs));
	e->ret = ctx->ret;
	bpf_ringbuf_submit(e, batched_wakeup(sizeof(*e)));
	return 0;
}

/* ---- open / openat / openat2 ---------------------------------------------- */

/* Records which file a successful open really reached: device, inode, parent
 * directory inode and mount id, read from the new fd's struct file. */
static __always_inline void read_file_identity(struct open_event *e, int fd)
{
	struct file *file = current_file(fd);
	struct dentry *dentry;
	struct mount *mnt;

	if (!file)
		return;
	dentry = file->f_path.dentry;
	mnt = kernel_ptr(struct mount, container_of(file->f_path.mnt, struct mount, mnt));
	e->ino = file->f_inode->i_ino;
	e->dev = file->f_inode->i_sb->s_dev;
	e->parent_ino = dentry->d_parent->d_inode->i_ino;
	e->mnt_id = mnt->mnt_id;
	e->flags |= EVENT_FLAG_FILE_IDENTITY;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} open_scratch_map SEC(".maps");

static __always_inline struct open_event *open_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&open_scratch_map, &zero);
}

/* Appends the directory a relative open path starts from to e->data. */
static __always_inline void read_open_base_dir(struct open_event *e, __s32 dirfd)
{
	struct base_walk w = { .data = e->data, .off = e->path_len };

	if (!start_base_walk(&w, dirfd)) {
		e->flags |= EVENT_FLAG_BASE_INCOMPLETE;
		return;
	}
	bpf_loop(BASE_MAX_DEPTH, walk_open_base, &w, 0);
	if (!w.complete)
		e->flags |= EVENT_FLAG_BASE_INCOMPLETE;
	if (w.off > sizeof(e->data))
		w.off = sizeof(e->data);
	e->base_len = w.off - e->path_len;
}

/* The fields of an open record other than its result and file identity;
 * `path` is read with `read_path` (user or kernel memory). */
static __always_inline struct open_event *start_open(__u16 syscall, __s32 dirfd, __u32 flags, __u32 mode)
{
	struct open_event *e = open_scratch();

	if (!e)
		return 0;
	fill_header(&e->hdr, EVENT_OPEN, sizeof(*e));
	e->ret = 0;
	e->dirfd = dirfd;
	e->open_flags = flags;
	e->mode = mode;
	e->syscall = syscall;
	e->flags = 0;
	e->dev = 0;
	e->mnt_id = 0;
	e->ino = 0;
	e->parent_ino = 0;
	e->base_len = 0;
	e->reserved = 0;
	return e;
}

/* After the path: the base directory of a relative path. */
static __always_inline void finish_open_path(struct open_event *e)
{
	if (e->path_len > 0 && e->data[0] != '/')
		read_open_base_dir(e, e->dirfd);
}

/* Sets the result, reads the new fd's identity, sends the used bytes. */
static __always_inline void send_open(struct open_event *e, long ret, bool fd_in_table)
{
	__u32 size;

	e->ret = ret;
	if (ret >= 0 && fd_in_table)
		read_file_identity(e, (int)ret);
	size = offsetof(struct open_event, data) + e->path_len + e->base_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	e->hdr.size = size;
	send(e, size, batched_wakeup(size));
}

static __always_inline int open_exit(long ret, __u16 syscall, __s32 dirfd, const char *path, __u32 flags,
				     __u32 mode)
{
	struct open_event *e = start_open(syscall, dirfd, flags, mode);

	if (!e)
		return 0;
	/* read at exit: the kernel has already copied the path; a thread that
	 * rewrites the buffer meanwhile can change what is shown here, not the
	 * file identity */
	e->path_len = read_user_path(e->data, path, &e->flags);
	finish_open_path(e);
	send_open(e, ret, true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int handle_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	/* musl (Alpine images) calls open(2) rather than openat(2) on x86-64 */
	return open_exit(ctx->ret, OPEN_SYSCALL_OPEN, AT_FDCWD, (const char *)PT_REGS_PARM1_SYSCALL(regs),
			 (__u32)PT_REGS_PARM2_SYSCALL(regs), (__u32)PT_REGS_PARM3_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_openat")
int handle_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	return open_exit(ctx->ret, OPEN_SYSCALL_OPENAT, (__s32)PT_REGS_PARM1_SYSCALL(regs),
			 (const char *)PT_REGS_PARM2_SYSCALL(regs), (__u32)PT_REGS_PARM3_SYSCALL(regs),
			 (__u32)PT_REGS_PARM4_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int handle_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how how = {};
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	bpf_probe_read_user(&how, sizeof(how), (const void *)PT_REGS_PARM3_SYSCALL(regs));
	return open_exit(ctx->ret, OPEN_SYSCALL_OPENAT2, (__s32)PT_REGS_PARM1_SYSCALL(regs),
			 (const char *)PT_REGS_PARM2_SYSCALL(regs), (__u32)how.flags, (__u32)how.mode);
}

/* ---- io_uring ------------------------------------------------------------
 * IORING_OP_OPENAT(2) and IORING_OP_CONNECT make no open or connect system
 * call. A request is read when it is submitted (in the submitter's context,
 * after its prep copied the path) and sent when it completes, with its result. */

#define IORING_OP_CONNECT 16
#define IORING_OP_OPENAT 18
#define IORING_OP_OPENAT2 28

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);                 /* struct io_kiocb * */
	__type(value, struct open_event);
} uring_open_inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct connect_event);
} uring_connect_inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct connect_event);
} connect_scratch SEC(".maps");

SEC("tracepoint/io_uring/io_uring_submit_req")
int handle_uring_submit(struct trace_event_raw_io_uring_submit_req *ctx)
{
	__u64 req = (__u64)ctx->req;
	__u8 op = ctx->opcode;

	if ((op != IORING_OP_OPENAT && op != IORING_OP_OPENAT2 && op != IORING_OP_CONNECT) || is_self())
		return 0;
	if (op == IORING_OP_CONNECT) {
		/* the request's command data is its first member */
		struct io_connect *c = kernel_ptr(struct io_connect, ctx->req);
		__u32 zero = 0;
		struct connect_event *e = bpf_map_lookup_elem(&connect_scratch, &zero);

		if (!e)
			return 0;
		fill_connect(e, -1, c->addr, c->addr_len);
		e->flags |= EVENT_FLAG_IO_URING;
		if (bpf_map_update_elem(&uring_connect_inflight, &req, e, BPF_ANY))
			count_loss(LOSS_INFLIGHT_FULL);
		return 0;
	}
	struct io_open *o = kernel_ptr(struct io_open, ctx->req);
	struct open_event *e = start_open(op == IORING_OP_OPENAT ? OPEN_SYSCALL_IO_URING_OPENAT
								 : OPEN_SYSCALL_IO_URING_OPENAT2,
					  o->dfd, (__u32)o->how.flags, (__u32)o->how.mode);
	long n;

	if (!e)
		return 0;
	n = bpf_probe_read_kernel_str(e->data, PATH_LEN, o->filename->name);
	e->path_len = n > 0 ? n - 1 : 0;
	if (n == PATH_LEN)
		e->flags |= EVENT_FLAG_PATH_TRUNCATED;
	finish_open_path(e);
	/* a direct (fixed-file) open returns no fd of the process: reserved
	 * carries that to the completion, and is cleared before sending */
	e->reserved = o->file_slot != 0;
	if (bpf_map_update_elem(&uring_open_inflight, &req, e, BPF_ANY))
		count_loss(LOSS_INFLIGHT_FULL);
	return 0;
}

SEC("tracepoint/io_uring/io_uring_complete")
int handle_uring_complete(struct trace_event_raw_io_uring_complete *ctx)
{
	__u64 req = (__u64)ctx->req;
	struct open_event *o = bpf_map_lookup_elem(&uring_open_inflight, &req);
	struct connect_event *c;

	if (o) {
		bool fixed = o->reserved;

		o->reserved = 0;
		send_open(o, ctx->res, !fixed);
		bpf_map_delete_elem(&uring_open_inflight, &req);
		return 0;
	}
	c = bpf_map_lookup_elem(&uring_connect_inflight, &req);
	if (c) {
		c->ret = ctx->res;
		send(c, sizeof(*c), batched_wakeup(sizeof(*c)));
		bpf_map_delete_elem(&uring_connect_inflight, &req);
	}
	return 0;
}

/* ---- process exit --------------------------------------------------------- */

SEC("tracepoint/sched/sched_process_exit")
int handle_process_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct exit_event e;

	/* one record per process: only when its last thread ends */
	if (task->signal->live.counter != 0 || is_self())
		return 0;
	fill_header(&e.hdr, EVENT_EXIT, sizeof(e));
	e.exit_code = task->exit_code >> 8;
	e.reserved = 0;
	send(&e, sizeof(e), batched_wakeup(sizeof(e)));
	return 0;
}
