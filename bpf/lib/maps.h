/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The maps and settings that every program shares. Each hook family is its
 * own object file; `bpftool gen object` links them into one, where these are
 * defined once (by maps.bpf.c, which defines CROWSNEST_DEFINE_SHARED) and
 * declared extern everywhere else. Names follow <event>_<role>.
 */
#ifndef CROWSNEST_LIB_MAPS_H
#define CROWSNEST_LIB_MAPS_H

#include "events.h"

#ifdef CROWSNEST_DEFINE_SHARED
#define SHARED
#else
#define SHARED extern
#endif

/* Settings, written by userspace into .rodata before the programs load.
 * self_tgid: the sensor's own process, never reported. wakeup_bytes: wake
 * the consumer once this much data is pending. ring_high_water: the fill
 * level above which high-rate records are refused, keeping the rest of the
 * ring for exec, exit and flood records. flood_interval_ns and
 * flood_burst_ns: each cgroup's token bucket on each CPU (one open or
 * connect per interval, bursts of burst/interval; 0: no limit). */
#ifdef CROWSNEST_DEFINE_SHARED
const volatile __u32 self_tgid = 0;
const volatile __u32 wakeup_bytes = 256 * 1024;
const volatile __u64 ring_high_water = 6 * 1024 * 1024;
const volatile __u64 flood_interval_ns = 0;
const volatile __u64 flood_burst_ns = 0;
#else
extern const volatile __u32 self_tgid;
extern const volatile __u32 wakeup_bytes;
extern const volatile __u64 ring_high_water;
extern const volatile __u64 flood_interval_ns;
extern const volatile __u64 flood_burst_ns;
#endif

/* Every record goes to userspace through this ring. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* userspace may resize before load */
} events SEC(".maps");

/* What could not be delivered, by cause (struct loss_counts). */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct loss_counts);
} loss_counts SEC(".maps");

/* The prefilter (struct prefilter in events.h): two versions, the one in
 * use named by prefilter_state, and what it dropped, per CPU. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct prefilter);
} prefilter_slots SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prefilter_state);
} prefilter_state SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prefilter_counts);
} prefilter_counts SEC(".maps");

/* A unix socket's path, read for the prefilter's test (per CPU). */
struct path_buffer {
	char data[PATH_LEN];
};

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_buffer);
} prefilter_paths SEC(".maps");

/* Cgroups that userspace resolved as the host's (not a container): the
 * prefilter's PREFILTER_CONTAINER is false for them. Value unused. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} host_cgroups SEC(".maps");

/* The protected host files and directories, by identity (PREFILTER_HOST_FILE):
 * a directory protects every file below it. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct host_file_key);
	__type(value, __u8);
} host_files SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct host_file_key);
	__type(value, __u8);
} host_dirs SEC(".maps");

/* What each CPU knows of the ring's fill level. */
struct ring_view {
	__u64 unchecked;            /* bytes sent or refused since the last look */
	__u64 crowded;              /* at the last look, the fill was above ring_high_water */
};

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ring_view);
} ring_views SEC(".maps");

/* Each cgroup's token bucket, per CPU (struct flood_bucket in events.h). */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FLOOD_SLOTS);
	__type(key, __u32);
	__type(value, struct flood_bucket);
} flood_buckets SEC(".maps");

/* What an exec's enter reads (the filename and, for a relative one, the
 * directory it starts from), kept until its exit. Not sent as such. */
struct exec_start {
	__u16 syscall;              /* enum exec_syscall */
	__u16 flags;
	__u16 filename_len;
	__u16 base_len;
	__s32 dirfd;
	__u32 reserved;
	char data[PATH_LEN + BASE_LEN]; /* the filename, then the base directory */
};

/* execs between enter and exit, keyed by pid_tgid. LRU so that an enter
 * whose exit never comes (a thread that execs from a non-leader thread changes
 * its id) cannot leak an entry forever. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct exec_start);
} exec_inflight SEC(".maps");

/* Per-CPU scratch records, built here because they are too large for the
 * 512-byte BPF stack; only their used bytes are sent. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_start);
} exec_start_scratch SEC(".maps");

/* An exec record (40 KiB) is larger than a per-CPU value may be (32 KiB):
 * a plain array with one entry per CPU, indexed by the CPU, instead.
 * Userspace sizes it to the possible CPUs before load. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} exec_scratch SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} open_scratch SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct connect_event);
} connect_scratch SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct syscall_event);
} syscall_scratch SEC(".maps");

/* A TCP connect attempt in SYN_SENT: the connecting task's header, taken
 * in its connect call, for the outcome record that may be sent from
 * softirq context; and the prefilter's facts of that task, which the
 * outcome's context cannot read. */
struct pending_connect {
	struct event_header hdr;
	__u32 facts;                /* PREFILTER_* facts known at SYN_SENT */
	__u32 tested;               /* 1: facts were read (a prefilter was in force) */
};

/* The attempts, by their struct sock address. One that never ends (a
 * socket leaked in SYN_SENT) is evicted. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_connect);
} connect_pending SEC(".maps");

/* Accepts sent per listening socket (by its inode: socket inodes are not
 * reused as soon as struct addresses are), in the window that started at
 * `start` (boot ns). */
struct accept_window {
	__u64 start;
	__u32 sent;
	__u32 reserved;
};

SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct accept_window);
} accept_windows SEC(".maps");

/* The cgroups whose path was sent (EVENT_CGROUP): each once. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} cgroups_sent SEC(".maps");

/* io_uring requests between submission and completion, keyed by the
 * request (struct io_kiocb *). An LRU map is preallocated: 2048 open
 * records of 12 KiB are 25 MiB of kernel memory. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u64);
	__type(value, struct open_event);
} uring_open_inflight SEC(".maps");

SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct connect_event);
} uring_connect_inflight SEC(".maps");

#undef SHARED

#endif /* CROWSNEST_LIB_MAPS_H */
