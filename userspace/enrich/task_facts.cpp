#include "enrich/task_facts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "util/path_util.h"

namespace crowsnest {

namespace {

constexpr size_t kMaxEnviron = 64 * 1024;      // an environment past it is cut

std::string read_small(const std::string &path, size_t max = 64 * 1024) {
    std::string out, error;
    if (!read_whole_file(path, out, error, max + 1) || out.size() > max) out.clear();
    return out;
}

template <typename T>
bool number(std::string_view s, T &out, int base = 10) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return ec == std::errc() && end == s.data() + s.size();
}

// The n-th space-separated field of stat after the ")" that closes comm
// (0: the state).
std::string_view stat_field(std::string_view stat, size_t n) {
    size_t at = stat.rfind(')');
    if (at == std::string_view::npos) return {};
    at += 2;
    for (size_t i = 0; i < n && at < stat.size(); i++) {
        at = stat.find(' ', at);
        if (at == std::string_view::npos) return {};
        at++;
    }
    if (at >= stat.size()) return {};
    return stat.substr(at, stat.find(' ', at) - at);
}

// "Key:\tvalue" of /proc/<pid>/status; the last value of a tab-separated
// list (NSpid: the pid in the innermost namespace).
std::string_view status_value(std::string_view status, std::string_view key, bool last = false) {
    const size_t at = status.find("\n" + std::string(key) + ":\t");
    if (at == std::string_view::npos) return {};
    const size_t from = at + key.size() + 3;
    std::string_view v = status.substr(from, status.find('\n', from) - from);
    if (last && v.rfind('\t') != std::string_view::npos) v = v.substr(v.rfind('\t') + 1);
    return v;
}

int64_t ns_of(const timespec &t) { return int64_t(t.tv_sec) * 1000000000LL + t.tv_nsec; }

}  // namespace

void parse_id_names(const std::string &text, IdNames &out) {
    std::string_view rest = text;
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        const size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1), c3 = line.find(':', c2 + 1);
        if (c1 == std::string_view::npos || c2 == std::string_view::npos || c1 == 0) continue;
        uint32_t id = 0;
        if (number(line.substr(c2 + 1, c3 - c2 - 1), id)) out.emplace(id, line.substr(0, c1));
    }
}

std::string IdNameCache::name(const std::string &path, uint32_t id) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || size_t(st.st_size) > kMaxFile) return {};
    const Key key{st.st_dev, st.st_ino, st.st_size, ns_of(st.st_ctim)};
    auto it = files_.find(key);
    if (it == files_.end()) {
        if (files_.size() >= kMaxFiles) files_.clear();
        it = files_.emplace(key, IdNames{}).first;
        parse_id_names(read_small(path, kMaxFile), it->second);
    }
    auto n = it->second.find(id);
    return n == it->second.end() ? std::string() : n->second;
}

bool read_task_facts(const std::string &dir, IdNameCache &names, TaskFacts &out) {
    out = TaskFacts{};
    const std::string stat_text = read_small(dir + "/stat"), status = "\n" + read_small(dir + "/status");
    int64_t tty = 0, start_ticks = 0;
    if (stat_text.empty() || !number(stat_field(stat_text, 2), out.pgid) || !number(stat_field(stat_text, 3), out.sid) ||
        !number(stat_field(stat_text, 4), tty) || !number(stat_field(stat_text, 19), start_ticks))
        return false;
    out.tty = uint32_t(tty);
    out.start_boot_ns = uint64_t(start_ticks) * (1000000000ULL / uint64_t(sysconf(_SC_CLK_TCK)));
    number(status_value(status, "NSpid", true), out.vpid);
    number(status_value(status, "NSpgid", true), out.vpgid);
    number(status_value(status, "CapEff"), out.cap_effective, 16);
    number(status_value(status, "CapPrm"), out.cap_permitted, 16);
    std::string_view ids = status_value(status, "Uid");
    number(ids.substr(0, ids.find('\t')), out.uid);
    ids = status_value(status, "Gid");
    number(ids.substr(0, ids.find('\t')), out.gid);
    uint32_t loginuid = 0;
    std::string login = read_small(dir + "/loginuid");
    if (number(std::string_view(login), loginuid) && loginuid != 4294967295U) out.loginuid = loginuid;
    out.cwd = read_link(dir + "/cwd");
    if (!out.cwd.empty() && out.cwd.back() != '/') out.cwd += '/';  // as Falco writes it: /dev/shm/
    std::string environ, error;
    read_whole_file(dir + "/environ", environ, error, kMaxEnviron);
    split_nul_separated(environ, out.env);
    const std::string exe = read_link(dir + "/exe");
    out.exe_from_memfd = exe.rfind("/memfd:", 0) == 0;
    struct stat st {};
    if (::stat((dir + "/exe").c_str(), &st) == 0) {
        out.exe_known = true;
        out.exe_ino = st.st_ino;
        out.exe_ctime_ns = ns_of(st.st_ctim);
        out.exe_mtime_ns = ns_of(st.st_mtim);
    }
    // the process's own view of its users: its root, not the host's
    const std::string passwd = dir + "/root/etc/passwd";
    out.user_name = names.name(passwd, out.uid);
    if (out.loginuid >= 0) out.login_name = names.name(passwd, uint32_t(out.loginuid));
    out.group_name = names.name(dir + "/root/etc/group", out.gid);
    out.known = true;
    return true;
}

}  // namespace crowsnest
