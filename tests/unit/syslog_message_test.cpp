// RFC 5424 messages and syslog targets.
#include <catch2/catch.hpp>

#include "outputs/syslog_message.h"
#include "outputs/syslog_target.h"

using namespace crowsnest;

TEST_CASE("syslog message: RFC 5424 header, structured data escaped, severity from priority", "[outputs]") {
    v1::Verdict v;
    v.mutable_time()->set_seconds(1796000523);
    v.mutable_time()->set_nanos(987654321);
    v.set_rule("odd \"rule\" [x] \\ y");
    v.set_priority("Critical");
    v.set_category("miner");
    v.set_output("Crypto miner started");
    v.set_sequence(7);
    v.mutable_container()->set_id("abc");
    v.mutable_container()->set_node("node 1");
    v.mutable_process()->set_pid(42);
    CHECK(syslog_message(v, 99) ==
          "<10>1 2026-11-30T01:02:03.987654Z node_1 crowsnest 99 verdict [crowsnest@32473 "
          "rule=\"odd \\\"rule\\\" [x\\] \\\\ y\" priority=\"Critical\" category=\"miner\" container_id=\"abc\" "
          "pid=\"42\" sequence=\"7\"] Crypto miner started");
    v.set_priority("");
    v.set_severity("low");
    CHECK(syslog_severity(v) == 5);  // Notice
    v.set_priority("Debug");
    CHECK(syslog_severity(v) == 7);
    v.mutable_container()->clear_node();
    v.mutable_aggregate()->set_count(12);
    const std::string m = syslog_message(v, 1);
    CHECK(m.rfind("<15>1 2026-11-30T01:02:03.987654Z - crowsnest 1 summary [", 0) == 0);
    CHECK(m.find(" suppressed=\"12\"]") != std::string::npos);
}

TEST_CASE("syslog target: unix, udp and tcp forms, and clear errors", "[outputs]") {
    std::string error;
    auto t = parse_syslog_target("unix:/dev/log", error);
    REQUIRE(t);
    CHECK(t->kind == SyslogTarget::Kind::Unix);
    CHECK(t->path == "/dev/log");
    t = parse_syslog_target("tcp:collector.example:6514", error);
    REQUIRE(t);
    CHECK((t->kind == SyslogTarget::Kind::Tcp && t->host == "collector.example" && t->port == 6514));
    t = parse_syslog_target("udp:[::1]:514", error);
    REQUIRE(t);
    CHECK((t->kind == SyslogTarget::Kind::Udp && t->host == "::1" && t->port == 514));
    for (const char *bad : {"unix:relative", "unix:", "http://x", "udp:host", "tcp::514", "tcp:h:0", "tcp:h:65536",
                            "tcp:h:5x", "udp:[::1:514", "syslog"}) {
        INFO(bad);
        error.clear();
        CHECK_FALSE(parse_syslog_target(bad, error));
        CHECK(error.find(std::string("'") + bad + "'") != std::string::npos);
    }
}
