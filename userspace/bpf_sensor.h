// The kernel side as seen from userspace: opens, loads and attaches the BPF
// skeleton, tells it which process to ignore, polls the ring buffer and reads
// the kernel's loss counters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct crowsnest_bpf;
struct ring_buffer;

namespace crowsnest {

struct SensorOptions {
    uint32_t ringbuf_bytes = 8u << 20;   // power of two, >= page size
    uint32_t wakeup_bytes = 256u << 10;  // wake the consumer once this much is pending
    bool verbose = false;                // libbpf debug output
};

struct KernelLosses {
    uint64_t ringbuf_full = 0;
    uint64_t inflight_full = 0;
    uint64_t exit_without_enter = 0;
};

class BpfSensor {
public:
    // Called for every ring-buffer record.
    using RecordFn = void (*)(void *ctx, const void *data, size_t len);

    // Mounts tracefs if needed, loads and attaches every program. On failure
    // returns nullptr with the reason in `error`.
    static std::unique_ptr<BpfSensor> start(const SensorOptions &opts, RecordFn fn, void *ctx, std::string &error);
    ~BpfSensor();

    // Waits up to timeout_ms for a wakeup, then consumes every pending
    // record (records are mostly sent without a wakeup). Returns the number
    // of records consumed, or -errno.
    int poll(int timeout_ms);

    KernelLosses losses() const;

private:
    BpfSensor() = default;
    static int on_record(void *self, void *data, size_t len);

    RecordFn fn_ = nullptr;
    void *fn_ctx_ = nullptr;
    crowsnest_bpf *skel_ = nullptr;
    ring_buffer *rb_ = nullptr;
};

// Mounts tracefs at /sys/kernel/tracing and bpffs at /sys/fs/bpf when they
// are not mounted. Returns false with the reason in `error`.
bool ensure_kernel_filesystems(std::string &error);

}  // namespace crowsnest
