/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Open records, shared by the open system calls and io_uring's open
 * requests: built in the per-CPU open_scratch, judged by the prefilter,
 * completed with the result and the identity of the file reached, then only
 * the used bytes are sent.
 */
#ifndef CROWSNEST_LIB_OPEN_RECORD_H
#define CROWSNEST_LIB_OPEN_RECORD_H

#include "lib/path_walk.h"
#include "lib/prefilter.h"

/* Records which file a successful open really reached: device, inode, parent
 * directory inode and mount id, read from the new fd's struct file. */
static __always_inline void read_file_identity(struct open_event *e, int fd)
{
	struct file *file = current_file(fd);
	struct dentry *dentry;
	struct mount *mnt;

	if (!file)
		return;
	dentry = file->f_path.dentry;
	mnt = kernel_ptr(struct mount, container_of(file->f_path.mnt, struct mount, mnt));
	e->ino = file->f_inode->i_ino;
	e->dev = file->f_inode->i_sb->s_dev;
	e->parent_ino = dentry->d_parent->d_inode->i_ino;
	e->mnt_id = mnt->mnt_id;
	e->flags |= EVENT_FLAG_FILE_IDENTITY;
}

/* The per-CPU scratch record with its own fields set, but not yet its
 * header, path, base directory, result or file identity. */
static __always_inline struct open_event *open_record(__u16 syscall, __s32 dirfd, __u32 flags, __u32 mode)
{
	__u32 zero = 0;
	struct open_event *e = bpf_map_lookup_elem(&open_scratch, &zero);

	if (!e)
		return 0;
	e->ret = 0;
	e->dirfd = dirfd;
	e->open_flags = flags;
	e->mode = mode;
	e->syscall = syscall;
	e->flags = 0;
	e->dev = 0;
	e->mnt_id = 0;
	e->ino = 0;
	e->parent_ino = 0;
	e->path_len = 0;
	e->base_len = 0;
	e->reserved = 0;
	return e;
}

/* The prefilter's first look at an open, before its path is read: which
 * clauses its flags, result, task and file can satisfy, and the patterns
 * they ask of its path (`wanted` 0: none holds, counted as dropped).
 * `ret_known` is false for an io_uring open, judged at submission. With no
 * prefilter in force, every path is wanted. */
static __always_inline __u64 open_patterns_wanted(const struct prefilter *pf, struct open_event *e, long ret,
						  bool ret_known, __u64 cgroup_id)
{
	struct clause_scan s = { .cs = pf ? &pf->open : 0, .port_bits = ~0U };

	if (!pf)
		return ~0ULL;
	s.facts = open_access_facts(e->open_flags) | task_facts(pf, cgroup_id);
	s.known = PREFILTER_WRITE | PREFILTER_READ | PREFILTER_CONTAINER | PREFILTER_HOST_PIDNS;
	if (ret_known) {
		s.known |= PREFILTER_FAILED;
		if (ret < 0)
			s.facts |= PREFILTER_FAILED;
	}
	scan_clauses(&s);
	/* a failed open reaches no file: userspace sets no host path */
	if (s.holding && ret_known && (s.needs & PREFILTER_HOST_FILE)) {
		if (ret >= 0) {
			read_file_identity(e, (int)ret);
			if ((e->flags & EVENT_FLAG_FILE_IDENTITY) && is_host_file(e->dev, e->ino, e->parent_ino))
				s.facts |= PREFILTER_HOST_FILE;
		}
		s.known |= PREFILTER_HOST_FILE;
		scan_clauses(&s);
	}
	if (!s.wanted)
		count_prefiltered(EVENT_OPEN);
	return s.wanted;
}

/* The prefilter's second look, once the path is in the record: whether it
 * matches one of the patterns wanted (counted as dropped if not). */
static __always_inline bool open_path_may_match(const struct prefilter *pf, const struct open_event *e, __u64 wanted)
{
	if (!pf || wanted == ~0ULL || path_matches(pf, e->data, e->path_len, e->flags, wanted))
		return true;
	count_prefiltered(EVENT_OPEN);
	return false;
}

/* The header, once the open is to be sent; false when the rate limit or
 * the ring's reserve refuses it (counted). */
static __always_inline bool start_open(struct open_event *e, __u64 cgroup_id)
{
	struct origin o = { bpf_ktime_get_boot_ns(), cgroup_id };

	if (!admit(EVENT_OPEN, offsetof(struct open_event, data), o))
		return false;
	fill_header(&e->hdr, EVENT_OPEN, sizeof(*e), o);
	return true;
}

/* After the path: the base directory of a relative path. */
static __always_inline void finish_open_path(struct open_event *e)
{
	if (e->path_len > 0 && e->data[0] != '/')
		e->base_len = read_base_dir(e->data, e->path_len, e->dirfd, &e->flags) - e->path_len;
}

/* Sets the result, reads the new fd's identity (a fixed-file open returns
 * no fd of the process), sends the used bytes. */
static __always_inline void send_open(struct open_event *e, long ret)
{
	__u32 size;

	e->ret = ret;
	if (ret >= 0 && !(e->flags & (EVENT_FLAG_FIXED_FILE | EVENT_FLAG_FILE_IDENTITY)))
		read_file_identity(e, (int)ret);
	size = offsetof(struct open_event, data) + e->path_len + e->base_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	e->hdr.size = size;
	send(e, size, batched_wakeup(size));
}

#endif /* CROWSNEST_LIB_OPEN_RECORD_H */
