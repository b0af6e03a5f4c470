#include "sensor/bpf_sensor.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <vector>

#include "util/clocks.h"

extern "C" {
#include "events.h"
}
#include "crowsnest.skel.h"

namespace crowsnest {
namespace {

bool libbpf_verbose = false;

bool any(const FloodCounts::Counts &counts) {
    for (uint64_t n : counts)
        if (n) return true;
    return false;
}

int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args) {
    if (level == LIBBPF_DEBUG && !libbpf_verbose) return 0;
    std::fputs("libbpf: ", stderr);
    return std::vfprintf(stderr, fmt, args);
}

bool mount_if_missing(const char *probe, const char *target, const char *fstype, std::string &error) {
    if (access(probe, F_OK) == 0) return true;
    mkdir(target, 0755);
    if (mount(fstype, target, fstype, 0, nullptr) != 0 && errno != EBUSY) {
        error = std::string("cannot mount ") + fstype + " at " + target + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

// Module loads are traced by their tracepoints where the kernel has them; a
// kernel built without modules has none (the calls still exist and fail
// with ENOSYS), and there one raw tracepoint on every syscall exit picks
// them out by number instead (bpf/privilege.bpf.c).
void choose_module_programs(crowsnest_bpf &skel) {
    const bool tracepoints = access("/sys/kernel/tracing/events/syscalls/sys_exit_init_module", F_OK) == 0;
    bpf_program__set_autoload(skel.progs.handle_exit_init_module, tracepoints);
    bpf_program__set_autoload(skel.progs.handle_exit_finit_module, tracepoints);
    bpf_program__set_autoload(skel.progs.handle_raw_exit_module, !tracepoints);
}

}  // namespace

bool ensure_kernel_filesystems(std::string &error) {
    return mount_if_missing("/sys/kernel/tracing/events", "/sys/kernel/tracing", "tracefs", error) &&
           mount_if_missing("/sys/fs/bpf/.", "/sys/fs/bpf", "bpf", error);
}

std::unique_ptr<BpfSensor> BpfSensor::start(const SensorOptions &opts, EventFn fn, void *ctx, std::string &error) {
    libbpf_verbose = opts.verbose;
    libbpf_set_print(print_libbpf);
    if (!ensure_kernel_filesystems(error)) return nullptr;

    std::unique_ptr<BpfSensor> s(new BpfSensor());
    s->decoder_.set_boot_to_wall_ns(Decoder::current_boot_to_wall_ns());
    s->skel_ = crowsnest_bpf__open();
    if (!s->skel_) {
        error = std::string("cannot open the BPF object: ") + std::strerror(errno);
        return nullptr;
    }
    if (int err = bpf_map__set_max_entries(s->skel_->maps.events, opts.ringbuf_bytes)) {
        error = "invalid ring buffer size " + std::to_string(opts.ringbuf_bytes) + ": " + std::strerror(-err);
        return nullptr;
    }
    // one exec scratch record per CPU (bpf/lib/maps.h)
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0 || bpf_map__set_max_entries(s->skel_->maps.exec_scratch, uint32_t(cpus)) != 0) {
        error = "cannot size the exec scratch map to the CPUs";
        return nullptr;
    }
    // read-only settings, fixed at load: the sensor never sees itself
    s->skel_->rodata->self_tgid = uint32_t(getpid());
    s->skel_->rodata->wakeup_bytes = opts.wakeup_bytes;
    // the ring's last quarter is kept for exec, exit and flood records
    s->skel_->rodata->ring_high_water = uint64_t(opts.ringbuf_bytes) / 4 * 3;
    if (opts.flood_rate) {
        s->skel_->rodata->flood_interval_ns = 1000000000ull / opts.flood_rate;
        s->skel_->rodata->flood_burst_ns = 1000000000ull;  // a second's worth
    }
    choose_module_programs(*s->skel_);
    if (int err = crowsnest_bpf__load(s->skel_)) {
        error = std::string("cannot load the BPF programs (root or CAP_BPF+CAP_PERFMON needed, kernel with BTF): ") +
                std::strerror(-err);
        return nullptr;
    }
    s->fn_ = fn;
    s->fn_ctx_ = ctx;
    s->rb_ = ring_buffer__new(bpf_map__fd(s->skel_->maps.events), on_record, s.get(), nullptr);
    if (!s->rb_) {
        error = std::string("cannot set up the ring buffer: ") + std::strerror(errno);
        return nullptr;
    }
    if (!s->map_ring_positions(opts.ringbuf_bytes, error)) return nullptr;
    // every event is sent until the daemon installs the rules' prefilter
    const auto &m = s->skel_->maps;
    s->prefilter_ = std::make_unique<PrefilterMaps>(
        PrefilterMapFds{bpf_map__fd(m.prefilter_slots), bpf_map__fd(m.prefilter_state), bpf_map__fd(m.host_cgroups),
                        bpf_map__fd(m.host_files), bpf_map__fd(m.host_dirs)});
    if (int err = crowsnest_bpf__attach(s->skel_)) {
        error = std::string("cannot attach the tracepoints: ") + std::strerror(-err);
        return nullptr;
    }
    return s;
}

int BpfSensor::on_record(void *self, void *data, size_t len) {
    auto *s = static_cast<BpfSensor *>(self);
    if (s->tap_) s->tap_(s->tap_ctx_, data, len);
    Event &e = s->event_;
    const DecodeStatus status = s->decoder_.decode(data, len, e);
    if (status != DecodeStatus::Ok) {
        s->malformed_[decode_status_name(status)]++;
    } else if (e.type == EventType::Flood) {
        // a slot went to another cgroup: the last of its holder's counts
        const auto f = e.flood;
        const auto dropped = s->flood_counts_.evicted(f.cpu, f.slot, e.cgroup_id, f.since, f.dropped);
        if (any(dropped)) s->hand_on_flood(dropped);
    } else {
        s->fn_(s->fn_ctx_, e);
    }
    return 0;
}

// A Flood event for event_'s cgroup, with `dropped`.
void BpfSensor::hand_on_flood(const FloodCounts::Counts &dropped) {
    event_.type = EventType::Flood;
    event_.flood.dropped = dropped;
    fn_(fn_ctx_, event_);
}

void BpfSensor::read_flood_counts() {
    const uint64_t now = boot_clock_ns(), wall = wall_clock_ns();
    const int ncpu = libbpf_num_possible_cpus();
    std::vector<flood_bucket> per_cpu(size_t(ncpu > 0 ? ncpu : 1));
    static_assert(sizeof(flood_bucket) % 8 == 0, "per-CPU values are laid out 8-byte aligned");
    for (uint32_t slot = 0; slot < FLOOD_SLOTS; slot++) {
        if (bpf_map__lookup_elem(skel_->maps.flood_buckets, &slot, sizeof(slot), per_cpu.data(),
                                 per_cpu.size() * sizeof(flood_bucket), 0) != 0)
            return;
        for (size_t cpu = 0; cpu < per_cpu.size(); cpu++) {
            const flood_bucket &b = per_cpu[cpu];
            if (b.cgroup_id == 0) continue;
            FloodCounts::Counts cumulative{};
            for (size_t t = 0; t < cumulative.size(); t++) cumulative[t] = b.dropped[t];
            const auto dropped = flood_counts_.observe(uint32_t(cpu), slot, b.cgroup_id, b.since, cumulative, now);
            if (!any(dropped)) continue;
            // no process: the drops of a whole cgroup, as of now
            event_.cgroup_id = b.cgroup_id;
            event_.boot_ns = now;
            event_.time_ns = wall;
            event_.pid = event_.tid = event_.ppid = event_.uid = event_.gid = 0;
            event_.comm.clear();
            hand_on_flood(dropped);
        }
    }
    flood_counts_.forget_older_than(now > 60000000000ull ? now - 60000000000ull : 0);
}

// The first page of a ring buffer map holds the consumer position, the
// second the producer's (the kernel's layout; libbpf 1.1 does not expose them).
bool BpfSensor::map_ring_positions(uint32_t ring_bytes, std::string &error) {
    const long page = sysconf(_SC_PAGESIZE);
    const int fd = bpf_map__fd(skel_->maps.events);
    void *cons = mmap(nullptr, size_t(page), PROT_READ, MAP_SHARED, fd, 0);
    void *prod = mmap(nullptr, size_t(page), PROT_READ, MAP_SHARED, fd, page);
    if (cons == MAP_FAILED || prod == MAP_FAILED) {
        error = std::string("cannot map the ring buffer's positions: ") + std::strerror(errno);
        if (cons != MAP_FAILED) munmap(cons, size_t(page));
        if (prod != MAP_FAILED) munmap(prod, size_t(page));
        return false;
    }
    consumer_pos_ = static_cast<const unsigned long *>(cons);
    producer_pos_ = static_cast<const unsigned long *>(prod);
    ring_bytes_ = ring_bytes;
    return true;
}

double BpfSensor::ring_fill() const {
    const unsigned long cons = __atomic_load_n(consumer_pos_, __ATOMIC_ACQUIRE);
    const unsigned long prod = __atomic_load_n(producer_pos_, __ATOMIC_ACQUIRE);
    return prod > cons ? double(prod - cons) / ring_bytes_ : 0.0;
}

BpfSensor::~BpfSensor() {
    const long page = sysconf(_SC_PAGESIZE);
    if (consumer_pos_) munmap(const_cast<unsigned long *>(consumer_pos_), size_t(page));
    if (producer_pos_) munmap(const_cast<unsigned long *>(producer_pos_), size_t(page));
    if (rb_) ring_buffer__free(rb_);
    if (skel_) crowsnest_bpf__destroy(skel_);
}

int BpfSensor::wait(int timeout_ms) {
    epoll_event ev{};
    const int n = epoll_wait(ring_buffer__epoll_fd(rb_), &ev, 1, timeout_ms);
    return n < 0 ? -errno : 0;
}

int BpfSensor::consume() { return ring_buffer__consume(rb_); }

void BpfSensor::resync_clock() { decoder_.set_boot_to_wall_ns(Decoder::current_boot_to_wall_ns()); }

SensorCounters BpfSensor::counters() const {
    SensorCounters out;
    out.malformed = malformed_;
    out.prefilter_types = prefilter_->filtered_types();
    const int ncpu = libbpf_num_possible_cpus();
    static_assert(sizeof(loss_counts) % 8 == 0, "per-CPU values are laid out 8-byte aligned");
    std::vector<loss_counts> per_cpu(size_t(ncpu > 0 ? ncpu : 1));
    const uint32_t zero = 0;
    if (bpf_map__lookup_elem(skel_->maps.loss_counts, &zero, sizeof(zero), per_cpu.data(),
                             per_cpu.size() * sizeof(loss_counts), 0) != 0)
        return out;
    for (const auto &c : per_cpu) {
        for (size_t t = 0; t < kEventTypeCount; t++) {
            out.ringbuf_full[t] += c.ringbuf_full[t];
            out.ring_reserved[t] += c.ring_reserved[t];
        }
        out.inflight_full += c.inflight_full;
        out.exit_without_enter += c.exit_without_enter;
    }
    static_assert(sizeof(prefilter_counts) % 8 == 0, "per-CPU values are laid out 8-byte aligned");
    std::vector<prefilter_counts> filtered(per_cpu.size());
    if (bpf_map__lookup_elem(skel_->maps.prefilter_counts, &zero, sizeof(zero), filtered.data(),
                             filtered.size() * sizeof(prefilter_counts), 0) != 0)
        return out;
    for (const auto &c : filtered)
        for (size_t t = 0; t < kEventTypeCount; t++) out.prefiltered[t] += c.dropped[t];
    return out;
}

}  // namespace crowsnest
