// libFuzzer target for the ring-buffer decoder: every input is one record,
// as a compromised or buggy kernel side (or a bit flip) could send it. The
// first bytes may take a valid header's shape (version, a known type, the
// size matching), so that the fuzzer reaches past the first checks. Nothing
// may crash, read out of bounds or hit undefined behaviour; a record the
// decoder accepts must keep every documented bound.
#include <linux/types.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sensor/decoder.h"

extern "C" {
#include "events.h"
}

using namespace crowsnest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Decoder decoder(0);
    static Event event;  // reused, as the sensor does: state must not leak between records
    std::vector<uint8_t> rec(data, data + size);
    if (rec.size() >= sizeof(event_header) && (rec[0] & 1)) {
        // make it look right at first sight
        event_header h;
        std::memcpy(&h, rec.data(), sizeof(h));
        h.version = CROWSNEST_ABI_VERSION;
        h.type = uint16_t(1 + rec[1] % (EVENT_TYPE_MAX - 1));
        h.size = uint32_t(rec.size());
        std::memcpy(rec.data(), &h, sizeof(h));
    }
    if (decoder.decode(rec.data(), rec.size(), event) != DecodeStatus::Ok) return 0;
    if (event.filename.size() >= PATH_LEN || event.path.size() >= PATH_LEN || event.unix_path.size() >= UNIX_PATH_LEN)
        __builtin_trap();
    size_t argv_bytes = 0;
    for (const auto &a : event.argv) argv_bytes += a.size();
    if (argv_bytes > EXEC_ARGV_LEN) __builtin_trap();
    return 0;
}
