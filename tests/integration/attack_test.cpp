// The sensor under attack, as a watched process would try it: hostile bytes
// in everything it reports, floods, arguments hidden from the probe, deep
// directories, containers that are gone before they are looked up, and
// calls that reach the network or a file without connect or open.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <sstream>
#include <set>

#include <google/protobuf/util/json_util.h>

#include "grpc_client.h"
#include "harness.h"

using namespace crowsnest;
using namespace crowsnest::test;
using namespace std::chrono_literals;

namespace {

std::function<bool(const v1::Verdict &)> rule_in(const std::string &rule, const std::string &id) {
    return [=](const v1::Verdict &v) { return v.rule() == rule && v.container().id() == id; };
}

bool has_control_byte(const std::string &s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
    return false;
}

// How many verdicts of `rule` in container `id` there were, counting those
// that summaries aggregated.
uint64_t verdicts_counted(const std::vector<v1::Verdict> &all, const std::string &rule, const std::string &id) {
    uint64_t n = 0;
    for (const auto &v : all)
        if (v.rule() == rule && v.container().id() == id) n += v.has_aggregate() ? v.aggregate().count() : 1;
    return n;
}

}  // namespace

TEST_CASE("attack: hostile bytes in argv, path, comm and cgroup reach every output as valid, escaped UTF-8",
          "[integration][attack]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock);
    VerdictStream stream(unix_channel(sock), {});
    REQUIRE(stream.wait_subscribed());
    const std::string id = random_container_id(), id2 = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));

    // the bytes are made inside the container: runc (Go) would replace them on the way in
    c.exec("exec /bin/true \"$(printf 'x\\377\\033[2J\\r')\" --donate-level=1");
    c.exec("cp /bin/busybox \"/tmp/$(printf '\\377\\033')n\" && \"/tmp/$(printf '\\377\\033')n\" --donate-level=2; true");
    c.exec("echo 1 > \"/tmp/$(printf '\\377')/../../dev/cpu/0/msr\"; true");
    // a cgroup named with them, as a privileged container could make one
    const std::string cg = cgroup2_mount() + "/crowsnest-$(printf '\\377\\033')/docker/" + id2;
    REQUIRE(run_shell("d=\"" + cg + "\"; mkdir -p \"$d\" && sh -c 'echo $$ > \"$1/cgroup.procs\" && "
                      "exec /bin/true --donate-level=3' x \"$d\"; rmdir \"$d\" \"${d%/*}\" \"${d%/*/*}\"") == 0);
    c.run({"/bin/true", "--donate-level=4"});  // a clean one after them all

    v1::Verdict argv_v, comm_v, path_v, cgroup_v, clean_v;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.container().id() == id && v.event().argv_size() == 3 && v.event().argv(2) == "--donate-level=1"; }, &argv_v));
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.container().id() == id && v.event().argv_size() == 2 && v.event().argv(1) == "--donate-level=2"; }, &comm_v));
    REQUIRE(sensor.wait_verdict(rule_in("crypto_miner_msr_write_attempt", id), &path_v));
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.container().id() == id2; }, &cgroup_v));
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) { return v.container().id() == id && v.event().argv_size() == 2 && v.event().argv(1) == "--donate-level=4"; }, &clean_v));

    // JSON lines: every line parsed as strict proto JSON (valid UTF-8), escaped reversibly
    CHECK(sensor.bad_lines().empty());
    CHECK(argv_v.event().argv(1) == "x\\xff\x1b[2J\r");
    CHECK(comm_v.process().comm() == "\\xff\x1bn");
    CHECK(comm_v.event().filename() == "/tmp/\\xff\x1bn");
    CHECK(path_v.event().path() == "/tmp/\\xff/../../dev/cpu/0/msr");
    CHECK(cgroup_v.container().cgroup_path() == "/crowsnest-\\xff\x1b/docker/" + id2);
    CHECK(cgroup_v.container().runtime() == "docker");

    // the C++ gRPC client parsed all of them and the clean one after
    REQUIRE(stream.wait_verdict([&](const v1::Verdict &v) { return v.sequence() == clean_v.sequence(); }));
    for (const auto *want : {&argv_v, &comm_v, &path_v, &cgroup_v})
        CHECK(stream.wait_verdict([&](const v1::Verdict &v) { return v.sequence() == want->sequence(); }, nullptr, 1s));

    // `crowsnest watch`: the lines show the bytes escaped, and no control character
    // every kept verdict, up to the clean one
    const std::string all = " --resume 0 -n " + std::to_string(clean_v.sequence());
    std::string text;
    REQUIRE(run_shell("timeout 20 " CROWSNEST_BINARY " watch --socket " + sock + " --no-color" + all, &text) == 0);
    CHECK(text.find("x\\xff\\x1b[2J\\x0d") != std::string::npos);
    CHECK_FALSE(has_control_byte(text));
    std::string json;
    REQUIRE(run_shell("timeout 20 " CROWSNEST_BINARY " watch --socket " + sock + " -o json" + all, &json) == 0);
    CHECK(json.find("x\\\\xff\\u001b[2J\\r") != std::string::npos);
    run_shell("rm -rf " + dir);
}

TEST_CASE("attack: arguments hidden from the exec probe still give the miner verdict", "[integration][attack]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
    REQUIRE(run_shell("cp " MAPPED_ARGV_BINARY " " + c.bundle() + "/rootfs/tmp/launch") == 0);

    // 1. in a file mapping no one touched, and a renamed miner
    REQUIRE(c.exec("cp /bin/busybox /tmp/kworker") == 0);
    c.run({"/tmp/launch", "/tmp/argv.bin", "/tmp/kworker", "-o", "stratum+tcp://pool.example.com:3333"});
    // 2. after 100 arguments
    std::vector<std::string> many = {"/bin/true"};
    for (int i = 0; i < 100; i++) many.push_back("arg" + std::to_string(i));
    many.push_back("--donate-level=5");
    c.run(many);
    // 3. after 3 KiB of arguments
    c.run({"/bin/true", std::string(3000, 'a'), "-o", "stratum+tcp://three.example.com:3333"});
    // 4. past byte 247 of one argument
    c.run({"/bin/true", std::string(300, 'b') + "stratum+tcp://long.example.com:3333"});
    // 5. past the 32 KiB the kernel side copies: the rest from /proc while it runs
    // (two commands: the shell stays, running with these arguments, for 2 s)
    c.run({"/bin/sh", "-c", "sleep 2; true", "sh", std::string(40000, 'c'), "--donate-level=6"});

    v1::Verdict v;
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("crypto_miner_stratum_args", id)(m) && m.event().filename() == "/tmp/kworker"; }, &v));
    CHECK(v.event().argv_size() == 3);
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.event().argv_size() == 102; }));
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("crypto_miner_stratum_args", id)(m) && m.output().find("three.example.com") != std::string::npos; }));
    CHECK(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("crypto_miner_stratum_args", id)(m) && m.output().find("long.example.com") != std::string::npos; }));
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return m.container().id() == id && m.event().argv_size() == 6 && m.event().argv(5) == "--donate-level=6"; }, &v));
    CHECK_FALSE(v.event().argv_truncated());  // completed from /proc
}

TEST_CASE("attack: relative opens from deep working directories still reach the host file", "[integration][attack]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true}));
    for (size_t depth : {500u, 1000u, 4000u}) {
        // /tmp/d<depth>/xxxxxxx.../ : components of 99 characters up to `depth` bytes
        std::string path = "/tmp/d" + std::to_string(depth);
        while (path.size() + 100 <= depth) path += "/" + std::string(99, 'x');
        REQUIRE(c.exec("mkdir -p " + path + " && cd " + path + " && ln -s /host/etc/shadow s && cat ./s >/dev/null") == 0);
        v1::Verdict v;
        INFO("depth " << path.size());
        REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("host_secret_read_from_container", id)(m) && m.event().resolved_path() == path + "/s"; }, &v));
        CHECK(v.event().host_path() == "/etc/shadow");
        CHECK(v.event().path() == "./s");
    }
    CHECK(sensor.bad_lines().empty());
    CHECK(sensor.stop().find("malformed.") == std::string::npos);
}

TEST_CASE("attack: containers gone before they are looked up are still attributed to their container",
          "[integration][attack]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    if (!have_tool("runc")) SKIP_OR_FAIL("runc is needed");
    std::vector<std::string> ids;
    for (int i = 0; i < 50; i++) {
        ids.push_back(random_container_id());
        RuncContainer c;
        std::string error;
        REQUIRE(c.run_to_end(ContainerSpec{.cgroups_path = docker_path(ids.back())},
                             {"/bin/true", "--donate-level=" + std::to_string(i)}, error) == 0);
    }
    for (size_t i = 0; i < ids.size(); i++) {
        INFO("container " << i);
        CHECK(sensor.wait_verdict(rule_in("crypto_miner_flags", ids[i]), nullptr, 5s));
    }
}

TEST_CASE("attack: TCP Fast Open and open_by_handle_at reach no connect or open, and are seen anyway",
          "[integration][attack]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .mount_host_root = true,
                                      .extra_capabilities = {"CAP_DAC_READ_SEARCH"}}));
    REQUIRE(run_shell("cp " BLIND_SPOTS_BINARY " " + c.bundle() + "/rootfs/tmp/reach") == 0);
    c.run({"/tmp/reach", "fastopen", "3333"});       // a mining-pool port, by a send
    c.run({"/tmp/reach", "fastopen-msg", "14444"});
    c.run({"/tmp/reach", "by-handle", "/host/etc/shadow"});  // as the "shocker" escape does

    v1::Verdict v;
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("mining_pool_port_connect", id)(m) && m.event().dst_port() == 3333; }, &v));
    CHECK(v.event().syscall() == "sendto");
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &m) { return rule_in("mining_pool_port_connect", id)(m) && m.event().dst_port() == 14444; }, &v));
    CHECK(v.event().syscall() == "sendmsg");
    REQUIRE(sensor.wait_verdict(rule_in("host_secret_read_from_container", id), &v));
    CHECK(v.event().syscall() == "open_by_handle_at");
    CHECK(v.event().host_path() == "/etc/shadow");
}

TEST_CASE("attack: two sensors started at once on one socket: exactly one runs", "[integration][attack]") {
    if (geteuid() != 0) SKIP_OR_FAIL("loading BPF programs needs root");
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    for (int round = 0; round < 5; round++) {
        SensorProcess a, b;
        std::string error_a, error_b;
        auto started_b = std::async(std::launch::async, [&] { return b.start(CROWSNEST_BINARY, {"--grpc-socket", sock, "--output", "none"}, error_b); });
        const bool started_a = a.start(CROWSNEST_BINARY, {"--grpc-socket", sock, "--output", "none"}, error_a);
        const bool ran_b = started_b.get();
        INFO("round " << round << ": " << error_a << error_b);
        CHECK(started_a != ran_b);
        CHECK((error_a + error_b).find("another crowsnest") != std::string::npos);
        CHECK((error_a + error_b).find(sock + ".lock") != std::string::npos);
    }
    run_shell("rm -rf " + dir);
}

TEST_CASE("attack: one container's flood does not blind the sensor to another", "[integration][attack]") {
    if (geteuid() != 0) SKIP_OR_FAIL("loading BPF programs needs root");
    SensorProcess sensor;  // no --events: a flood of JSON lines would measure the test, not the sensor
    std::string error;
    // a flood rate that four looping processes pass even on a busy machine
    if (!sensor.start(CROWSNEST_BINARY, {"--grpc-socket", "none", "--flood-rate", "5000"}, error)) SKIP_OR_FAIL(error);
    const std::string flooder = random_container_id(), victim = random_container_id();
    RuncContainer a, b;
    START_CONTAINER(a, (ContainerSpec{.cgroups_path = docker_path(flooder)}));
    START_CONTAINER(b, (ContainerSpec{.cgroups_path = docker_path(victim), .mount_host_root = true}));
    REQUIRE(run_shell("cp " FLOOD_BINARY " " + a.bundle() + "/rootfs/tmp/flood") == 0);
    const std::string closed = std::to_string(unused_loopback_port());

    // container A: rule-matching and ordinary opens and connects at full
    // speed, from four processes, for 8 s; and 20 execs meanwhile
    auto flood = std::async(std::launch::async, [&] {
        return a.exec("/tmp/flood open /dev/cpu/0/msr w 8 & /tmp/flood open /etc/hostname r 8 & "
                      "/tmp/flood open /etc/hostname r 8 & /tmp/flood connect " + closed + " 8 & wait");
    });
    std::this_thread::sleep_for(2s);
    for (int i = 0; i < 20; i++) a.run({"/bin/true", "--donate-level=" + std::to_string(i)});
    // container B, during the flood: a miner, a reverse shell, a host secret
    b.run({"/bin/true", "--donate-level=1"});
    b.run({"/bin/nc", "-e", "/bin/sh", "127.0.0.1", closed});
    b.exec("cat /host/etc/shadow >/dev/null");
    REQUIRE(flood.get() == 0);

    CHECK(sensor.wait_verdict(rule_in("crypto_miner_flags", victim)));
    CHECK(sensor.wait_verdict(rule_in("reverse_shell_netcat", victim)));
    CHECK(sensor.wait_verdict(rule_in("host_secret_read_from_container", victim)));
    // A's opens were cut too: in one of its flood reports (the first may
    // carry only the connects, whichever type reached the limit first)
    v1::Verdict flood_v;
    REQUIRE(sensor.wait_verdict(
        [&](const v1::Verdict &v) {
            return rule_in("event_flood", flooder)(v) && v.event().dropped().count("open") != 0;
        },
        &flood_v));
    CHECK(flood_v.event().dropped().at("open") > 0);
    const std::string counters = sensor.stop();  // closes every aggregation window
    // every exec of A: sent, or counted in its group's summary
    CHECK(verdicts_counted(sensor.verdicts(), "crypto_miner_flags", flooder) == 20);
    CHECK(counters.find("ringbuf_drops.exec 0\n") != std::string::npos);
    // what A lost is in its flood verdicts, and the ring's reserve is counted
    uint64_t dropped = 0;
    for (const auto &v : sensor.verdicts())
        if (v.rule() == "event_flood" && v.container().id() == flooder)
            for (const auto &[type, n] : v.event().dropped()) dropped += n;
    CHECK(dropped > 0);
    INFO(counters);
    CHECK(counters.find("verdicts.evasion") != std::string::npos);
}

namespace {

// `crowsnest watch -o json` on its own, reconnecting by itself, its lines
// collected in a file.
struct Watcher {
    pid_t pid = -1;
    std::string file;
    Watcher(const std::string &sock, const std::string &out) : file(out) {
        pid = fork();
        if (pid == 0) {
            const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(fd, 1);
            execl(CROWSNEST_BINARY, CROWSNEST_BINARY, "watch", "--socket", sock.c_str(), "-o", "json", nullptr);
            _exit(127);
        }
    }
    ~Watcher() {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    std::vector<v1::Verdict> received() const {
        std::vector<v1::Verdict> out;
        std::ifstream in(file);
        std::string line;
        while (std::getline(in, line)) {
            v1::Verdict v;
            if (google::protobuf::util::JsonStringToMessage(line, &v).ok()) out.push_back(v);
        }
        return out;
    }
};

}  // namespace

TEST_CASE("attack: a sensor killed mid-stream comes back numbering on, resuming clients lose nothing silently",
          "[integration][attack]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    const std::string id = random_container_id();
    RuncContainer c;
    std::set<uint64_t> printed;  // every verdict sequence either sensor printed
    {
        SensorProcess first;
        // every verdict on its own: the 30 command lines would otherwise aggregate after the first few
        START_SENSOR(first, "--grpc-socket", sock, "--verdict-window", "0");
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
        Watcher w1(sock, dir + "/w1.json"), w2(sock, dir + "/w2.json");
        std::this_thread::sleep_for(1s);  // both subscribed
        for (int i = 0; i < 30; i++) c.run({"/bin/true", "--donate-level=" + std::to_string(i)});
        REQUIRE(first.wait_verdict([&, n = 0](const v1::Verdict &v) mutable { return v.container().id() == id && ++n == 30; }));
        kill(first.pid(), SIGKILL);  // mid-stream: the watchers may not have everything yet
        first.stop();
        for (const auto &v : first.verdicts()) printed.insert(v.sequence());

        SensorProcess second;
        START_SENSOR(second, "--grpc-socket", sock, "--verdict-window", "0");
        for (int i = 30; i < 60; i++) c.run({"/bin/true", "--donate-level=" + std::to_string(i)});
        REQUIRE(second.wait_verdict([&, n = 0](const v1::Verdict &v) mutable { return v.container().id() == id && ++n == 30; }));
        for (const auto &v : second.verdicts()) {
            CHECK(printed.count(v.sequence()) == 0);  // the numbers go on, never reused
            printed.insert(v.sequence());
        }
        const uint64_t last = *printed.rbegin();
        for (const Watcher *w : {&w1, &w2}) {
            std::vector<v1::Verdict> got;
            for (int i = 0; i < 100; i++, std::this_thread::sleep_for(100ms)) {
                got = w->received();
                if (!got.empty() && got.back().sequence() == last) break;
            }
            // every sequence printed was received once, or lies in a lost range a marker named
            std::map<uint64_t, int> seen;
            std::vector<std::pair<uint64_t, uint64_t>> marked;
            for (const auto &v : got) {
                if (v.has_gap()) marked.emplace_back(v.gap().first_sequence(), v.gap().last_sequence());
                else seen[v.sequence()]++;
            }
            for (uint64_t s : printed) {
                const bool in_gap = std::any_of(marked.begin(), marked.end(), [&](auto r) { return s >= r.first && s <= r.second; });
                INFO("sequence " << s);
                CHECK((seen[s] == 1 || in_gap));
            }
            for (const auto &[s, n] : seen) CHECK(n == 1);
        }
    }
    run_shell("rm -rf " + dir);
}

namespace {

uint64_t counter(const v1::Status &st, const std::string &name) {
    for (const auto &c : st.counters())
        if (c.name() == name) return c.value();
    return 0;
}

v1::Status status_of(const std::string &sock) {
    v1::Status st;
    grpc::ClientContext ctx;
    v1::Sensor::NewStub(unix_channel(sock))->GetStatus(&ctx, {}, &st);
    return st;
}

size_t rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    return 0;
}

}  // namespace

TEST_CASE("attack: an output that cannot be written is counted, logged and fails readiness, no half lines",
          "[integration][attack]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    SECTION("--output /dev/full") {
        SensorProcess sensor;
        START_SENSOR(sensor, "--grpc-socket", sock, "--output", "/dev/full");
        VerdictStream stream(unix_channel(sock), {});
        REQUIRE(stream.wait_subscribed());
        const std::string id = random_container_id();
        RuncContainer c;
        START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
        c.run({"/bin/true", "--donate-level=1"});
        REQUIRE(stream.wait_verdict(rule_in("crypto_miner_flags", id)));
        v1::Status st;
        for (int i = 0; i < 50 && counter(st, "output.json.lost") == 0; i++, std::this_thread::sleep_for(100ms))
            st = status_of(sock);
        CHECK(counter(st, "output.json.lost") >= 1);
        CHECK(counter(st, "output.json.errors") >= 1);
        CHECK(health_check(unix_channel(sock), "") == 2);  // NOT_SERVING
        CHECK(sensor.stop().find("crowsnest: output: ") != std::string::npos);
    }
    SECTION("a full disk") {
        const std::string mnt = dir + "/small";
        REQUIRE(run_shell("mkdir -p " + mnt + " && mount -t tmpfs -o size=16k tmpfs " + mnt) == 0);
        {
            SensorProcess sensor;
            START_SENSOR(sensor, "--grpc-socket", sock, "--output", mnt + "/verdicts.json", "--verdict-window", "0");
            const std::string id = random_container_id();
            RuncContainer c;
            START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id)}));
            c.exec("i=0; while [ $i -lt 60 ]; do /bin/true --donate-level=$i; i=$((i+1)); done");
            v1::Status st;
            for (int i = 0; i < 100 && counter(st, "output.json.lost") == 0; i++, std::this_thread::sleep_for(100ms))
                st = status_of(sock);
            CHECK(counter(st, "output.json.lost") >= 1);
            CHECK(counter(st, "output.json.sent") >= 1);
        }
        struct stat fst {};
        REQUIRE(stat((mnt + "/verdicts.json").c_str(), &fst) == 0);
        CHECK((fst.st_mode & 0777) == 0600);  // verdicts quote command lines
        std::ifstream in(mnt + "/verdicts.json");
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        REQUIRE(!content.empty());
        CHECK(content.back() == '\n');
        std::istringstream lines(content);
        std::string line;
        while (std::getline(lines, line)) {
            v1::Verdict v;
            CHECK(google::protobuf::util::JsonStringToMessage(line, &v).ok());
        }
        run_shell("umount " + mnt);
    }
    run_shell("rm -rf " + dir);
}

TEST_CASE("attack: stalled clients cannot take the sensor's memory, and it is given back", "[integration][attack]") {
    const std::string dir = temp_dir(), sock = dir + "/crowsnest.sock";
    SensorProcess sensor;
    START_SENSOR(sensor, "--grpc-socket", sock, "--output", "none", "--verdict-window", "0", "--journal", "none");
    auto verdicts = [&](double seconds) {  // a host process failing to open the MSR: a verdict each
        REQUIRE(run_shell(FLOOD_BINARY " open /dev/cpu/0/msr w " + std::to_string(seconds) + " >/dev/null") == 0);
    };
    // 100 clients that subscribe and never read, while verdicts pour in,
    // then go; returns the sensor's RSS with them there
    auto stall_round = [&] {
        std::vector<std::unique_ptr<v1::Sensor::Stub>> stubs;
        std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
        std::vector<std::unique_ptr<grpc::ClientReader<v1::Verdict>>> stalled;
        for (int i = 0; i < 100; i++) {
            stubs.push_back(v1::Sensor::NewStub(stingy_unix_channel(sock)));
            contexts.push_back(std::make_unique<grpc::ClientContext>());
            stalled.push_back(stubs.back()->StreamVerdicts(contexts.back().get(), {}));
            stalled.back()->WaitForInitialMetadata();
        }
        verdicts(4);
        const size_t peak = rss_kib(sensor.pid());
        uint64_t queued = 0;
        const v1::Status st = status_of(sock);
        for (const auto &s : st.subscribers()) queued += s.queued_bytes();
        CHECK(queued <= 64u << 20);  // the budget of all queues together
        for (auto &c : contexts) c->TryCancel();
        return peak;
    };
    // settled: what the memory comes back to once the queues have drained,
    // with verdicts still coming (the lowest of a few readings: gRPC's
    // buffers in flight come and go)
    auto settled = [&] {
        size_t lowest = SIZE_MAX;
        for (int i = 0; i < 15; i++) {
            verdicts(0.2);
            std::this_thread::sleep_for(500ms);
            lowest = std::min(lowest, rss_kib(sensor.pid()));
        }
        return lowest;
    };
    verdicts(2);  // the resume ring fills
    const size_t before = rss_kib(sensor.pid());
    size_t peaks[3], after[3];
    for (int round = 0; round < 3; round++) {
        peaks[round] = stall_round();
        after[round] = settled();
    }
    std::printf("memory under stalled clients: before %zu KiB; peaks %zu, %zu, %zu KiB; settled after each round "
                "%zu, %zu, %zu KiB\n",
                before, peaks[0], peaks[1], peaks[2], after[0], after[1], after[2]);
    for (size_t peak : peaks) CHECK(peak < before + 100 * 1024);  // 64 MiB of queues, and what is in flight
    // the first rounds leave gRPC's and the allocator's pools behind (they
    // may still grow: measured 86 then 98 MiB, and 68 then 78 MiB with the
    // JSON lines on a thread of their own, on a loaded machine); the last
    // round gives back what it took, within 20%: no growth beyond that
    CHECK(after[2] <= std::max(after[0], after[1]) * 12 / 10);
    run_shell("rm -rf " + dir);
}
