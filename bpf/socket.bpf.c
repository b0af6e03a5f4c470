// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * File descriptors that are sockets: socket(2), dup/dup2/dup3 of a socket
 * (a shell whose stdin and stdout become a connection is a reverse shell),
 * listen and accept/accept4 on an inet socket (a bind shell's listener
 * waits for its peer, then takes it). Read at sys_exit, with the socket's
 * two ends and protocol from the kernel's struct sock: what Falco's fd.*
 * fields describe.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/accept_record.h"
#include "lib/socket_ends.h"
#include "lib/syscall_record.h"

#define ARG(n) PT_REGS_PARM##n##_SYSCALL(syscall_regs())

SEC("tracepoint/syscalls/sys_exit_socket")
int handle_exit_socket(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	struct syscall_event *e = start_syscall(SYSCALL_SOCKET, SYSCALL_CLASS_HIGH_RATE, ret);

	if (!e)
		return 0;
	e->args[0] = (__s32)ARG(1);
	e->args[1] = (__s32)ARG(2);
	e->args[2] = (__s32)ARG(3);
	/* the new socket's own view: its protocol when the caller passed 0 */
	if (ret >= 0 && read_socket_ends(&e->sock, (int)ret))
		e->flags |= EVENT_FLAG_SOCKET;
	send_syscall(e);
	return 0;
}

/* Only a dup of a socket is sent: shells dup files and pipes all the time
 * (every 2>&1), and no rule can tell those apart by anything but the fd. */
static __always_inline void dup_exit(__u16 id, long ret, __s32 oldfd, __s32 newfd, __s32 flags)
{
	struct socket_ends ends = {};

	if (read_socket_ends(&ends, oldfd))
		send_socket_call(id, ret, oldfd, newfd, flags, &ends);
}

SEC("tracepoint/syscalls/sys_exit_dup")
int handle_exit_dup(struct trace_event_raw_sys_exit *ctx)
{
	dup_exit(SYSCALL_DUP, ctx->ret, (__s32)ARG(1), 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_dup2")
int handle_exit_dup2(struct trace_event_raw_sys_exit *ctx)
{
	dup_exit(SYSCALL_DUP2, ctx->ret, (__s32)ARG(1), (__s32)ARG(2), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_dup3")
int handle_exit_dup3(struct trace_event_raw_sys_exit *ctx)
{
	dup_exit(SYSCALL_DUP3, ctx->ret, (__s32)ARG(1), (__s32)ARG(2), (__s32)ARG(3));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int handle_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	__s32 fd = (__s32)ARG(1);

	send_accept(SYSCALL_ACCEPT, ctx->ret, fd, current_file(fd), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int handle_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	__s32 fd = (__s32)ARG(1);

	send_accept(SYSCALL_ACCEPT4, ctx->ret, fd, current_file(fd), (__s32)ARG(4));
	return 0;
}

/* A successful listen on an inet socket: which address and port a process
 * waits on. Rare (once per server start), so each is sent. */
SEC("tracepoint/syscalls/sys_exit_listen")
int handle_exit_listen(struct trace_event_raw_sys_exit *ctx)
{
	struct socket_ends ends = {};
	__s32 fd = (__s32)ARG(1);

	if (ctx->ret >= 0 && read_socket_ends(&ends, fd) && (ends.family == AF_INET || ends.family == AF_INET6))
		send_socket_call(SYSCALL_LISTEN, ctx->ret, fd, (__s32)ARG(2), 0, &ends);
	return 0;
}
