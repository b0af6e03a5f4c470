// A process at one end of a pipe, as the pipe join (enrich/pipe_join.h)
// remembers it from its exec: what rules ask of the program that writes a
// shell's standard input (proc.stdin.writer.*) or reads a program's
// standard output (proc.stdout.reader.*).
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace crowsnest {

struct PipePeer {
    uint32_t pid = 0;
    // proc.names' three: comm, and the last components of argv[0] (cut at
    // kMaxPipePeerText: a hostile argv[0] may be 128 KiB) and of the executed file
    std::array<std::string, 3> names;
    std::string exe;   // the absolute path of the executed file
    std::string args;  // the arguments after argv[0], space separated, cut at kMaxPipePeerText
    // inet connect attempts (any outcome) since its exec, this event's included; saturates
    uint32_t connects = 0;
    // inbound inet connections it accepted since its exec (those the kernel sent), this event's included; saturates
    uint32_t accepts = 0;
    bool ended = false;  // exited: kept until the next upkeep, its output may still be in the pipe
};

constexpr size_t kMaxPipePeerText = 256;

}  // namespace crowsnest
