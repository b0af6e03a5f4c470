#include "sensor/prefilter_maps.h"

#include <bpf/bpf.h>
#include <linux/types.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstring>

extern "C" {
#include "events.h"
}

namespace crowsnest {

static_assert(kFactWrite == PREFILTER_WRITE && kFactRead == PREFILTER_READ && kFactFailed == PREFILTER_FAILED &&
                  kFactContainer == PREFILTER_CONTAINER && kFactHostPidNs == PREFILTER_HOST_PIDNS &&
                  kFactHostFile == PREFILTER_HOST_FILE && kFactInet == PREFILTER_INET && kFactUnix == PREFILTER_UNIX,
              "the summary's facts are the kernel's");
static_assert(PrefilterSummary::kMaxClauses == PREFILTER_CLAUSES &&
                  PrefilterSummary::kMaxPatterns == PREFILTER_PATTERNS &&
                  PrefilterSummary::kMaxPorts == PREFILTER_PORTS &&
                  PrefilterPattern::kMaxTextBytes == PREFILTER_PATTERN_LEN,
              "the summary fits the kernel's tables");
static_assert(uint8_t(PrefilterPattern::Kind::Prefix) == PREFILTER_PREFIX &&
                  uint8_t(PrefilterPattern::Kind::Suffix) == PREFILTER_SUFFIX &&
                  uint8_t(PrefilterPattern::Kind::Name) == PREFILTER_NAME,
              "pattern kinds are the kernel's");

namespace {

host_file_key key_of(const std::pair<uint64_t, uint64_t> &id) {
    host_file_key k{};
    k.ino = id.second;
    // userspace's dev_t is makedev(); the kernel's is major << 20 | minor
    k.dev = uint32_t(major(id.first) << 20 | (minor(id.first) & 0xfffff));
    return k;
}

// `ports`: the table the clauses' port masks index.
void fill_clauses(const PrefilterTypeSummary &t, bool host_files_complete, const std::vector<uint16_t> &ports,
                  prefilter_clauses &out) {
    out.count = uint32_t(std::min(t.clauses.size(), size_t(PREFILTER_CLAUSES)));
    for (uint32_t i = 0; i < out.count; i++) {
        const PrefilterClause &c = t.clauses[i];
        prefilter_clause &k = out.clause[i];
        k.need_true = c.need_true;
        k.need_false = c.need_false;
        // host files that did not fit in the map cannot be told apart: the
        // fact is then not needed (the clause holds for more events)
        if (!host_files_complete) k.need_true &= ~uint32_t(PREFILTER_HOST_FILE);
        for (uint32_t p : c.patterns) k.patterns |= 1ULL << p;
        for (uint16_t port : c.ports)
            k.ports |= 1u << (std::find(ports.begin(), ports.end(), port) - ports.begin());
    }
}

}  // namespace

bool PrefilterMaps::write_slot(uint32_t slot) {
    prefilter pf{};
    pf.host_pid_ns = host_pid_ns_;
    if (spec_.open.filtered) pf.filtered_types |= 1u << EVENT_OPEN;
    if (spec_.connect.filtered) pf.filtered_types |= 1u << EVENT_CONNECT;
    if (spec_.connect_result.filtered) pf.filtered_types |= 1u << EVENT_CONNECT_RESULT;
    // the summary holds at most PREFILTER_PORTS distinct ports
    std::vector<uint16_t> ports;
    for (const auto *t : {&spec_.connect, &spec_.connect_result})
        for (const auto &c : t->clauses) ports.insert(ports.end(), c.ports.begin(), c.ports.end());
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    if (ports.size() > PREFILTER_PORTS) return false;
    pf.port_count = uint32_t(ports.size());
    std::copy(ports.begin(), ports.end(), pf.ports);
    fill_clauses(spec_.open, host_files_complete_, ports, pf.open);
    fill_clauses(spec_.connect, host_files_complete_, ports, pf.connect);
    fill_clauses(spec_.connect_result, host_files_complete_, ports, pf.connect_result);
    for (size_t i = 0; i < spec_.patterns.size() && i < PREFILTER_PATTERNS; i++) {
        const PrefilterPattern &p = spec_.patterns[i];
        pf.patterns[i].kind = uint8_t(p.kind);
        pf.patterns[i].len = uint8_t(std::min(p.text.size(), size_t(PREFILTER_PATTERN_LEN)));
        std::memcpy(pf.patterns[i].text, p.text.data(), pf.patterns[i].len);
    }
    return bpf_map_update_elem(fds_.slots, &slot, &pf, BPF_ANY) == 0;
}

bool PrefilterMaps::write_state() {
    const uint32_t zero = 0;
    prefilter_state st{};
    st.slot = slot_;
    st.open_types = open_types_;
    return bpf_map_update_elem(fds_.state, &zero, &st, BPF_ANY) == 0;
}

// The slot not in use is written whole, then the state points at it.
bool PrefilterMaps::install(const PrefilterSummary &spec, uint32_t host_pid_ns) {
    PrefilterSummary previous = std::move(spec_);
    spec_ = spec;
    host_pid_ns_ = host_pid_ns;
    const uint32_t next = slot_ ^ 1;
    if (!write_slot(next)) {
        spec_ = std::move(previous);
        return false;
    }
    slot_ = next;
    installed_ = write_state();
    return installed_;
}

bool PrefilterMaps::hold_open(uint32_t types) {
    if (types == open_types_) return true;
    open_types_ = types;
    return write_state();
}

uint32_t PrefilterMaps::filtered_types() const {
    if (!installed_) return 0;
    uint32_t types = 0;
    if (spec_.open.filtered) types |= 1u << EVENT_OPEN;
    if (spec_.connect.filtered) types |= 1u << EVENT_CONNECT;
    if (spec_.connect_result.filtered) types |= 1u << EVENT_CONNECT_RESULT;
    return types & ~open_types_;
}

void PrefilterMaps::mark_host_cgroup(uint64_t cgroup_id) {
    const uint8_t one = 1;
    bpf_map_update_elem(fds_.host_cgroups, &cgroup_id, &one, BPF_ANY);
}

// New identities go in before old ones leave: a file that stays protected
// is never missing from the map.
bool PrefilterMaps::replace(int fd, const Identities &fresh, Identities &in_map) {
    const uint8_t one = 1;
    bool complete = true;
    Identities now;
    for (const auto &id : fresh) {
        const host_file_key k = key_of(id);
        if (bpf_map_update_elem(fd, &k, &one, BPF_ANY) == 0) now.push_back(id);
        else complete = false;
    }
    for (const auto &id : in_map)
        if (std::find(now.begin(), now.end(), id) == now.end()) {
            const host_file_key k = key_of(id);
            bpf_map_delete_elem(fd, &k);
        }
    in_map = std::move(now);
    return complete;
}

void PrefilterMaps::set_host_files(const Identities &files, const Identities &dirs) {
    // each device that holds a directory is marked by an entry of inode 0:
    // files on other devices skip the walk up their directories
    Identities dirs_and_devices = dirs;
    for (const auto &d : dirs)
        if (std::find(dirs_and_devices.begin(), dirs_and_devices.end(), std::pair{d.first, uint64_t(0)}) ==
            dirs_and_devices.end())
            dirs_and_devices.push_back({d.first, 0});
    const bool complete =
        replace(fds_.host_files, files, files_in_map_) & replace(fds_.host_dirs, dirs_and_devices, dirs_in_map_);
    if (complete == host_files_complete_) return;
    host_files_complete_ = complete;
    if (installed_) install(PrefilterSummary(spec_), host_pid_ns_);
}

}  // namespace crowsnest
