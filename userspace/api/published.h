// A message as the hub hands it to every subscriber: the message itself,
// and each of its encodings (protobuf bytes for gRPC, a JSON line, Falco's
// alert JSON) made once, by the first subscriber that needs it, and shared
// by all the others. Ten gRPC clients and three outputs cost one
// serialisation each, not thirteen.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>

#include <google/protobuf/arena.h>

#include "proto_json.h"

namespace crowsnest {

enum class Encoding { Protobuf, Json, FalcoJson };

// The message lives in an arena inside the object: one allocation (and one
// free, often on another thread) per message instead of one per string and
// sub-message, which is what made the engine wait on malloc's locks while
// subscribers' threads freed what it had allocated.
template <typename Msg>
class Published {
public:
    // What makes an encoding. One encoding is always made by the same
    // function: the first caller's is the one used.
    using Encoder = std::string (*)(const Msg &);

    explicit Published(const Msg &m) : arena_(block_, sizeof(block_)), message(copy_into(arena_, m)) {}
    Published(const Published &) = delete;
    Published &operator=(const Published &) = delete;

private:
    static constexpr size_t kInlineBytes = 512;  // a small message fits; a larger one takes a block or two more
    alignas(16) char block_[kInlineBytes];
    google::protobuf::Arena arena_;

    static const Msg &copy_into(google::protobuf::Arena &arena, const Msg &m) {
        Msg *copy = google::protobuf::Arena::CreateMessage<Msg>(&arena);
        copy->CopyFrom(m);
        return *copy;
    }

public:
    const Msg &message;  // after the arena that holds it

    // What it takes in memory (its arena's blocks; encodings not counted).
    size_t bytes() const {
        const size_t arena = size_t(arena_.SpaceAllocated());  // the inline block included
        return sizeof(*this) + (arena > kInlineBytes ? arena - kInlineBytes : 0);
    }

    // Thread-safe; later calls return the bytes the first made.
    const std::string &encoded(Encoding e, Encoder make) const {
        Slot &slot = slots_[size_t(e)];
        std::call_once(slot.once, [&] { slot.bytes = make(message); });
        return slot.bytes;
    }

    // Protobuf's own wire form: what every gRPC stream sends and the journal keeps.
    const std::string &wire() const {
        return encoded(Encoding::Protobuf, [](const Msg &m) { return m.SerializeAsString(); });
    }
    // The JSON line (proto_json.h), without its newline.
    const std::string &json() const {
        return encoded(Encoding::Json, [](const Msg &m) { return to_json_line(m); });
    }

private:
    struct Slot {
        std::once_flag once;
        std::string bytes;
    };
    mutable std::array<Slot, 3> slots_;
};

}  // namespace crowsnest
