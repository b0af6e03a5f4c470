// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * connect(2), read at sys_exit alone from the saved user registers. The
 * record has a fixed size, so it is written straight into a ring-buffer
 * reservation.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/connect_record.h"

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;
	struct connect_event *e;

	if (is_self())
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_ringbuf_full(EVENT_CONNECT);
		return 0;
	}
	regs = syscall_regs();
	fill_connect(e, (__s32)PT_REGS_PARM1_SYSCALL(regs), (const void *)PT_REGS_PARM2_SYSCALL(regs),
		     (__u32)PT_REGS_PARM3_SYSCALL(regs));
	e->ret = ctx->ret;
	bpf_ringbuf_submit(e, batched_wakeup(sizeof(*e)));
	return 0;
}
