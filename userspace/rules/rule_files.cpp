#include "rules/rule_files.h"

#include <algorithm>
#include <filesystem>

namespace crowsnest {

bool expand_rule_paths(const std::vector<std::string> &paths, std::vector<std::string> &files, std::string &error) {
    namespace fs = std::filesystem;
    for (const auto &p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (const auto &entry : fs::directory_iterator(p, ec)) {
                const auto ext = entry.path().extension();
                if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) found.push_back(entry.path());
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            error = "rule path '" + p + "' does not exist";
            return false;
        }
    }
    return true;
}

}  // namespace crowsnest
