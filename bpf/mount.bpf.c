// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that change what a mount namespace shows: mount, umount2, and
 * fsopen, with which the new mount API (fsopen, fsconfig, fsmount,
 * move_mount: what util-linux's mount uses since 2.39) starts a mount
 * without any mount call. Read at sys_exit, as the caller gave them:
 * mount's source and target as the record's two paths, its fs type as the
 * name, its flags; umount2's target and flags; fsopen's fs type and flags.
 * All are escape calls: a container mounting a host disk, or proc, sysfs
 * or a cgroup hierarchy, is how it reaches the host.
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

/* fsopen(fs_name, flags): the new fd is the filesystem context */
SEC("tracepoint/syscalls/sys_exit_fsopen")
int handle_exit_fsopen(struct trace_event_raw_sys_exit *ctx)
{
	send_named_call(SYSCALL_FSOPEN, SYSCALL_CLASS_ESCAPE, ctx->ret, (__u32)ARG(2), 0, 0, PATH(1));
	return 0;
}
