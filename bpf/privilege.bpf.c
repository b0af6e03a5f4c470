// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Calls that change what a process may do or see: ptrace, setns, unshare,
 * kernel module loads, bpf, and setuid/setgid (and their setres* forms).
 * Each is read at sys_exit alone, from the saved user registers, and sent
 * with its result as a syscall_event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "lib/syscall_record.h"

#define ARG(n) ((__s64)PT_REGS_PARM##n##_SYSCALL(syscall_regs()))

SEC("tracepoint/syscalls/sys_exit_ptrace")
int handle_exit_ptrace(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_PTRACE, SYSCALL_CLASS_ESCAPE, ctx->ret, ARG(1), (__s32)ARG(2), 0, 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setns")
int handle_exit_setns(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SETNS, SYSCALL_CLASS_ESCAPE, ctx->ret, (__s32)ARG(1), (__s32)ARG(2), 0, 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int handle_exit_unshare(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_UNSHARE, SYSCALL_CLASS_ESCAPE, ctx->ret, (__u32)ARG(1), 0, 0, 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bpf")
int handle_exit_bpf(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_BPF, SYSCALL_CLASS_ESCAPE, ctx->ret, (__s32)ARG(1), 0, 0, 0, 0);
	return 0;
}

/* Module loads: init_module(image, len, params), finit_module(fd, params, flags). */
static __always_inline void module_exit(__u16 id, long ret)
{
	if (id == SYSCALL_INIT_MODULE)
		send_call(id, SYSCALL_CLASS_ESCAPE, ret, (__u64)ARG(2), 0, 0, 0, 0);
	else
		send_call(id, SYSCALL_CLASS_ESCAPE, ret, (__s32)ARG(1), (__s32)ARG(3), 0, 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_init_module")
int handle_exit_init_module(struct trace_event_raw_sys_exit *ctx)
{
	module_exit(SYSCALL_INIT_MODULE, ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_finit_module")
int handle_exit_finit_module(struct trace_event_raw_sys_exit *ctx)
{
	module_exit(SYSCALL_FINIT_MODULE, ctx->ret);
	return 0;
}

/* A kernel built without modules (CONFIG_MODULES=n) has no tracepoints for
 * these two calls, yet a process can still try them (and get ENOSYS), which
 * Falco's rules report. There, and only there (the sensor chooses which of
 * the two loads), every syscall exit runs this check of the call number. */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_NR(regs) ((regs)->orig_ax)
#define NR_INIT_MODULE	 175
#define NR_FINIT_MODULE	 313
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_NR(regs) ((regs)->syscallno)
#define NR_INIT_MODULE	 105
#define NR_FINIT_MODULE	 273
#endif

SEC("raw_tracepoint/sys_exit")
int handle_raw_exit_module(struct bpf_raw_tracepoint_args *ctx)
{
	long nr = SYSCALL_NR(syscall_regs());

	if (nr == NR_INIT_MODULE)
		module_exit(SYSCALL_INIT_MODULE, (long)ctx->args[1]);
	else if (nr == NR_FINIT_MODULE)
		module_exit(SYSCALL_FINIT_MODULE, (long)ctx->args[1]);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setuid")
int handle_exit_setuid(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SETUID, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__u32)ARG(1), 0, 0, 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setgid")
int handle_exit_setgid(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SETGID, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__u32)ARG(1), 0, 0, 0, 0);
	return 0;
}

/* -1 (keep) stays -1: the ids are read as signed 32-bit values */
SEC("tracepoint/syscalls/sys_exit_setresuid")
int handle_exit_setresuid(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SETRESUID, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__s32)ARG(2),
		  (__s32)ARG(3), 0, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setresgid")
int handle_exit_setresgid(struct trace_event_raw_sys_exit *ctx)
{
	send_call(SYSCALL_SETRESGID, SYSCALL_CLASS_HIGH_RATE, ctx->ret, (__s32)ARG(1), (__s32)ARG(2),
		  (__s32)ARG(3), 0, 0);
	return 0;
}
