// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * connect(2), and the TCP Fast Open sends that connect without it:
 * sendto() and sendmsg() with MSG_FASTOPEN and a destination. Each is read
 * at sys_exit alone, from the saved user registers; the record has a fixed
 * size, so it is written straight into a ring-buffer reservation.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/connect_record.h"

#define MSG_FASTOPEN 0x20000000

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = syscall_regs();

	send_connect(CONNECT_SYSCALL_CONNECT, (__s32)PT_REGS_PARM1_SYSCALL(regs),
		     (const void *)PT_REGS_PARM2_SYSCALL(regs), (__u32)PT_REGS_PARM3_SYSCALL(regs), ctx->ret);
	return 0;
}

/* Every sendto runs this: the flag is tested first, and nothing else is
 * read for an ordinary send. */
SEC("tracepoint/syscalls/sys_exit_sendto")
int handle_exit_sendto(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = syscall_regs();
	const void *addr;

	if (!((__u32)PT_REGS_PARM4_SYSCALL(regs) & MSG_FASTOPEN))
		return 0;
	addr = (const void *)PT_REGS_PARM5_SYSCALL(regs);
	if (addr)
		send_connect(CONNECT_SYSCALL_SENDTO, (__s32)PT_REGS_PARM1_SYSCALL(regs), addr,
			     (__u32)PT_REGS_PARM6_SYSCALL(regs), ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int handle_exit_sendmsg(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = syscall_regs();
	struct user_msghdr msg = {};

	if (!((__u32)PT_REGS_PARM3_SYSCALL(regs) & MSG_FASTOPEN))
		return 0;
	if (bpf_probe_read_user(&msg, sizeof(msg), (const void *)PT_REGS_PARM2_SYSCALL(regs)) || !msg.msg_name)
		return 0;
	send_connect(CONNECT_SYSCALL_SENDMSG, (__s32)PT_REGS_PARM1_SYSCALL(regs), msg.msg_name, (__u32)msg.msg_namelen,
		     ctx->ret);
	return 0;
}
