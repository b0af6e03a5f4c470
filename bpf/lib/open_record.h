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

/* Records which file a successful open really reached: device, inode and
 * mount id, read from the new fd's struct file. */
static __always_inline void read_file_identity(struct open_event *e, struct file *file)
{
	struct mount *mnt = kernel_ptr(struct mount, container_of(file->f_path.mnt, struct mount, mnt));

	e->ino = file->f_inode->i_ino;
	e->dev = file->f_inode->i_sb->s_dev;
	e->mnt_id = mnt->mnt_id;
	e->flags |= EVENT_FLAG_FILE_IDENTITY;
}

/* Walking up a file's directories, looking for a protected one. */
struct watched_dir_walk {
	__u64 dentry;               /* struct dentry * */
	__u32 dev;
	bool found;
};

static long walk_watched_dirs(__u32 i, void *ctx)
{
	struct watched_dir_walk *w = ctx;
	struct dentry *d = kernel_ptr(struct dentry, (void *)w->dentry);
	struct dentry *parent = d->d_parent;
	struct host_file_key k = { .dev = w->dev };

	if ((__u64)parent == w->dentry)
		return 1; /* the filesystem's root */
	k.ino = parent->d_inode->i_ino;
	if (bpf_map_lookup_elem(&host_dirs, &k)) {
		w->found = true;
		return 1;
	}
	w->dentry = (__u64)parent;
	return 0;
}

/* The file is a protected host file, or below a protected host directory
 * at any depth: files created in new subdirectories count too. */
static __always_inline bool is_host_file(const struct open_event *e, struct file *file)
{
	struct host_file_key k = { .ino = e->ino, .dev = e->dev };
	struct watched_dir_walk w = { .dentry = (__u64)file->f_path.dentry, .dev = e->dev };

	if (bpf_map_lookup_elem(&host_files, &k))
		return true;
	k.ino = 0; /* does this device hold a protected directory? */
	if (!bpf_map_lookup_elem(&host_dirs, &k))
		return false;
	bpf_loop(FS_PATH_LEN / 2, walk_watched_dirs, &w, 0);
	return w.found;
}

/* An open that named an existing file, or a directory it may not write,
 * and was refused (OPEN_REFUSALS): permission, a read-only mount, a running
 * program, or O_EXCL. Tested on a copy of the result, as a bit of a mask: a
 * branch on each errno would have the verifier follow each one's path apart. */
static __always_inline bool open_refused(long ret)
{
	__u64 err = (__u64)-ret;

	barrier_var(err);
	return err < 64 && ((OPEN_REFUSALS >> err) & 1);
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
	e->path_len = 0;
	e->base_len = 0;
	e->fs_len = 0;
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
	/* A refused open reaches no file: which one it named is found in
	 * userspace, through the process's mounts, so the fact stays unknown.
	 * Other failures (a missing file, mostly) are no host file's. */
	if (s.holding && ret_known && (s.needs & PREFILTER_HOST_FILE) && !open_refused(ret)) {
		struct file *file = ret >= 0 ? current_file((int)ret) : 0;

		if (file) {
			read_file_identity(e, file);
			if (is_host_file(e, file))
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

/* Sets the result, reads the new fd's identity and its path within its
 * filesystem (a fixed-file open returns no fd of the process), sends the
 * used bytes. */
static __always_inline void send_open(struct open_event *e, long ret)
{
	struct file *file = 0;
	__u32 used = e->path_len + e->base_len;
	__u32 size;

	e->ret = ret;
	if (ret >= 0 && !(e->flags & EVENT_FLAG_FIXED_FILE))
		file = current_file((int)ret);
	if (file) {
		if (!(e->flags & EVENT_FLAG_FILE_IDENTITY))
			read_file_identity(e, file);
		__u32 end = used;

		if (used <= PATH_LEN + BASE_LEN && read_fs_path(e->data, &end, file->f_path.dentry)) {
			e->fs_len = end - used;
			e->flags |= EVENT_FLAG_FS_PATH;
		}
	}
	size = offsetof(struct open_event, data) + used + e->fs_len;
	if (size > sizeof(*e))
		size = sizeof(*e);
	e->hdr.size = size;
	send(e, size, batched_wakeup(size));
}

#endif /* CROWSNEST_LIB_OPEN_RECORD_H */
