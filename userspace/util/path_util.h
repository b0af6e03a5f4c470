// Small path helpers shared by the resolvers and the rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

namespace crowsnest {

// The target of a symbolic link (e.g. /proc/<pid>/exe), or "" on error.
std::string read_link(const std::string &path);

// Reads a whole file with read(2) (a /proc file of a process that exits
// meanwhile ends the read, it does not throw), or its first max_bytes.
// False, with the reason in `error`, when the file cannot be opened.
bool read_whole_file(const std::string &path, std::string &out, std::string &error, size_t max_bytes = SIZE_MAX);

// NUL-terminated strings (an argument area, /proc/<pid>/cmdline) into
// `out`, whose strings' capacity is reused; a last string without its NUL
// (cut) counts, an empty area gives none.
void split_nul_separated(std::string_view area, std::vector<std::string> &out);

// Undoes mountinfo's octal escapes ("\040" is a space).
std::string unescape_mountinfo(std::string_view s);

// Lexically normalised absolute path: collapses "//", "." and "..".
// A relative `path` is first joined to `base` (an absolute directory).
std::string normalize_path(std::string_view path, std::string_view base = "/");
// The same into `out`, whose capacity is reused (no allocation once it has
// grown). `out` must not alias `path` or `base`.
void normalize_path_into(std::string_view path, std::string_view base, std::string &out);

// An exec path that names no file of its own: /proc/self/exe (busybox
// re-running itself), /proc/self/fd/N or /dev/fd/N (fexecve), or none.
bool exec_path_names_no_file(std::string_view filename);

// `path` is the directory `dir` or below it, both absolute and normalised:
// "/a" holds "/a" and "/a/b", not "/ab"; "/" holds every path.
bool path_holds(std::string_view dir, std::string_view path);

// The last component of a path ("xmrig" for "/tmp/xmrig").
std::string_view base_name(std::string_view path);

}  // namespace crowsnest
