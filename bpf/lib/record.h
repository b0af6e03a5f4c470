/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Building and sending records: the header every record starts with, the
 * sensor's own process left out, losses counted, and the ring buffer's
 * batched wakeups.
 */
#ifndef CROWSNEST_LIB_RECORD_H
#define CROWSNEST_LIB_RECORD_H

#include <bpf/bpf_core_read.h>
#include "lib/maps.h"

/* Turns a kernel pointer read as a plain value into one whose fields can be
 * loaded directly (faults read as zero), saving a helper call per field.
 * A kfunc: one object (exit.bpf.c, which defines CROWSNEST_KFUNC_OWNER)
 * declares it __ksym, the others a plain extern that the linker resolves to
 * that declaration: libbpf before 1.5 cannot link two objects that both
 * declare the same __ksym function. */
#ifdef CROWSNEST_KFUNC_OWNER
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#else
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id);
#endif
#define kernel_ptr(type, p) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/* True when the calling process is the sensor itself. */
static __always_inline bool is_self(void)
{
	return self_tgid == (__u32)(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline struct loss_counts *losses(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&loss_counts, &zero);
}

static __always_inline void count_ringbuf_full(__u16 type)
{
	struct loss_counts *l = losses();

	if (l && type < EVENT_TYPE_MAX)
		l->ringbuf_full[type] += 1;
}

static __always_inline void count_ring_reserved(__u16 type)
{
	struct loss_counts *l = losses();

	if (l && type < EVENT_TYPE_MAX)
		l->ring_reserved[type] += 1;
}

static __always_inline void count_inflight_full(void)
{
	struct loss_counts *l = losses();

	if (l)
		l->inflight_full += 1;
}

static __always_inline void count_exit_without_enter(void)
{
	struct loss_counts *l = losses();

	if (l)
		l->exit_without_enter += 1;
}

static __always_inline __u32 task_pid_ns(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	unsigned int level = pid->level;
	struct pid_namespace *ns = 0;

	/* host (level 0) and container (level 1) tasks: constant indexes, plain
	 * loads; deeper nesting: a helper reads the slot of the runtime index */
	if (level == 0)
		return pid->numbers[0].ns->ns.inum;
	if (level == 1)
		return pid->numbers[1].ns->ns.inum;
	if (bpf_probe_read_kernel(&ns, sizeof(ns), &pid->numbers[level].ns) || !ns)
		return 0;
	return kernel_ptr(struct pid_namespace, ns)->ns.inum;
}

/* When and where an event happened: read once, first, because the rate
 * limit needs them before anything else is read. */
struct origin {
	__u64 now;                  /* bpf_ktime_get_boot_ns() */
	__u64 cgroup_id;
};

static __always_inline struct origin current_origin(void)
{
	struct origin o = { bpf_ktime_get_boot_ns(), bpf_get_current_cgroup_id() };
	return o;
}

/* The task is a BTF pointer: its fields are read with plain (CO-RE
 * relocated) loads rather than one helper call each. */
static __always_inline void fill_header(struct event_header *h, __u16 type, __u32 size, struct origin o)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	h->version = CROWSNEST_ABI_VERSION;
	h->type = type;
	h->size = size;
	h->ts_boot_ns = o.now;
	h->cgroup_id = o.cgroup_id;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ppid = task->real_parent->tgid;
	h->uid = (__u32)uid_gid;
	h->gid = uid_gid >> 32;
	h->mnt_ns = task->nsproxy->mnt_ns->ns.inum;
	h->pid_ns = task_pid_ns(task);
	h->reserved = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

#define WAKEUP_CHECK_BYTES (16 * 1024)

/* Batching wakeup policy: waking the consumer costs microseconds per event
 * (an inter-processor interrupt), so records are sent without a wakeup and
 * the consumer is woken once enough data is pending; userspace also polls on
 * a short timeout. Reading the ring's fill level touches the consumer's cache
 * line, so each CPU does it only every WAKEUP_CHECK_BYTES it sends. */
static __always_inline struct ring_view *ring_view(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&ring_views, &zero);
}

/* The same look at the fill level also tells whether the ring is crowded. */
static __always_inline __u64 batched_wakeup(__u32 size)
{
	__u64 threshold = wakeup_bytes ? wakeup_bytes : 256 * 1024;
	struct ring_view *v = ring_view();
	__u64 avail;

	if (!v)
		return 0;
	v->unchecked += size;
	if (v->unchecked < WAKEUP_CHECK_BYTES && v->unchecked < threshold)
		return BPF_RB_NO_WAKEUP;
	v->unchecked = 0;
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	v->crowded = avail > ring_high_water;
	return avail >= threshold ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Whether a high-rate record of `size` bytes must stay out of the ring's
 * reserved quarter. A refused record counts as sent for the next look at
 * the fill level, so that a CPU that only refuses still looks again. */
static __always_inline bool ring_reserved(__u16 type, __u32 size)
{
	struct ring_view *v = ring_view();

	if (!v || !v->crowded)
		return false;
	batched_wakeup(size);
	if (!v->crowded)
		return false;
	count_ring_reserved(type);
	return true;
}

/* Sends the drops of the cgroup that held `b` before `o`'s took it over. */
static __always_inline void send_flood(struct flood_bucket *b, __u32 slot, struct origin o)
{
	struct flood_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_ringbuf_full(EVENT_FLOOD);
		return;
	}
	fill_header(&e->hdr, EVENT_FLOOD, sizeof(*e), o);
	e->flooded_cgroup = b->cgroup_id;
	e->cpu = bpf_get_smp_processor_id();
	e->slot = slot;
	e->since = b->since;
	__builtin_memcpy(e->dropped, b->dropped, sizeof(e->dropped));
	bpf_ringbuf_submit(e, batched_wakeup(sizeof(*e)));
}

/* The cgroup's token bucket on this CPU (GCRA: the bucket is the time at
 * which its next event is due). False, counted, when the cgroup is over its
 * rate: no single container can fill the ring and blind the sensor. */
static __always_inline bool flood_bucket_take(__u16 type, struct origin o)
{
	__u32 slot = (__u32)((o.cgroup_id * 0x9E3779B97F4A7C15ULL) >> 32) & (FLOOD_SLOTS - 1);
	struct flood_bucket *b;
	__u64 tat;

	if (!flood_interval_ns || type >= EVENT_TYPE_MAX)
		return true;
	b = bpf_map_lookup_elem(&flood_buckets, &slot);
	if (!b)
		return true;
	if (b->cgroup_id != o.cgroup_id) {
		bool dropped = false;

		for (int t = 0; t < EVENT_TYPE_MAX; t++)
			dropped |= b->dropped[t] != 0;
		if (dropped)
			send_flood(b, slot, o);
		__builtin_memset(b, 0, sizeof(*b));
		b->cgroup_id = o.cgroup_id;
		b->since = o.now;
	}
	tat = b->tat > o.now ? b->tat : o.now;
	if (tat - o.now > flood_burst_ns) {
		b->dropped[type] += 1;
		return false;
	}
	b->tat = tat + flood_interval_ns;
	return true;
}

/* Whether a high-rate record (open, connect) may be sent at all. */
static __always_inline bool admit(__u16 type, __u32 size, struct origin o)
{
	return flood_bucket_take(type, o) && !ring_reserved(type, size);
}

/* Copies a built record (which starts with its header) into the ring. */
static __always_inline void send(void *record, __u32 size, __u64 wakeup)
{
	if (bpf_ringbuf_output(&events, record, size, wakeup))
		count_ringbuf_full(((struct event_header *)record)->type);
}

/* Copies a user path into dst (PATH_LEN bytes, NUL-terminated) and returns
 * its length; an unreadable path reads as empty, a cut one sets the flag. */
static __always_inline __u16 read_user_path(char *dst, const char *src, __u16 *flags)
{
	long n = bpf_probe_read_user_str(dst, PATH_LEN, src);

	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	if (n == PATH_LEN)
		*flags |= EVENT_FLAG_PATH_TRUNCATED;
	return n - 1;
}

/* libbpf before 1.2 names only five syscall arguments: the sixth by hand */
#ifndef PT_REGS_PARM6_SYSCALL
#if defined(__TARGET_ARCH_x86)
#define PT_REGS_PARM6_SYSCALL(x) ((x)->r9)
#elif defined(__TARGET_ARCH_arm64)
#define PT_REGS_PARM6_SYSCALL(x) (((struct user_pt_regs *)(x))->regs[5])
#endif
#endif

/* The syscall's arguments, from the user registers saved at syscall entry
 * (still intact at sys_exit). */
static __always_inline struct pt_regs *syscall_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

#endif /* CROWSNEST_LIB_RECORD_H */
