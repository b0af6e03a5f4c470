/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The in-kernel prefilter (struct prefilter in events.h): whether any loaded
 * rule could match an event, decided from what the program reads anyway,
 * cheapest first, before the record is built. Every decision errs towards
 * sending: a path the tests cannot judge is sent.
 */
#ifndef CROWSNEST_LIB_PREFILTER_H
#define CROWSNEST_LIB_PREFILTER_H

#include "lib/record.h"

/* The prefilter in force for events of `type`, or NULL when every event of
 * that type is to be sent (not filtered, or a consumer needs them all). */
static __always_inline const struct prefilter *prefilter_for(__u16 type)
{
	__u32 zero = 0, slot;
	struct prefilter_state *st = bpf_map_lookup_elem(&prefilter_state, &zero);
	struct prefilter *pf;

	if (!st || type >= 32 || (st->open_types & (1u << type)))
		return 0;
	slot = st->slot & 1;
	pf = bpf_map_lookup_elem(&prefilter_slots, &slot);
	if (!pf || !(pf->filtered_types & (1u << type)))
		return 0;
	return pf;
}

static __always_inline void count_prefiltered(__u16 type)
{
	__u32 zero = 0;
	struct prefilter_counts *c = bpf_map_lookup_elem(&prefilter_counts, &zero);

	if (c && type < EVENT_TYPE_MAX)
		c->dropped[type] += 1;
}

/* The clauses whose facts hold, given the facts known, and what they ask
 * further: one pass in a bpf_loop callback (an unrolled loop that ORs bits
 * into a mask would give the verifier a state per combination). */
struct clause_scan {
	const struct prefilter_clauses *cs;
	__u32 facts, known;
	__u32 port_bits;            /* connect: the ports[] its port equals; all ones when not known */
	bool port_tested;           /* a holding clause tests the port (so, while it is not known, it may not hold) */
	__u32 holding;              /* bit i: clause i holds */
	__u32 needs;                /* facts some holding clause needs, either way */
	__u64 wanted;               /* patterns the holding clauses name; all ones if one names none */
};

static long scan_clause(__u32 i, struct clause_scan *s)
{
	const struct prefilter_clause *c;

	if (i >= s->cs->count)
		return 1;
	/* bpf_loop runs i below PREFILTER_CLAUSES; the mask, kept from the
	 * compiler by the barrier, shows the verifier */
	barrier_var(i);
	c = &s->cs->clause[i & (PREFILTER_CLAUSES - 1)];
	if ((c->need_true & s->known & ~s->facts) || (c->need_false & s->known & s->facts))
		return 0;
	if (c->ports && !(c->ports & s->port_bits))
		return 0;
	s->holding |= 1u << i;
	s->port_tested |= c->ports != 0;
	s->needs |= c->need_true | c->need_false;
	s->wanted |= c->patterns ? c->patterns : ~0ULL;
	return 0;
}

struct port_scan {
	const struct prefilter *pf;
	__u16 port;
	__u32 bits;
};

static long match_port(__u32 i, struct port_scan *p)
{
	barrier_var(i); /* as in scan_clause */
	if (p->pf->ports[i & (PREFILTER_PORTS - 1)] == p->port)
		p->bits |= 1u << (i & (PREFILTER_PORTS - 1));
	return 0;
}

/* Bit i set when the prefilter's ports[i] is `port`. */
static __always_inline __u32 port_bits(const struct prefilter *pf, __u16 port)
{
	struct port_scan p = { .pf = pf, .port = port };

	bpf_loop(pf->port_count < PREFILTER_PORTS ? pf->port_count : PREFILTER_PORTS, match_port, &p, 0);
	return p.bits;
}

static __always_inline void scan_clauses(struct clause_scan *s)
{
	s->holding = 0;
	s->port_tested = false;
	s->needs = 0;
	s->wanted = 0;
	bpf_loop(PREFILTER_CLAUSES, scan_clause, s, 0);
}

/* The clauses that hold for a connect's facts and, for an inet one, its
 * port: the port list is searched only when a clause that holds so far
 * tests it (a host's refused connect, wanted by the scan rules whatever
 * the port, skips it). */
static __always_inline void scan_clauses_at_port(const struct prefilter *pf, struct clause_scan *s, bool inet,
						 __u16 port)
{
	s->port_bits = ~0U;
	scan_clauses(s);
	if (s->port_tested && inet) {
		s->port_bits = port_bits(pf, port);
		scan_clauses(s);
	}
}

/* The facts every event knows: its cgroup and its pid namespace. */
static __always_inline __u32 task_facts(const struct prefilter *pf, __u64 cgroup_id)
{
	__u32 facts = 0;

	if (!bpf_map_lookup_elem(&host_cgroups, &cgroup_id))
		facts |= PREFILTER_CONTAINER;
	if (task_pid_ns(bpf_get_current_task_btf()) == pf->host_pid_ns)
		facts |= PREFILTER_HOST_PIDNS;
	return facts;
}

/* The facts of an open's flags (O_ACCMODE 3 counts as writing, as in userspace). */
static __always_inline __u32 open_access_facts(__u32 open_flags)
{
	__u32 acc = open_flags & 3, facts = 0;

	if (acc != 0)
		facts |= PREFILTER_WRITE;
	if (acc != 1)
		facts |= PREFILTER_READ;
	return facts;
}

/* ---- path patterns ---------------------------------------------------- */

struct path_test {
	const struct prefilter *pf;
	const char *path;           /* a record's data[], PATH_LEN bytes at least */
	__u32 len;
	__u64 wanted;               /* patterns to try */
	__u32 first;                /* the lowest of them: the loop's i counts from it */
	int clean;                  /* -1: not looked at yet; 1: absolute, no "//" or "/." */
	bool matched;
};

#define PATH_AT(p, i) ((p)[(i) & (PATH_LEN - 1)])

static __always_inline bool text_at(const char *path, __u32 off, const struct prefilter_pattern *p)
{
	for (__u32 j = 0; j < PREFILTER_PATTERN_LEN; j++) {
		if (j >= p->len)
			return true;
		if (PATH_AT(path, off + j) != p->text[j])
			return false;
	}
	return true;
}

/* The path's last component is a name: not empty, ".", or "..", which
 * userspace's normalised path would not end with. */
static __always_inline bool ends_with_name(const char *path, __u32 len)
{
	char c;

	if (len == 0)
		return false;
	c = PATH_AT(path, len - 1);
	if (c == '/')
		return false;
	if (c != '.')
		return true;
	c = len >= 2 ? PATH_AT(path, len - 2) : '/';
	if (c == '/')
		return false;
	if (c != '.')
		return true;
	return len >= 3 && PATH_AT(path, len - 3) != '/';
}

static long find_unclean(__u32 i, struct path_test *t)
{
	char c;

	if (i + 1 >= t->len)
		return 1;
	c = PATH_AT(t->path, i + 1);
	if (PATH_AT(t->path, i) == '/' && (c == '/' || c == '.')) {
		t->clean = 0;
		return 1;
	}
	return 0;
}

/* An absolute path without "//" or "/." is what userspace's normalised
 * path is, but for a trailing '/': a prefix it lacks, userspace's lacks. */
static __always_inline bool path_is_clean(struct path_test *t)
{
	if (t->clean < 0) {
		t->clean = t->len > 0 && t->path[0] == '/';
		if (t->clean)
			bpf_loop(PATH_LEN, find_unclean, t, 0);
	}
	return t->clean;
}

/* The number of bits up to the highest set one (0 for 0): BPF has no
 * count-leading-zeros instruction, and clang's expansion of it crashes. */
static __always_inline __u32 bit_length(__u64 v)
{
	__u32 n = 0;

	if (v >> 32) { n += 32; v >>= 32; }
	if (v >> 16) { n += 16; v >>= 16; }
	if (v >> 8) { n += 8; v >>= 8; }
	if (v >> 4) { n += 4; v >>= 4; }
	if (v >> 2) { n += 2; v >>= 2; }
	if (v >> 1) { n += 1; v >>= 1; }
	return n + (__u32)v;
}

static long try_pattern(__u32 i, struct path_test *t)
{
	const struct prefilter_pattern *p;
	__u32 len = t->len, plen;
	bool m = false;

	i += t->first;
	if (!(t->wanted & (1ULL << (i & 63))))
		return 0;
	barrier_var(i); /* as in scan_clause */
	p = &t->pf->patterns[i & (PREFILTER_PATTERNS - 1)];
	plen = p->len;
	if (p->kind == PREFILTER_PREFIX)
		m = (len >= plen && text_at(t->path, 0, p)) || !path_is_clean(t);
	else if (!ends_with_name(t->path, len))
		m = true;
	else if (len >= plen && text_at(t->path, len - plen, p))
		m = p->kind == PREFILTER_SUFFIX || len == plen || PATH_AT(t->path, len - plen - 1) == '/';
	if (!m)
		return 0;
	t->matched = true;
	return 1; /* the callback's result must be a constant 0 or 1 */
}

/* Whether the path (as the caller gave it) matches one of `wanted`. */
static __always_inline bool path_matches(const struct prefilter *pf, const char *path, __u32 len, __u16 flags,
					 __u64 wanted)
{
	struct path_test t = { .pf = pf, .path = path, .len = len, .wanted = wanted, .clean = -1 };

	if (flags & EVENT_FLAG_PATH_TRUNCATED)
		return true;
	/* a callback per pattern from the lowest wanted to the highest, not
	 * per slot: each call costs */
	t.first = bit_length(wanted & -wanted) - 1;
	bpf_loop(bit_length(wanted) - t.first, try_pattern, &t, 0);
	return t.matched;
}

#endif /* CROWSNEST_LIB_PREFILTER_H */
