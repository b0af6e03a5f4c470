// The verdicts already sent, on disk, so that a restarted sensor (a crash,
// a kill -9, an upgrade) goes on numbering where the last run stopped, keeps
// what the last run kept, and a resuming client loses nothing it could have
// had.
//
// Records are appended, each with its length and CRC: a torn tail (a crash
// mid-write) is found and cut at the next start. The file is capped: past
// half the cap it becomes path.1 and a new one starts. Verdicts are written
// by a thread of the journal's own, which reads them from the verdict hub
// like any subscriber, so the engine never waits on the disk. Only the
// sequence numbers are the engine's concern: before it uses a number past
// what the journal has reserved, it reserves the next block (one small
// synchronous write per kReserveBlock verdicts). So after a crash the next
// run knows which numbers the last one may have used without journaling
// them, and says so to resuming clients (a SENSOR_RESTART gap).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/subscriber_hub.h"
#include "engine/engine.h"

namespace crowsnest {

class VerdictJournal final : public SequenceGuard {
public:
    static constexpr uint64_t kReserveBlock = 1024;

    // What an earlier run left.
    struct Recovered {
        std::string space;              // the sequence space, made with the journal
        std::vector<v1::Verdict> kept;  // its last verdicts, in order
        uint64_t last_sequence = 0;     // of its last verdict
        uint64_t reserved = 0;          // the numbers it may have used
        uint64_t cut_bytes = 0;         // a torn tail, cut off
    };

    // Opens the journal at `path` (creating it, mode 0600), reads back what
    // it holds (at most `keep` verdicts are kept). nullptr with the reason.
    static std::unique_ptr<VerdictJournal> open(const std::string &path, uint64_t max_bytes, size_t keep,
                                                Recovered &out, std::string &error);
    ~VerdictJournal() override;

    // Engine thread, before it numbers a verdict `sequence`: makes sure the
    // journal has reserved it. Returns what is reserved now.
    uint64_t reserve(uint64_t sequence) override;

    // Starts writing what `hub` publishes from now on.
    void start(VerdictHub &hub);
    // Writes everything up to `last_sequence` (waiting at most 2 s), then a
    // record that the numbers stop there, and stops the writer.
    void finish(uint64_t last_sequence);

    uint64_t written() const { return written_.load(); }
    uint64_t errors() const { return errors_.load(); }
    // Verdicts the journal's queue dropped (the disk too slow): not in it.
    uint64_t lost() const;

private:
    VerdictJournal(std::string path, uint64_t max_bytes, std::string space)
        : path_(std::move(path)), max_bytes_(max_bytes), space_(std::move(space)) {}
    bool append(uint8_t type, const std::string &payload);
    bool write_records(const std::string &records);  // one write; a torn one is cut
    bool begin_segment();
    void write_loop(std::unique_ptr<VerdictHub::Subscription> sub);

    const std::string path_;
    const uint64_t max_bytes_;
    const std::string space_;
    std::mutex mu_;  // the file: the writer thread's appends, the engine's reservations
    int fd_ = -1;
    uint64_t size_ = 0;
    uint64_t reserved_ = 0;
    std::atomic<uint64_t> last_written_{0}, written_{0}, errors_{0};
    std::atomic<bool> stop_{false};
    VerdictHub *hub_ = nullptr;
    std::thread writer_;
};

}  // namespace crowsnest
