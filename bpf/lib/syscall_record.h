/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Records of the rarer calls that Falco's rules name (struct syscall_event):
 * built in the per-CPU syscall_scratch, then only the used bytes are sent.
 */
#ifndef CROWSNEST_LIB_SYSCALL_RECORD_H
#define CROWSNEST_LIB_SYSCALL_RECORD_H

#include "lib/path_walk.h"

/* How a call is admitted. All share the cgroup's token bucket with open
 * and connect, so that no container can fill the ring with cheap failing
 * calls (what a bucket refuses is counted and reported as a flood). Escape
 * calls (ptrace, setns, unshare, module loads, bpf, mount, umount2, fsopen,
 * mknod of a device) may then use the ring's reserved quarter, as exec does:
 * another container's flood cannot crowd them out. The others (dup,
 * socket, chmod, links, set*id, memfd_create, mknod of a FIFO), which busy
 * programs make often, stay out of it. */
enum syscall_class { SYSCALL_CLASS_ESCAPE, SYSCALL_CLASS_HIGH_RATE };

/* The scratch record with the header, the call and its result set, and
 * everything else zero; nullptr for the sensor's own calls and for what
 * the rate limit or the ring's reserve refuses (counted). */
static __always_inline struct syscall_event *start_syscall(__u16 id, enum syscall_class class, long ret)
{
	__u32 zero = 0;
	struct syscall_event *e;
	struct origin o;

	if (is_self())
		return 0;
	o = current_origin();
	if (!flood_bucket_take(EVENT_SYSCALL, o))
		return 0;
	if (class == SYSCALL_CLASS_HIGH_RATE &&
	    ring_reserved(EVENT_SYSCALL, offsetof(struct syscall_event, data)))
		return 0;
	e = bpf_map_lookup_elem(&syscall_scratch, &zero);
	if (!e)
		return 0;
	fill_header(&e->hdr, EVENT_SYSCALL, sizeof(*e), o);
	e->ret = ret;
	__builtin_memset(e->args, 0, sizeof(e->args));
	e->syscall = id;
	e->flags = 0;
	e->path_len = 0;
	e->path2_len = 0;
	e->name_len = 0;
	__builtin_memset(&e->sock, 0, sizeof(e->sock));
	return e;
}

/* The call's paths as the caller gave them (read at exit: the kernel has
 * copied them already, so a rewrite meanwhile changes only what is shown). */
static __always_inline void read_syscall_paths(struct syscall_event *e, const char *path, const char *path2)
{
	e->path_len = read_user_path(e->data, path, &e->flags);
	if (path2)
		e->path2_len = read_user_path(e->data + (e->path_len & (PATH_LEN - 1)), path2, &e->flags);
}

/* The call's short string (mount's fs type, memfd_create's name), after
 * the paths; unreadable (a NULL fs type) reads as empty, a cut one is flagged. */
static __always_inline void read_syscall_name(struct syscall_event *e, const char *name)
{
	__u32 off = (e->path_len & (PATH_LEN - 1)) + (e->path2_len & (PATH_LEN - 1));
	long n = bpf_probe_read_user_str(e->data + off, SYSCALL_NAME_LEN, name);

	if (n <= 0)
		return;
	if (n == SYSCALL_NAME_LEN)
		e->flags |= EVENT_FLAG_PATH_TRUNCATED;
	e->name_len = n - 1;
}

/* Sends the used bytes of the record. */
static __always_inline void send_syscall(struct syscall_event *e)
{
	__u32 size = offsetof(struct syscall_event, data) + e->path_len + e->path2_len + e->name_len;

	if (size > sizeof(*e))
		size = sizeof(*e);
	e->hdr.size = size;
	send(e, size, batched_wakeup(size));
}

/* A call with up to three integer arguments and up to two paths (0: none). */
static __always_inline void send_call(__u16 id, enum syscall_class class, long ret, __s64 a0, __s64 a1,
				      __s64 a2, const void *path, const void *path2)
{
	struct syscall_event *e = start_syscall(id, class, ret);

	if (!e)
		return;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	if (path)
		read_syscall_paths(e, path, path2);
	send_syscall(e);
}

/* A call on a socket whose ends are `ends` (dup, listen, accept), with up
 * to three integer arguments. */
static __always_inline void send_socket_call(__u16 id, long ret, __s64 a0, __s64 a1, __s64 a2,
					     const struct socket_ends *ends)
{
	struct syscall_event *e = start_syscall(id, SYSCALL_CLASS_HIGH_RATE, ret);

	if (!e)
		return;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->sock = *ends;
	e->flags |= EVENT_FLAG_SOCKET;
	send_syscall(e);
}

/* A call with one integer argument, up to two paths (either may be NULL
 * at run time: it reads as empty) and its short string. */
static __always_inline void send_named_call(__u16 id, enum syscall_class class, long ret, __s64 a0,
					    const void *path, const void *path2, const void *name)
{
	struct syscall_event *e = start_syscall(id, class, ret);

	if (!e)
		return;
	e->args[0] = a0;
	if (path2)
		read_syscall_paths(e, path, path2);
	read_syscall_name(e, name);
	send_syscall(e);
}

#endif /* CROWSNEST_LIB_SYSCALL_RECORD_H */
