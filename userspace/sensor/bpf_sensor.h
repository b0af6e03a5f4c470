// The kernel side as seen from userspace: opens, configures, loads and
// attaches the BPF skeleton, polls the ring buffer, decodes each record and
// hands the event on, and reads the kernel's loss counters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "event/event.h"
#include "sensor/decoder.h"
#include "sensor/flood_counts.h"
#include "sensor/prefilter_maps.h"
#include "sensor/sensor_counters.h"
#include "sensor/sensor_options.h"

struct crowsnest_bpf;
struct ring_buffer;

namespace crowsnest {

class BpfSensor {
public:
    // Called for every well-formed record, on the thread that polls.
    using EventFn = void (*)(void *ctx, const Event &event);
    // Called with every record's bytes as received, before they are decoded.
    using RecordFn = void (*)(void *ctx, const void *data, size_t len);

    // Mounts tracefs and bpffs if needed, loads and attaches every program.
    // On failure returns nullptr with the reason in `error`.
    static std::unique_ptr<BpfSensor> start(const SensorOptions &opts, EventFn fn, void *ctx, std::string &error);
    ~BpfSensor();

    // Waits up to timeout_ms for a wakeup (records are mostly sent without
    // one). Returns 0 or -errno.
    int wait(int timeout_ms);
    // Consumes every pending record. Returns how many, or -errno.
    int consume();
    // How full the ring buffer is now: unread bytes over its size, 0..1.
    double ring_fill() const;
    uint32_t ring_bytes() const { return ring_bytes_; }

    // Follows the wall clock when it is set or slewed (NTP, suspend).
    void resync_clock();

    // Reads every cgroup's rate-limit drops and hands those since the last
    // read on as Flood events. Called about once a second.
    void read_flood_counts();

    // Malformed records counted here, and the kernel side's losses and
    // prefilter drops.
    SensorCounters counters() const;

    // What the kernel side sends (bpf/lib/prefilter.h).
    PrefilterMaps &prefilter() { return *prefilter_; }

    // Hands every record on as received too, for the pipeline benchmark's
    // recording (scripts/bench_pipeline.cpp) to replay. nullptr: none.
    void set_record_tap(RecordFn fn, void *ctx) {
        tap_ = fn;
        tap_ctx_ = ctx;
    }

private:
    BpfSensor() = default;
    static int on_record(void *self, void *data, size_t len);
    bool map_ring_positions(uint32_t ring_bytes, std::string &error);

    EventFn fn_ = nullptr;
    void *fn_ctx_ = nullptr;
    RecordFn tap_ = nullptr;
    void *tap_ctx_ = nullptr;
    crowsnest_bpf *skel_ = nullptr;
    ring_buffer *rb_ = nullptr;
    // the ring's consumer and producer positions, mapped read-only
    const unsigned long *consumer_pos_ = nullptr, *producer_pos_ = nullptr;
    uint32_t ring_bytes_ = 0;
    void hand_on_flood(const FloodCounts::Counts &dropped);

    std::unique_ptr<PrefilterMaps> prefilter_;
    Decoder decoder_;
    Event event_;  // reused for every record
    FloodCounts flood_counts_;
    std::map<std::string, uint64_t> malformed_;
};

// Mounts tracefs at /sys/kernel/tracing and bpffs at /sys/fs/bpf when they
// are not mounted. Returns false with the reason in `error`.
bool ensure_kernel_filesystems(std::string &error);

}  // namespace crowsnest
