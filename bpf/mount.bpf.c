// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that change what a mount namespace shows: mount and umount2. Read
 * at sys_exit, as the caller gave them: mount's source and target as the
 * record's two paths, its fs type as the name, its flags; umount2's target
 * and flags. Both are escape calls: a container mounting a host disk, or
 * proc, sysfs or a cgroup hierarchy, is how it reaches the host.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/syscall_record.h"

#define ARG(n)	PT_REGS_PARM##n##_SYSCALL(syscall_regs())
#define PATH(n) ((const void *)ARG(n))

/* mount(source, target, fstype, flags, data): source and fstype may be
 * NULL (a bind or a remount), and then read as empty. */
SEC("tracepoint/syscalls/sys_exit_mount")
int handle_exit_mount(struct trace_event_raw_sys_exit *ctx)
{
	send_named_call(SYSCALL_MOUNT, SYSCALL_CLASS_ESCAPE, ctx->ret, (__s64)ARG(4), PATH(1), PATH(2), PATH(3));
	return 0;
}

/* umount2(target, flags): the kernel names its tracepoint "umount" */
SEC("tracepoint/syscalls/sys_exit_umount")
int handle_exit_umount2(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_UMOUNT2, SYSCALL_CLASS_ESCAPE, ctx->ret, (__s32)ARG(2), 0, 0, PATH(1), 0);
	return 0;
}
