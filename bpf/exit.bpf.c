// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process exit: one record when the last thread of a process ends, so that
 * userspace can forget it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#define CROWSNEST_KFUNC_OWNER
#include "lib/record.h"

SEC("tracepoint/sched/sched_process_exit")
int handle_process_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct exit_event e;

	/* one record per process: only when its last thread ends */
	if (task->signal->live.counter != 0 || is_self())
		return 0;
	fill_header(&e.hdr, EVENT_EXIT, sizeof(e), current_origin());
	e.exit_code = task->exit_code >> 8;
	e.reserved = 0;
	send(&e, sizeof(e), batched_wakeup(sizeof(e)));
	return 0;
}
