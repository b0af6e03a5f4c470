#include <catch2/catch.hpp>

#include "cli/line_format.h"

using namespace crowsnest;

namespace {

v1::Verdict verdict(const std::string &type) {
    v1::Verdict v;
    v.set_rule("some_rule");
    v.set_severity("critical");
    v.mutable_container()->set_id("aaaa000000000000000000000000000000000000000000000000000000000001");
    v.mutable_process()->set_comm("xmrig");
    v.mutable_process()->set_pid(42);
    v.mutable_event()->set_type(type);
    return v;
}

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("cli format: a verdict line names severity, rule, short container, process and the key field") {
    auto v = verdict("exec");
    v.mutable_event()->add_argv("xmrig");
    v.mutable_event()->add_argv("--donate-level=1");
    const auto line = verdict_line(v, false);
    CHECK(contains(line, " CRITICAL some_rule aaaa00000000 xmrig[42] xmrig --donate-level=1"));
    CHECK_FALSE(contains(line, "\033["));
    CHECK(contains(verdict_line(v, true), "\033[1;31mCRITICAL"));
}

TEST_CASE("cli format: the key field of each event type") {
    auto open = verdict("open");
    open.mutable_event()->set_path("./shadow");
    open.mutable_event()->set_resolved_path("/host/etc/shadow");
    CHECK(contains(verdict_line(open, false), " /host/etc/shadow"));
    open.mutable_event()->set_host_path("/etc/shadow");
    CHECK(contains(verdict_line(open, false), " host:/etc/shadow"));

    auto connect = verdict("connect");
    connect.mutable_event()->set_family("inet6");
    connect.mutable_event()->set_dst_ip("::1");
    connect.mutable_event()->set_dst_port(3333);
    CHECK(contains(verdict_line(connect, false), " [::1]:3333"));
    connect.mutable_event()->set_family("unix");
    connect.mutable_event()->set_unix_path("/run/docker.sock");
    CHECK(contains(verdict_line(connect, false), " /run/docker.sock"));

    auto host = verdict("exec");
    host.mutable_container()->Clear();
    CHECK(contains(verdict_line(host, false), " host xmrig[42]"));
    host.mutable_container()->set_id("bbbb000000000000000000000000000000000000000000000000000000000002");
    host.mutable_container()->set_pod_uid("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    CHECK(contains(verdict_line(host, false), " bbbb00000000 pod 1b4e28ba-2fa1-11d2-883f-0016d3cca427 "));
}

TEST_CASE("cli format: the node, and the workload where the runtime recorded it") {
    auto v = verdict("exec");
    auto &c = *v.mutable_container();
    c.set_id("bbbb000000000000000000000000000000000000000000000000000000000002");
    c.set_node("node-7");
    c.set_pod_uid("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    c.set_namespace_("shop");
    c.set_pod_name("web-0");
    c.set_name("api");
    c.set_image("registry.example/shop/api:1.4");
    CHECK(contains(verdict_line(v, false), " node-7 shop/web-0/api registry.example/shop/api:1.4 bbbb00000000 xmrig[42]"));
    c.clear_namespace_();
    c.clear_pod_name();
    c.clear_pod_uid();
    CHECK(contains(verdict_line(v, false), " node-7 api registry.example/shop/api:1.4 bbbb00000000 xmrig[42]"));
    c.set_name("api\x1b[2J");  // what a runtime recorded is shown, never obeyed
    CHECK_FALSE(contains(verdict_line(v, false), "\x1b["));
    v.mutable_container()->Clear();
    v.mutable_container()->set_node("node-7");
    CHECK(contains(verdict_line(v, false), " node-7 host xmrig[42]"));
}

TEST_CASE("cli format: gap markers say how many were lost and why") {
    v1::Verdict gap;
    gap.mutable_gap()->set_reason(v1::Gap::SLOW_SUBSCRIBER);
    gap.mutable_gap()->set_missed(7);
    CHECK(verdict_line(gap, false) == "--- 7 verdicts lost: this client was too slow");
    gap.mutable_gap()->set_reason(v1::Gap::RESUME_TOO_OLD);
    gap.mutable_gap()->set_first_sequence(3);
    gap.mutable_gap()->set_last_sequence(9);
    CHECK(verdict_line(gap, false) == "--- 7 verdicts lost: no longer kept (sequences 3-9)");
    v1::Event e;
    e.mutable_gap()->set_missed(2);
    CHECK(contains(event_line(e, false), "2 events lost"));
}
