// bench_outputs: the measuring side of scripts/bench-outputs.sh.
//
//   bench_outputs N DIR
//
// How many verdicts a second each output delivers, each on its own: N
// verdicts are published into a verdict hub as the engine publishes them,
// and the time until the output has taken the last is measured. The
// destinations are local and take everything: a file under DIR (JSON lines,
// both formats), a Unix datagram socket and a TCP socket read by a thread
// of this program (syslog), and a loopback HTTP receiver (tests/integration)
// answering 200 (HTTP json batches, Elasticsearch _bulk, Falco one per POST).
// Then the engine's side: the same N published with a dead HTTP output (a
// receiver that never answers) and with none, in one run.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "http_receiver.h"
#include "outputs/http_sink.h"
#include "outputs/json_lines_worker.h"
#include "outputs/output_worker.h"
#include "outputs/syslog_sink.h"

using namespace crowsnest;
using namespace std::chrono;

namespace {

v1::Verdict verdict(uint64_t n) {
    v1::Verdict v;
    v.mutable_time()->set_seconds(1796000523);
    v.set_rule("crypto_miner_binary");
    v.set_category("miner");
    v.set_severity("critical");
    v.set_priority("Critical");
    v.add_tags("T1496");
    v.set_output("Crypto miner started (proc.exe=/tmp/.x/kworker container=api)");
    v.set_sequence(n);
    auto &c = *v.mutable_container();
    c.set_id(std::string(64, 'a'));
    c.set_name("api");
    c.set_image("registry.example/shop/api:1.4");
    c.set_pod_name("api-7d9f8-x2x4z");
    c.set_namespace_("shop");
    c.set_node("node-1");
    auto &p = *v.mutable_process();
    p.set_pid(4242);
    p.set_exe("/tmp/.x/kworker");
    p.add_args("kworker");
    p.add_args("-o");
    p.add_args("pool.example:3333");
    (*v.mutable_output_fields())["proc.exe"] = "/tmp/.x/kworker";
    (*v.mutable_output_fields())["container.name"] = "api";
    return v;
}

double seconds_since(steady_clock::time_point t0) { return duration<double>(steady_clock::now() - t0).count(); }

// Publishes n verdicts as the engine does (the hub's inbox bounds a burst),
// and returns the seconds until `done` says the output has them all.
double deliver(VerdictHub &hub, uint64_t n, const std::function<bool()> &done) {
    const auto t0 = steady_clock::now();
    for (uint64_t i = 1; i <= n; i++) {
        hub.publish(verdict(i));
        if (i % 4096 == 0) hub.wait_dispatched();
    }
    while (!done()) std::this_thread::sleep_for(microseconds(200));
    return seconds_since(t0);
}

void row(const char *output, uint64_t n, double s, uint64_t lost) {
    std::printf("| %s | %llu | %.3f | %.0f | %llu |\n", output, (unsigned long long)n, s, double(n) / s,
                (unsigned long long)lost);
    std::fflush(stdout);
}

double bench_worker(const char *name, std::unique_ptr<Sink> sink, uint64_t n) {
    VerdictHub hub({.ring = 0, .queue = 1 << 20, .bytes = 1ull << 32});
    OutputWorker w(name, std::move(sink), hub, FloodLimits{});
    const double s = deliver(hub, n, [&] {
        const OutputStats st = w.stats();
        return st.sent + st.failed + st.dropped >= n;
    });
    const OutputStats st = w.stats();
    row(name, n, s, st.failed + st.dropped);
    return s;
}

void bench_lines(const char *name, JsonLinesWorker::Format format, const std::string &path, uint64_t n) {
    VerdictHub hub({.ring = 0, .queue = 1 << 20, .bytes = 1ull << 32});
    std::string error;
    auto file = OutputFile::open(path, 0, 1, error);
    if (!file) {
        std::fprintf(stderr, "bench_outputs: %s\n", error.c_str());
        std::exit(1);
    }
    JsonLinesWorker w(LineFile(file.get()), format, hub, nullptr);
    const double s = deliver(hub, n, [&] {
        const JsonLinesStats st = w.stats();
        return st.written + st.lost >= n;
    });
    row(name, n, s, w.stats().lost);
}

// A socket that takes everything sent to it: a thread reads and counts.
struct Drain {
    int fd = -1;
    std::atomic<bool> stop{false};
    std::thread reader;
    void start(int listening_or_bound, bool stream) {
        reader = std::thread([this, listening_or_bound, stream] {
            fd = stream ? accept(listening_or_bound, nullptr, nullptr) : listening_or_bound;
            char buf[65536];
            while (!stop && read(fd, buf, sizeof(buf)) > 0) {
            }
        });
    }
    ~Drain() {
        stop = true;
        if (fd >= 0) shutdown(fd, SHUT_RDWR);
        if (reader.joinable()) reader.join();
    }
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench_outputs N DIR\n");
        return 2;
    }
    const uint64_t n = std::strtoull(argv[1], nullptr, 10);
    const std::string dir = argv[2];

    std::printf("| output | verdicts | seconds | verdicts/s | lost |\n| --- | ---: | ---: | ---: | ---: |\n");
    bench_lines("file, crowsnest JSON", JsonLinesWorker::Format::Crowsnest, dir + "/a.json", n);
    bench_lines("file, Falco JSON", JsonLinesWorker::Format::Falco, dir + "/b.json", n);

    {  // syslog to a Unix datagram socket
        const std::string path = dir + "/log.sock";
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
        int size = 8 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
        unlink(path.c_str());
        if (bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof(a)) != 0) {
            std::perror(("bench_outputs: bind " + path).c_str());
            return 1;
        }
        Drain d;
        d.start(fd, false);
        std::string error;
        bench_worker("syslog, unix datagram", std::make_unique<SyslogSink>(*parse_syslog_target("unix:" + path, error)),
                     n);
    }
    {  // syslog over TCP, RFC 6587 octet counting
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof(a);
        if (bind(fd, reinterpret_cast<sockaddr *>(&a), len) != 0 || listen(fd, 1) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
            std::perror("bench_outputs: a loopback TCP listener");
            return 1;
        }
        Drain d;
        d.start(fd, true);
        std::string error;
        bench_worker("syslog, TCP",
                     std::make_unique<SyslogSink>(
                         *parse_syslog_target("tcp:127.0.0.1:" + std::to_string(ntohs(a.sin_port)), error)),
                     n);
        close(fd);
    }
    test::HttpReceiver ok([](const test::HttpRequest &) { return test::HttpAnswer{200, "{\"errors\":false}"}; });
    for (auto [name, format] : {std::pair{"HTTP json (NDJSON batches)", HttpFormat::Json},
                                std::pair{"HTTP elasticsearch (_bulk batches)", HttpFormat::Elasticsearch},
                                std::pair{"HTTP falco (one alert per POST)", HttpFormat::Falco}}) {
        HttpOutputConfig c;
        c.url = ok.url();
        c.format = format;
        // one alert per POST is slow by nature: fewer of them
        bench_worker(name, std::make_unique<HttpSink>(c), format == HttpFormat::Falco ? n / 10 : n);
    }

    // The engine's side with a dead output and without: publishing alone.
    std::printf("\n| engine side | verdicts | seconds | verdicts/s published |\n| --- | ---: | ---: | ---: |\n");
    test::HttpReceiver dead([](const test::HttpRequest &) { return test::HttpAnswer{0, ""}; });
    for (bool with_dead : {false, true, false, true}) {
        VerdictHub hub({});
        std::unique_ptr<OutputWorker> w;
        if (with_dead) {
            HttpOutputConfig c;
            c.url = dead.url();
            c.format = HttpFormat::Json;
            w = std::make_unique<OutputWorker>("http", std::make_unique<HttpSink>(c), hub, FloodLimits{});
        }
        const double s = deliver(hub, n, [] { return true; });
        std::printf("| %s | %llu | %.3f | %.0f |\n", with_dead ? "a dead HTTP output" : "no output", (unsigned long long)n,
                    s, double(n) / s);
        std::fflush(stdout);
        if (w) w->finish();
    }
    return 0;
}
