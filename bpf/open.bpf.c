// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * open / openat / openat2, read at sys_exit alone: the arguments are still
 * in the task's saved user registers and the path still mapped, so one
 * program reads everything, with no map between enter and exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/open_record.h"

static __always_inline int open_exit(long ret, __u16 syscall, __s32 dirfd, const char *path, __u32 flags,
				     __u32 mode)
{
	const struct prefilter *pf = prefilter_for(EVENT_OPEN);
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	struct open_event *e = open_record(syscall, dirfd, flags, mode);
	__u64 wanted;

	if (!e)
		return 0;
	wanted = open_patterns_wanted(pf, e, ret, true, cgroup_id);
	if (!wanted)
		return 0;
	/* read at exit: the kernel has already copied the path; a thread that
	 * rewrites the buffer meanwhile can change what is shown here, not the
	 * file identity */
	e->path_len = read_user_path(e->data, path, &e->flags);
	if (!open_path_may_match(pf, e, wanted) || !start_open(e, cgroup_id))
		return 0;
	finish_open_path(e);
	send_open(e, ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int handle_exit_open(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	/* musl (Alpine images) calls open(2) rather than openat(2) on x86-64 */
	return open_exit(ctx->ret, OPEN_SYSCALL_OPEN, AT_FDCWD, (const char *)PT_REGS_PARM1_SYSCALL(regs),
			 (__u32)PT_REGS_PARM2_SYSCALL(regs), (__u32)PT_REGS_PARM3_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_openat")
int handle_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	return open_exit(ctx->ret, OPEN_SYSCALL_OPENAT, (__s32)PT_REGS_PARM1_SYSCALL(regs),
			 (const char *)PT_REGS_PARM2_SYSCALL(regs), (__u32)PT_REGS_PARM3_SYSCALL(regs),
			 (__u32)PT_REGS_PARM4_SYSCALL(regs));
}

/* open_by_handle_at opens a file by its handle, with no path: with
 * CAP_DAC_READ_SEARCH, a way to reach the host's files from a container.
 * The path recorded is ".", based at the opened file itself, so the file's
 * own path (from its dentries) is the resolved one. */
SEC("tracepoint/syscalls/sys_exit_open_by_handle_at")
int handle_exit_open_by_handle_at(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret; /* read once, at the start: the verifier refuses a ctx pointer moved */
	const struct prefilter *pf;
	struct pt_regs *regs;
	struct open_event *e;
	__u64 cgroup_id;
	__u32 end;
	__u64 wanted;

	if (is_self())
		return 0;
	regs = syscall_regs();
	/* no path to test: the prefilter sees only its facts */
	pf = prefilter_for(EVENT_OPEN);
	cgroup_id = bpf_get_current_cgroup_id();
	e = open_record(OPEN_SYSCALL_OPEN_BY_HANDLE_AT, (__s32)PT_REGS_PARM1_SYSCALL(regs),
			(__u32)PT_REGS_PARM3_SYSCALL(regs), 0);
	if (!e)
		return 0;
	wanted = open_patterns_wanted(pf, e, ret, true, cgroup_id);
	if (!wanted || !start_open(e, cgroup_id))
		return 0;
	e->path_len = 0;
	if (ret >= 0) {
		e->data[0] = '.';
		e->path_len = 1;
		end = read_base_dir(e->data, 1, (__s32)ret, &e->flags);
		e->base_len = end - 1;
	}
	send_open(e, ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int handle_exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how how = {};
	struct pt_regs *regs;

	if (is_self())
		return 0;
	regs = syscall_regs();
	bpf_probe_read_user(&how, sizeof(how), (const void *)PT_REGS_PARM3_SYSCALL(regs));
	return open_exit(ctx->ret, OPEN_SYSCALL_OPENAT2, (__s32)PT_REGS_PARM1_SYSCALL(regs),
			 (const char *)PT_REGS_PARM2_SYSCALL(regs), (__u32)how.flags, (__u32)how.mode);
}
