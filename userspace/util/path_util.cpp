#include "util/path_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <climits>
#include <vector>

namespace crowsnest {

std::string read_link(const std::string &path) {
    char buf[PATH_MAX];
    ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
    return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

bool read_whole_file(const std::string &path, std::string &out, std::string &error, size_t max_bytes) {
    out.clear();
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    char buf[4096];
    ssize_t n;
    while (out.size() < max_bytes && (n = read(fd, buf, sizeof(buf))) > 0)
        out.append(buf, std::min(size_t(n), max_bytes - out.size()));
    close(fd);
    return true;
}

void split_nul_separated(std::string_view area, std::vector<std::string> &out) {
    size_t n = 0;
    while (!area.empty()) {
        const size_t nul = area.find('\0');
        if (n == out.size()) out.emplace_back();
        out[n++].assign(area.substr(0, nul));
        if (nul == std::string_view::npos) break;
        area.remove_prefix(nul + 1);
    }
    out.resize(n);
}

std::string unescape_mountinfo(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
            s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out += char((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

void normalize_path_into(std::string_view path, std::string_view base, std::string &out) {
    out.clear();
    auto push = [&out](std::string_view p) {
        while (!p.empty()) {
            const size_t slash = p.find('/');
            const std::string_view part = p.substr(0, slash);
            if (part == "..") {
                const size_t cut = out.rfind('/');
                out.resize(cut == std::string::npos ? 0 : cut);
            } else if (!part.empty() && part != ".") {
                out += '/';
                out += part;
            }
            if (slash == std::string_view::npos) break;
            p.remove_prefix(slash + 1);
        }
    };
    if (path.empty() || path[0] != '/') push(base);
    push(path);
    if (out.empty()) out.push_back('/');  // not out = "/": GCC 12 warns falsely (-Wrestrict)
}

std::string normalize_path(std::string_view path, std::string_view base) {
    std::string out;
    normalize_path_into(path, base, out);
    return out;
}

std::string_view base_name(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool exec_path_names_no_file(std::string_view filename) {
    return filename.empty() || filename.rfind("/proc/", 0) == 0 || filename.rfind("/dev/fd/", 0) == 0;
}

bool path_holds(std::string_view dir, std::string_view path) {
    if (dir == "/") return !path.empty() && path[0] == '/';
    return path.substr(0, dir.size()) == dir && (path.size() == dir.size() || path[dir.size()] == '/');
}

}  // namespace crowsnest
