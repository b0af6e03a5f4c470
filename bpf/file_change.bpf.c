// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that make, change or remove files without opening them: symlink,
 * link, chmod, mknod and unlink in all their forms, and memfd_create (a
 * file with no path). Read at sys_exit: the paths as the caller gave them (Falco's rules
 * compare those), the mode, the dirfds, the result.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/syscall_record.h"

#define ARG(n)	PT_REGS_PARM##n##_SYSCALL(syscall_regs())
#define PATH(n) ((const void *)ARG(n))

#define S_IFMT	0170000
#define S_IFBLK 0060000
#define S_IFCHR 0020000

SEC("tracepoint/syscalls/sys_exit_symlink")
int handle_exit_symlink(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SYMLINK, SYSCALL_CLASS_HIGH_RATE, ctx->ret, 0, 0, 0, PATH(1), PATH(2));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_symlinkat")
int handle_exit_symlinkat(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SYMLINKAT, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(2), 0, 0, PATH(1),
		  PATH(3));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_link")
int handle_exit_link(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_LINK, SYSCALL_CLASS_HIGH_RATE, ctx->ret, 0, 0, 0, PATH(1), PATH(2));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_linkat")
int handle_exit_linkat(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_LINKAT, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__s32)ARG(3),
		  (__s32)ARG(5), PATH(2), PATH(4));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_chmod")
int handle_exit_chmod(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_CHMOD, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__u32)ARG(2), 0, 0, PATH(1), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_fchmod")
int handle_exit_fchmod(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_FCHMOD, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__u32)ARG(2), 0, 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_fchmodat")
int handle_exit_fchmodat(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_FCHMODAT, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__u32)ARG(3), 0,
		  PATH(2), 0);
	return 0;
}

/* A block or character device made in a container is a way to the host's
 * disks and memory: an escape call. A FIFO (mkfifo) or a plain file is common. */
static __always_inline enum syscall_class mknod_class(__u16 mode)
{
	__u16 type = mode & S_IFMT;

	return type == S_IFBLK || type == S_IFCHR ? SYSCALL_CLASS_ESCAPE : SYSCALL_CLASS_HIGH_RATE;
}

/* The mode as the kernel reads it (umode_t); dev in the caller's encoding (makedev). */
SEC("tracepoint/syscalls/sys_exit_unlink")
int handle_exit_unlink(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_UNLINK, SYSCALL_CLASS_HIGH_RATE, ctx->ret, 0, 0, 0, PATH(1), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int handle_exit_unlinkat(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_UNLINKAT, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__u32)ARG(3), 0, PATH(2), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mknod")
int handle_exit_mknod(struct trace_event_raw_sys_exit *ctx)
{
	__u16 mode = (__u16)ARG(2);

	send_call(SYSCALL_MKNOD, mknod_class(mode), ctx->ret, mode, (__u32)ARG(3), 0, PATH(1), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_mknodat")
int handle_exit_mknodat(struct trace_event_raw_sys_exit *ctx)
{
	__u16 mode = (__u16)ARG(3);

	send_call(SYSCALL_MKNODAT, mknod_class(mode), ctx->ret, (__s32)ARG(1), mode, (__u32)ARG(4), PATH(2),
		  0);
	return 0;
}

/* memfd_create(name, flags): the name is the memfd's short string, not a path. */
SEC("tracepoint/syscalls/sys_exit_memfd_create")
int handle_exit_memfd_create(struct trace_event_raw_sys_exit *ctx)
{
	send_named_call(SYSCALL_MEMFD_CREATE, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__u32)ARG(2), 0, 0, PATH(1));
	return 0;
}
