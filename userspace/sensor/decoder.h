// Turns one ring-buffer record (bpf/events.h) into an Event, trusting nothing:
// every size and length is checked against the bytes actually received.
#pragma once

#include <cstddef>
#include <cstdint>

#include "event/event.h"

namespace crowsnest {

enum class DecodeStatus : uint8_t {
    Ok,
    TooShort,      // fewer bytes than a header, or than the type's fixed part
    BadVersion,    // ABI version differs from this build's
    BadType,       // unknown event type, or an unknown kind inside one (connect outcome, stdio kind)
    SizeMismatch,  // header.size disagrees with the bytes received
    BadLength,     // a variable part's length runs past its field or the record
};

const char *decode_status_name(DecodeStatus s);

class Decoder {
public:
    // boot_to_wall_ns: add to a boot-time timestamp to get Unix-epoch ns.
    explicit Decoder(int64_t boot_to_wall_ns = 0) : boot_to_wall_ns_(boot_to_wall_ns) {}

    // Offset between CLOCK_REALTIME and CLOCK_BOOTTIME, read now.
    static int64_t current_boot_to_wall_ns();
    // Follows the wall clock when it is set or slewed (NTP, suspend).
    void set_boot_to_wall_ns(int64_t ns) { boot_to_wall_ns_ = ns; }

    // Fills `out` (reusing its storage) from `len` bytes at `data`.
    DecodeStatus decode(const void *data, size_t len, Event &out) const;

private:
    int64_t boot_to_wall_ns_;
};

}  // namespace crowsnest
