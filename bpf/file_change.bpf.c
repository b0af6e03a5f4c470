// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that change files without opening them: symlink, link and chmod in
 * all their forms. Read at sys_exit: the paths as the caller gave them
 * (Falco's rules compare those), the mode, the dirfds, the result.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/syscall_record.h"

#define ARG(n)	PT_REGS_PARM##n##_SYSCALL(syscall_regs())
#define PATH(n) ((const void *)ARG(n))

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
