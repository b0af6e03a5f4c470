// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * execve / execveat. The enter reads the filename (and, for a relative one,
 * the directory it starts from) while the old program's memory still
 * exists, and keeps it in exec_inflight. The exit adds the result, the new
 * program's name, whether its file sits in an overlay upper layer, and its
 * arguments: read from the new program's own argument area, which the
 * kernel has just written, so no page of it can be missing (the caller's
 * argv, read at enter, could sit in a never-touched mapping and read as
 * nothing), and what the new program's fds 0, 1 and 2 are. Then it sends
 * the record.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/cgroup_record.h"
#include "lib/path_walk.h"
#include "lib/socket_ends.h"

static __always_inline int exec_enter(__u16 syscall, __s32 dirfd, const char *filename)
{
	struct exec_start *s;
	__u32 zero = 0, end;
	__u64 id;

	if (is_self())
		return 0;
	s = bpf_map_lookup_elem(&exec_start_scratch, &zero);
	if (!s)
		return 0;
	s->syscall = syscall;
	s->flags = 0;
	s->dirfd = dirfd;
	s->reserved = 0;
	s->filename_len = read_user_path(s->data, filename, &s->flags);
	s->base_len = 0;
	if (s->filename_len > 0 && s->data[0] != '/') {
		end = read_base_dir(s->data, s->filename_len, dirfd, &s->flags);
		s->base_len = end - s->filename_len;
	}
	id = bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&exec_inflight, &id, s, BPF_ANY))
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

#define S_IFREG 0100000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFBLK 0060000
#define S_IFIFO 0010000
#define ANON_INODE_FS_MAGIC 0x09041934

/* What fd `fd` of the new program is (close-on-exec fds are already gone).
 * `s` is zero on entry, and a closed fd leaves it so. */
static __always_inline void read_stdio_fd(struct stdio_fd *s, int fd)
{
	struct file *file = current_file(fd);
	struct inode *inode;
	struct super_block *sb;
	__u32 type;

	if (!file)
		return;
	inode = file->f_inode;
	sb = inode->i_sb;
	type = inode->i_mode & S_IFMT;
	s->ino = inode->i_ino;
	s->dev = sb->s_dev;
	/* eventfd, epoll, signalfd...: newer kernels give them S_IFREG */
	if (sb->s_magic == ANON_INODE_FS_MAGIC) {
		s->kind = STDIO_OTHER;
		return;
	}
	switch (type) {
	case S_IFREG: s->kind = STDIO_FILE; break;
	case S_IFDIR: s->kind = STDIO_DIRECTORY; break;
	case S_IFCHR:
	case S_IFBLK:
		s->kind = type == S_IFCHR ? STDIO_CHAR : STDIO_BLOCK;
		s->dev = inode->i_rdev;
		break;
	case S_IFIFO: s->kind = STDIO_PIPE; break;
	case S_IFSOCK:
		s->kind = STDIO_SOCKET;
		read_file_socket_ends(&s->sock, file);
		break;
	default: s->kind = STDIO_OTHER; break;
	}
}

/* Appends the new program's argument area to e->data from `off`. */
static __always_inline __u32 read_new_argv(struct exec_event *e, __u32 off)
{
	struct mm_struct *mm = bpf_get_current_task_btf()->mm;
	__u64 start = mm->arg_start, end = mm->arg_end;
	__u64 total = end > start ? end - start : 0;
	__u32 len = total > EXEC_ARGV_LEN ? EXEC_ARGV_LEN : (__u32)total;

	e->argv_total = total > 0xffffffff ? 0xffffffff : (__u32)total;
	if (total > EXEC_ARGV_LEN)
		e->flags |= EVENT_FLAG_ARGV_TRUNCATED;
	if (off > PATH_LEN + BASE_LEN || len == 0 || len > EXEC_ARGV_LEN)
		return 0;
	if (bpf_probe_read_user(&e->data[off], len, (const void *)start))
		return 0;
	return len;
}

static __always_inline int exec_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	/* the value stays readable until the program ends, even once deleted
	 * (LRU maps free it after an RCU grace period) */
	struct exec_start *s = bpf_map_lookup_elem(&exec_inflight, &id);
	struct exec_event *e;
	struct origin o;
	__u32 cpu = bpf_get_smp_processor_id(), off, size, argv_len = 0;

	if (!s) {
		if (!is_self())
			count_exit_without_enter();
		return 0;
	}
	e = bpf_map_lookup_elem(&exec_scratch, &cpu);
	if (!e)
		goto out;
	e->ret = ret;
	e->syscall = s->syscall;
	e->flags = s->flags;
	e->filename_len = s->filename_len;
	e->base_len = s->base_len;
	e->dirfd = s->dirfd;
	e->reserved = 0;
	e->argv_len = 0;
	e->argv_total = 0;
	__builtin_memset(e->stdio, 0, sizeof(e->stdio));
	off = (__u32)s->filename_len + s->base_len;
	if (off > PATH_LEN + BASE_LEN)
		off = PATH_LEN + BASE_LEN;
	if (off)
		bpf_probe_read_kernel(e->data, off, s->data);
	if (ret == 0) {
		/* three calls, not a loop: each is a few loads, and stays straight-line */
		read_stdio_fd(&e->stdio[0], 0);
		read_stdio_fd(&e->stdio[1], 1);
		read_stdio_fd(&e->stdio[2], 2);
		e->flags |= EVENT_FLAG_STDIO;
		argv_len = read_new_argv(e, off);
		e->argv_len = argv_len;
		if (exe_in_upper_layer())
			e->flags |= EVENT_FLAG_EXE_UPPER_LAYER;
	}
	o = current_origin();
	/* where the exec happened, before it: its cgroup may be gone when read */
	send_cgroup_once(o);
	/* after a successful exec the thread carries the new program's name */
	size = offsetof(struct exec_event, data) + off + argv_len;
	fill_header(&e->hdr, EVENT_EXEC, size, o);
	/* bounded right before the send, in a register the verifier follows */
	if (size > sizeof(*e))
		size = sizeof(*e);
	asm volatile("" : "+r"(size));
	/* execs are rare and most verdicts start from one: announce at once */
	send(e, size, 0);
out:
	bpf_map_delete_elem(&exec_inflight, &id);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(EXEC_SYSCALL_EXECVE, AT_FDCWD, (const char *)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter(EXEC_SYSCALL_EXECVEAT, (__s32)ctx->args[0], (const char *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}
