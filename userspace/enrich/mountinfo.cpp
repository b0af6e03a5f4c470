#include "enrich/mountinfo.h"

#include <sys/sysmacros.h>

#include <algorithm>
#include <charconv>

#include "util/path_util.h"

namespace crowsnest {

namespace {

// Splits off the next space-separated field; false at the end of the line.
bool next_field(std::string_view line, size_t &pos, std::string_view &field, size_t &start) {
    while (pos < line.size() && line[pos] == ' ') pos++;
    if (pos >= line.size()) return false;
    start = pos;
    const size_t end = line.find(' ', pos);
    field = line.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? line.size() : end;
    return true;
}

template <typename T> bool parse_number(std::string_view s, T &out) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

bool parse_mountinfo_line(std::string_view line, MountEntry &out, size_t &column, std::string &error) {
    size_t pos = 0, start = 0;
    std::string_view f;
    auto fail = [&](size_t at, const char *why) {
        column = at + 1;
        error = why;
        return false;
    };
    if (!next_field(line, pos, f, start) || !parse_number(f, out.id)) return fail(start, "expected a mount id");
    if (!next_field(line, pos, f, start) || !parse_number(f, out.parent))
        return fail(start, "expected a parent mount id");
    if (!next_field(line, pos, f, start)) return fail(pos, "expected major:minor");
    const size_t colon = f.find(':');
    unsigned major_no = 0, minor_no = 0;
    if (colon == std::string_view::npos || !parse_number(f.substr(0, colon), major_no) ||
        !parse_number(f.substr(colon + 1), minor_no))
        return fail(start, "expected major:minor");
    out.dev = makedev(major_no, minor_no);
    if (!next_field(line, pos, f, start) || f[0] != '/') return fail(start, "expected the mount's root, a path");
    out.root = unescape_mountinfo(f);
    if (!next_field(line, pos, f, start) || f[0] != '/') return fail(start, "expected the mount point, a path");
    out.mount_point = unescape_mountinfo(f);
    if (!next_field(line, pos, f, start)) return fail(pos, "expected the mount options");
    // optional fields ("shared:1", "master:2"...) end at a lone "-"
    for (;;) {
        if (!next_field(line, pos, f, start)) return fail(pos, "expected the '-' that ends the optional fields");
        if (f == "-") break;
    }
    if (!next_field(line, pos, f, start)) return fail(pos, "expected the filesystem type");
    out.fs_type = unescape_mountinfo(f);
    if (!next_field(line, pos, f, start)) return fail(pos, "expected the mount source");
    out.source = unescape_mountinfo(f);
    return true;
}

void parse_mountinfo(std::string_view text, const std::function<void(MountEntry &)> &each,
                     const std::function<void(size_t line, size_t column, const std::string &why)> &bad) {
    MountEntry m;
    std::string error;
    size_t line_no = 0, column = 0;
    for (size_t start = 0; start < text.size();) {
        const size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        line_no++;
        if (line.empty()) continue;
        if (parse_mountinfo_line(line, m, column, error)) each(m);
        else bad(line_no, column, error);
    }
}

}  // namespace crowsnest
