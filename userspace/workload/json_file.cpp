#include "workload/json_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace crowsnest {
namespace {

// Walks the parser's events once to refuse deep nesting before a tree is
// built: nlohmann's parser is iterative, but a tree nested a million deep
// still costs a node per level.
class DepthCheck : public nlohmann::json::json_sax_t {
public:
    std::string error;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t &) override { return true; }
    bool string(string_t &) override { return true; }
    bool binary(binary_t &) override { return true; }
    bool start_object(std::size_t) override { return deeper(); }
    bool key(string_t &) override { return true; }
    bool end_object() override { return shallower(); }
    bool start_array(std::size_t) override { return deeper(); }
    bool end_array() override { return shallower(); }
    bool parse_error(std::size_t position, const std::string &, const nlohmann::json::exception &e) override {
        error = "not JSON at byte " + std::to_string(position) + ": " + e.what();
        return false;
    }

private:
    bool deeper() {
        if (++depth_ <= kMaxJsonDepth) return true;
        error = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
        return false;
    }
    bool shallower() {
        depth_--;
        return true;
    }
    size_t depth_ = 0;
};

}  // namespace

bool parse_json_bounded(std::string_view text, nlohmann::json &out, std::string &error) {
    DepthCheck check;
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &check)) {
        error = check.error.empty() ? "not JSON" : check.error;
        return false;
    }
    out = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (out.is_discarded()) {
        error = "not JSON";
        return false;
    }
    return true;
}

ReadStatus read_json_file(const std::string &path, size_t max_bytes, nlohmann::json &out, std::string &error) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return ReadStatus::Absent;
        error = path + ": " + std::strerror(errno);
        return ReadStatus::Malformed;
    }
    struct stat st {};
    std::string text;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (!ok) {
        error = path + ": not a regular file";
    } else if (size_t(st.st_size) > max_bytes) {
        error = path + ": " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(max_bytes) +
                " read";
        ok = false;
    } else {
        // the size may change while it is read: the bound holds for what is read
        text.reserve(size_t(st.st_size) + 1);
        char buf[64 * 1024];
        for (;;) {
            const ssize_t n = read(fd, buf, sizeof(buf));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                error = path + ": " + std::strerror(errno);
                ok = false;
            }
            if (n <= 0) break;
            if (text.size() + size_t(n) > max_bytes) {
                error = path + ": grew past the " + std::to_string(max_bytes) + " bytes read";
                ok = false;
                break;
            }
            text.append(buf, size_t(n));
        }
    }
    close(fd);
    if (!ok) return ReadStatus::Malformed;
    if (!parse_json_bounded(text, out, error)) {
        error = path + ": " + error;
        return ReadStatus::Malformed;
    }
    return ReadStatus::Ok;
}

const nlohmann::json &json_member(const nlohmann::json &j, std::string_view key) {
    static const nlohmann::json none;
    if (!j.is_object()) return none;
    const auto it = j.find(key);
    return it == j.end() ? none : *it;
}

std::string json_string(const nlohmann::json &j, std::string_view key) {
    const nlohmann::json &v = json_member(j, key);
    return v.is_string() ? v.get<std::string>() : std::string();
}

}  // namespace crowsnest
