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
 * the consumer once this much data is pending. */
#ifdef CROWSNEST_DEFINE_SHARED
const volatile __u32 self_tgid = 0;
const volatile __u32 wakeup_bytes = 256 * 1024;
#else
extern const volatile __u32 self_tgid;
extern const volatile __u32 wakeup_bytes;
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

/* Bytes this CPU has sent since it last looked at the ring's fill level. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wakeup_unchecked SEC(".maps");

/* execs between enter and exit, keyed by pid_tgid. LRU so that an enter
 * whose exit never comes (a thread that execs from a non-leader thread changes
 * its id) cannot leak an entry forever. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct exec_event);
} exec_inflight SEC(".maps");

/* Per-CPU scratch records, built here because they are too large for the
 * 512-byte BPF stack; only their used bytes are sent. */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
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

/* io_uring requests between submission and completion, keyed by the
 * request (struct io_kiocb *). */
SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
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
