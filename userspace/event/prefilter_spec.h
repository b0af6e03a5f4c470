// What the kernel side is asked to send: the in-kernel prefilter's
// condition per event type (bpf/lib/prefilter.h), as rules/prefilter_summary
// computes it and the sensor writes it into the kernel's maps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace crowsnest {

// The facts of an event that a clause can need (the same bits as
// PREFILTER_* in bpf/events.h, checked where the sensor writes them).
enum PrefilterFact : uint32_t {
    kFactWrite = 0x1,       // open: O_WRONLY or O_RDWR (evt.is_open_write)
    kFactRead = 0x2,        // open: O_RDONLY or O_RDWR (evt.is_open_read)
    kFactFailed = 0x4,      // evt.failed (a connect_result: no connection made)
    kFactContainer = 0x8,   // container.id != host; needed true only
    kFactHostPidNs = 0x10,  // proc.in_host_pidns
    kFactHostFile = 0x20,   // host.path is set
    kFactInet = 0x40,       // connect, connect_result: fd.sockfamily = ip
    kFactUnix = 0x80,       // connect: fd.sockfamily = unix
};

struct PrefilterPattern {
    // as enum prefilter_pattern_kind
    enum class Kind : uint8_t { Prefix = 1, Suffix = 2, Name = 3 };
    Kind kind = Kind::Prefix;
    std::string text;  // at most kMaxTextBytes
    static constexpr size_t kMaxTextBytes = 64;
    bool operator==(const PrefilterPattern &o) const { return kind == o.kind && text == o.text; }
};

struct PrefilterClause {
    uint32_t need_true = 0, need_false = 0;  // PrefilterFact bits
    std::vector<uint32_t> patterns;           // the path matches one of these (sorted); empty: any path
    std::vector<uint16_t> ports;              // connect: the port is one of these (sorted); empty: any port
    bool operator==(const PrefilterClause &o) const {
        return need_true == o.need_true && need_false == o.need_false && patterns == o.patterns && ports == o.ports;
    }
};

struct PrefilterTypeSummary {
    bool filtered = false;                 // false: every event of the type is sent
    std::string why_not;                   // when not filtered: which rule, and what it uses
    std::vector<PrefilterClause> clauses;  // when filtered: an event is sent if one holds
};

struct PrefilterSummary {
    static constexpr size_t kMaxClauses = 32;   // PREFILTER_CLAUSES
    static constexpr size_t kMaxPatterns = 64;  // PREFILTER_PATTERNS
    static constexpr size_t kMaxPorts = 32;     // PREFILTER_PORTS, over all clauses
    PrefilterTypeSummary open;                  // open, openat, openat2 (and their io_uring forms)
    PrefilterTypeSummary connect;               // connect (and io_uring's)
    PrefilterTypeSummary connect_result;        // a TCP connect's outcome
    std::vector<PrefilterPattern> patterns;     // of open paths and unix socket paths
};

}  // namespace crowsnest
