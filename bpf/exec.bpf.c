// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execve / execveat. The filename and argv must be read at sys_enter, while
 * the old program's memory still exists; the record is kept in
 * exec_inflight until sys_exit adds the result, the new program's name and
 * whether its file sits in an overlay upper layer, and sends it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/path_walk.h"

static long walk_exec_base(__u32 i, void *w)
{
	return walk_step(w, EXEC_DATA_LEN);
}

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
	__u32 zero = 0;
	__u64 id;

	if (is_self())
		return 0;
	e = bpf_map_lookup_elem(&exec_scratch, &zero);
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
	id = bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&exec_inflight, &id, e, BPF_ANY))
		count_inflight_full();
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
	__u64 id = bpf_get_current_pid_tgid();
	/* the value stays readable until the program ends, even once deleted
	 * (LRU maps free it after an RCU grace period) */
	struct exec_event *e = bpf_map_lookup_elem(&exec_inflight, &id);
	__u32 size;

	if (!e) {
		if (!is_self())
			count_exit_without_enter();
		return 0;
	}
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
	bpf_map_delete_elem(&exec_inflight, &id);
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
