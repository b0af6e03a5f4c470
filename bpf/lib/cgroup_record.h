/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The path of the current task's cgroup v2, from its kernfs node up, sent
 * once per cgroup (EVENT_CGROUP_PATH).
 */
#ifndef CROWSNEST_LIB_CGROUP_RECORD_H
#define CROWSNEST_LIB_CGROUP_RECORD_H

#include "lib/record.h"

/* kernfs_node's parent was renamed __parent in Linux 6.15 */
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	struct kernfs_node___new *n = (void *)kn;
	struct kernfs_node___old *o = (void *)kn;

	if (bpf_core_field_exists(n->__parent))
		return BPF_CORE_READ(n, __parent);
	return BPF_CORE_READ(o, parent);
}

/* Sends the path of `o`'s cgroup, unless it was sent before. */
static __always_inline void send_cgroup_once(struct origin o)
{
	struct kernfs_node *kn = BPF_CORE_READ(bpf_get_current_task_btf(), cgroups, dfl_cgrp, kn);
	struct cgroup_event *e;
	__u8 one = 1;
	__u32 off = 0;

	if (bpf_map_lookup_elem(&cgroups_sent, &o.cgroup_id))
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_ringbuf_full(EVENT_CGROUP_PATH);
		return;
	}
	fill_header(&e->hdr, EVENT_CGROUP_PATH, sizeof(*e), o);
	e->flags = EVENT_FLAG_BASE_INCOMPLETE;
	e->reserved = 0;
	for (int i = 0; i < CGROUP_MAX_DEPTH && kn; i++) {
		struct kernfs_node *parent = kernfs_parent(kn);
		long n;

		if (!parent) { /* the root: its name is not part of the path */
			e->flags = 0;
			break;
		}
		if (off > CGROUP_PATH_LEN - BASE_NAME_LEN)
			break;
		n = bpf_probe_read_kernel_str(&e->data[off], BASE_NAME_LEN, BPF_CORE_READ(kn, name));
		if (n <= 0)
			break;
		off += n;
		kn = parent;
	}
	e->path_len = off;
	bpf_ringbuf_submit(e, 0);
	bpf_map_update_elem(&cgroups_sent, &o.cgroup_id, &one, BPF_ANY);
}

#endif /* CROWSNEST_LIB_CGROUP_RECORD_H */
