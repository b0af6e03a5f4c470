// A message as the hub hands it to every subscriber: its protobuf bytes,
// made once when it is published, the message itself, parsed back from them
// only if a subscriber needs its fields, and its other encodings (a JSON
// line, Falco's alert JSON), each made once by the first subscriber that
// needs it and shared by all the others. Ten gRPC clients and three outputs
// cost one serialisation each, not thirteen.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "proto_json.h"

namespace crowsnest {

enum class Encoding { Json, FalcoJson };

// Bytes first: what most subscribers send (gRPC streams, the journal) is the
// bytes, so publishing costs the engine one serialisation and one
// allocation. Copying the message instead took a few dozen allocations
// (every string and sub-message), on the engine thread, and as many frees on
// whichever thread let go of it last.
template <typename Msg>
class Published {
public:
    // What makes an encoding. One encoding is always made by the same
    // function: the first caller's is the one used.
    using Encoder = std::string (*)(const Msg &);

    explicit Published(const Msg &m) : wire_(m.SerializeAsString()), sequence_(m.sequence()), gap_(m.has_gap()) {}
    Published(const Published &) = delete;
    Published &operator=(const Published &) = delete;

    // What the hub needs without parsing.
    uint64_t sequence() const { return sequence_; }
    bool is_gap() const { return gap_; }

    // Protobuf's own wire form: what every gRPC stream sends and the journal keeps.
    const std::string &wire() const { return wire_; }

    // The message, parsed from its bytes by the first caller (thread-safe).
    const Msg &message() const {
        make_once(parsed_, [&] {
            message_ = std::make_unique<Msg>();
            message_->ParseFromString(wire_);  // bytes this process serialised: they parse
        });
        return *message_;
    }

    // What it takes in memory, counted against the hub's budget when queued:
    // the bytes. A parsed message is not counted; it lives as long as them.
    size_t bytes() const { return sizeof(*this) + wire_.capacity(); }

    // Thread-safe; later calls return the bytes the first made.
    const std::string &encoded(Encoding e, Encoder make) const {
        Slot &slot = slots_[size_t(e)];
        if (!slot.made.load(std::memory_order_acquire)) {
            const Msg &m = message();  // before make_once: it takes the same lock
            make_once(slot.made, [&] { slot.bytes = make(m); });
        }
        return slot.bytes;
    }

    // The JSON line (proto_json.h), without its newline.
    const std::string &json() const {
        return encoded(Encoding::Json, [](const Msg &m) { return to_json_line(m); });
    }

private:
    // Runs `make` once, whoever calls first; `made` says it has run. Not
    // std::call_once: glibc's pthread_once makes a futex system call every
    // time it runs its function, which was a system call per message.
    template <typename Make>
    void make_once(std::atomic<bool> &made, Make make) const {
        if (made.load(std::memory_order_acquire)) return;
        std::lock_guard lock(making_);
        if (made.load(std::memory_order_relaxed)) return;
        make();
        made.store(true, std::memory_order_release);
    }

    const std::string wire_;
    const uint64_t sequence_;
    const bool gap_;

    mutable std::atomic<bool> parsed_{false};
    mutable std::unique_ptr<Msg> message_;

    struct Slot {
        std::atomic<bool> made{false};
        std::string bytes;
    };
    mutable std::array<Slot, 2> slots_;
    mutable std::mutex making_;  // one parse or encoding at a time: they are rarely wanted at once
};

}  // namespace crowsnest
