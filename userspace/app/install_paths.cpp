#include "app/install_paths.h"

#include <filesystem>

#include "util/path_util.h"

namespace crowsnest {

std::string shipped_rules_dir(std::vector<std::string> &looked) {
    const std::string exe = read_link("/proc/self/exe");
    if (exe.empty()) return "";
    const std::string dir = std::filesystem::path(exe).parent_path();
    for (const char *rel : {"../share/crowsnest/rules", "../rules"}) {
        const std::string candidate = normalize_path(rel, dir);
        std::error_code ec;
        if (std::filesystem::is_directory(candidate, ec)) return candidate;
        looked.push_back(candidate);
    }
    return "";
}

}  // namespace crowsnest
