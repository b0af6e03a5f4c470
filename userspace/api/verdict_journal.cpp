#include "api/verdict_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <random>

namespace crowsnest {

namespace {

// A record: length of the payload, CRC-32 of type and payload, type, payload.
enum RecordType : uint8_t { kSpace = 1, kVerdict = 2, kReserved = 3 };
constexpr size_t kRecordHeader = 9;
constexpr uint32_t kMaxPayload = 16u << 20;  // larger: not a record of ours

uint32_t crc_of(uint8_t type, const char *payload, size_t n) {
    uLong crc = crc32(0, &type, 1);
    return uint32_t(crc32(crc, reinterpret_cast<const Bytef *>(payload), uInt(n)));
}

std::string new_space_id() {
    std::random_device rd;
    char buf[33];
    std::snprintf(buf, sizeof(buf), "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
    return buf;
}

std::string u64_bytes(uint64_t v) { return std::string(reinterpret_cast<const char *>(&v), sizeof(v)); }

bool read_file(const std::string &path, std::string &out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char buf[65536];
    ssize_t n;
    out.clear();
    while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, size_t(n));
    close(fd);
    return true;
}

// Reads the records of one segment into `out`; returns where the last whole
// record ends (a torn or foreign tail starts there).
size_t read_segment(const std::string &bytes, VerdictJournal::Recovered &out, std::deque<v1::Verdict> &kept,
                    size_t keep) {
    size_t at = 0;
    while (at + kRecordHeader <= bytes.size()) {
        uint32_t len, crc;
        std::memcpy(&len, bytes.data() + at, 4);
        std::memcpy(&crc, bytes.data() + at + 4, 4);
        const uint8_t type = uint8_t(bytes[at + 8]);
        if (len > kMaxPayload || at + kRecordHeader + len > bytes.size()) break;
        const char *payload = bytes.data() + at + kRecordHeader;
        if (crc_of(type, payload, len) != crc) break;
        if (type == kSpace) {
            out.space.assign(payload, len);
        } else if (type == kReserved && len == 8) {
            uint64_t r;
            std::memcpy(&r, payload, 8);
            out.reserved = r;  // the last word: a clean stop reserves no more than it used
        } else if (type == kVerdict) {
            v1::Verdict v;
            if (!v.ParseFromArray(payload, int(len))) break;
            out.last_sequence = std::max(out.last_sequence, v.sequence());
            kept.push_back(std::move(v));
            if (kept.size() > keep) kept.pop_front();
        }
        at += kRecordHeader + len;
    }
    return at;
}

// A record: length, CRC, type, payload.
void add_record(uint8_t type, const std::string &payload, std::string &out) {
    const uint32_t len = uint32_t(payload.size()), crc = crc_of(type, payload.data(), payload.size());
    char header[kRecordHeader];
    std::memcpy(header, &len, 4);
    std::memcpy(header + 4, &crc, 4);
    header[8] = char(type);
    out.append(header, kRecordHeader);
    out += payload;
}

}  // namespace

std::unique_ptr<VerdictJournal> VerdictJournal::open(const std::string &path, uint64_t max_bytes, size_t keep,
                                                     Recovered &out, std::string &error) {
    out = Recovered{};
    std::deque<v1::Verdict> kept;
    std::string bytes;
    if (read_file(path + ".1", bytes)) read_segment(bytes, out, kept, keep);
    const bool exists = read_file(path, bytes);
    if (exists) {
        const size_t good = read_segment(bytes, out, kept, keep);
        if (good < bytes.size()) {
            out.cut_bytes = bytes.size() - good;
            if (truncate(path.c_str(), off_t(good)) != 0) {
                error = "cannot cut the torn end of " + path + ": " + std::strerror(errno);
                return nullptr;
            }
        }
    }
    out.kept.assign(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
    out.reserved = std::max(out.reserved, out.last_sequence);
    if (out.space.empty()) out.space = new_space_id();

    std::unique_ptr<VerdictJournal> j(new VerdictJournal(path, max_bytes, out.space));
    j->fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (j->fd_ < 0) {
        error = "cannot open the verdict journal " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    struct stat st {};
    fstat(j->fd_, &st);
    j->size_ = uint64_t(st.st_size);
    j->reserved_ = out.reserved;
    j->last_written_ = out.last_sequence;
    if (st.st_size == 0 && !j->begin_segment()) {
        error = "cannot write the verdict journal " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    return j;
}

VerdictJournal::~VerdictJournal() {
    stop_ = true;
    if (writer_.joinable()) writer_.join();
    if (fd_ >= 0) close(fd_);
}

// Whole records only: a record is one write(2), cut back if it fails half way.
bool VerdictJournal::write_records(const std::string &records) {
    const ssize_t n = write(fd_, records.data(), records.size());
    if (n != ssize_t(records.size())) {
        if (n > 0 && ftruncate(fd_, off_t(size_)) != 0) {
            // the next start finds the torn record and cuts it
        }
        errors_++;
        return false;
    }
    size_ += records.size();
    return true;
}

bool VerdictJournal::append(uint8_t type, const std::string &payload) {
    std::string record;
    add_record(type, payload, record);
    return write_records(record);
}

// A segment starts with the space it numbers in and what is reserved.
bool VerdictJournal::begin_segment() {
    return append(kSpace, space_) && append(kReserved, u64_bytes(reserved_));
}

uint64_t VerdictJournal::reserve(uint64_t sequence) {
    std::lock_guard lock(mu_);
    if (sequence > reserved_) {
        reserved_ = sequence + kReserveBlock - 1;
        append(kReserved, u64_bytes(reserved_));
    }
    return reserved_;
}

void VerdictJournal::start(VerdictHub &hub) {
    auto sub = hub.subscribe(StreamFilter{}, std::nullopt, "verdict journal", "", true);
    hub_ = &hub;
    writer_ = std::thread([this, s = std::move(sub)]() mutable { write_loop(std::move(s)); });
}

uint64_t VerdictJournal::lost() const {
    if (!hub_) return 0;
    uint64_t n = 0;
    for (const auto &s : hub_->stats(true)) n += s.dropped;
    return n;
}

void VerdictJournal::write_loop(std::unique_ptr<VerdictHub::Subscription> sub) {
    std::vector<VerdictHub::Ptr> batch;
    while (!stop_) {
        if (!sub->next_batch(batch, 256, std::chrono::milliseconds(100))) {
            if (sub->closed()) break;
            continue;
        }
        // the batch's records in one write; a new segment writes what came before it
        std::lock_guard lock(mu_);
        std::string records;
        uint64_t last = 0, count = 0;
        auto flush = [&] {
            if (count && write_records(records)) {
                last_written_ = last;
                written_ += count;
            }
            records.clear();
            count = 0;
        };
        for (const auto &p : batch) {
            if (p->is_gap()) continue;  // the journal fell behind: those are not here
            if (size_ + records.size() >= max_bytes_ / 2) {
                flush();
                // a new segment: the old one stays, as path.1, until the next
                close(fd_);
                rename(path_.c_str(), (path_ + ".1").c_str());
                fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                size_ = 0;
                if (fd_ < 0 || !begin_segment()) {
                    errors_++;
                    continue;
                }
            }
            add_record(kVerdict, p->wire(), records);  // the bytes the gRPC streams send too
            last = p->sequence();
            count++;
        }
        flush();
    }
}

void VerdictJournal::finish(uint64_t last_sequence) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (last_written_ < last_sequence && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop_ = true;
    if (writer_.joinable()) writer_.join();
    std::lock_guard lock(mu_);
    // a clean stop: the numbers end where the verdicts do
    if (last_written_ >= last_sequence) {
        reserved_ = last_sequence;
        append(kReserved, u64_bytes(reserved_));
    }
}

}  // namespace crowsnest
