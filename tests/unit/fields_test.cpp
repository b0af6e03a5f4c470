// fields: the named values of an event, and OutputTemplate's parsing and
// rendering of "%field" references.
#include <catch2/catch.hpp>
#include <string>

#include "fields.h"
#include "test_context.h"

using crowsnest::field_names;
using crowsnest::field_value;
using crowsnest::is_known_field;
using crowsnest::OutputTemplate;
using crowsnest::test::connect_inet_scene;
using crowsnest::test::connect_unix_scene;
using crowsnest::test::exec_scene;
using crowsnest::test::kContainerId;
using crowsnest::test::open_scene;
using crowsnest::test::Scene;

namespace {

std::string value(const Scene &s, const std::string &field) { return field_value(s.ctx(), field); }

// Parses `text` (which must parse) and renders it for the scene.
std::string render(const std::string &text, const Scene &s) {
    OutputTemplate t;
    std::string error;
    INFO(text);
    REQUIRE(t.parse(text, error));
    CHECK(error.empty());
    return t.render(s.ctx());
}

}  // namespace

TEST_CASE("fields: every listed name is known, others are not", "[fields]") {
    REQUIRE(field_names().size() >= 20);
    for (auto name : field_names()) CHECK(is_known_field(name));
    CHECK_FALSE(is_known_field("proc.nam"));
    CHECK_FALSE(is_known_field("proc.name."));
    CHECK_FALSE(is_known_field(""));
    CHECK_FALSE(is_known_field("foo.bar"));
}

TEST_CASE("fields: process, user and container fields of an exec", "[fields]") {
    Scene s = exec_scene("/usr/bin/../bin/nmap", {"nmap", "-sS", "10.0.0.0/24"});
    s.event.uid = 1000;
    s.cgroup.container.pod_uid = "6de31acc-3b6d-4fe3-bd53-2cc9ddcd1b0e";
    CHECK(value(s, "evt.type") == "exec");
    CHECK(value(s, "evt.res") == "SUCCESS");
    CHECK(value(s, "evt.syscall") == "execve");
    CHECK(value(s, "proc.name") == "nmap");
    CHECK(value(s, "proc.exe") == "/usr/bin/nmap");
    CHECK(value(s, "proc.cmdline") == "nmap -sS 10.0.0.0/24");
    CHECK(value(s, "proc.args") == "-sS 10.0.0.0/24");
    CHECK(value(s, "proc.pid") == "4321");
    CHECK(value(s, "proc.ppid") == "4300");
    CHECK(value(s, "proc.pname") == "sh");
    CHECK(value(s, "proc.pexe") == "/bin/sh");
    CHECK(value(s, "user.uid") == "1000");
    CHECK(value(s, "cgroup.id") == "9876");
    CHECK(value(s, "container.id") == kContainerId);
    CHECK(value(s, "container.runtime") == "docker");
    CHECK(value(s, "k8s.pod.uid") == "6de31acc-3b6d-4fe3-bd53-2cc9ddcd1b0e");
    CHECK(value(s, "fd.name") == "");
    CHECK(value(s, "fd.sip") == "");
    CHECK(value(s, "fd.sport") == "");
    CHECK(value(s, "host.path") == "");
    CHECK(value(s, "no.such.field") == "");
}

TEST_CASE("fields: a failed exec and missing context", "[fields]") {
    Scene s = exec_scene("/nope", {"nope"}, -2);
    CHECK(value(s, "evt.res") == "ENOENT");
    s.has_process = s.has_parent = s.has_cgroup = false;
    CHECK(value(s, "proc.exe") == "");
    CHECK(value(s, "proc.args") == "");
    CHECK(value(s, "proc.cmdline") == "nope");  // the comm alone
    CHECK(value(s, "proc.pname") == "");
    CHECK(value(s, "container.id") == "");
    CHECK(value(s, "k8s.pod.uid") == "");
}

TEST_CASE("fields: connect destinations", "[fields]") {
    const Scene v4 = connect_inet_scene("10.1.2.3", 3333);
    CHECK(value(v4, "fd.name") == "10.1.2.3:3333");
    CHECK(value(v4, "fd.sip") == "10.1.2.3");
    CHECK(value(v4, "fd.sport") == "3333");
    CHECK(value(v4, "fd.unix_path") == "");
    CHECK(value(v4, "evt.syscall") == "connect");

    const Scene v6 = connect_inet_scene("2001:db8::1", 443);
    CHECK(value(v6, "fd.name") == "[2001:db8::1]:443");
    CHECK(value(v6, "fd.sip") == "2001:db8::1");

    const Scene unix_path = connect_unix_scene("/var/run/docker.sock");
    CHECK(value(unix_path, "fd.name") == "/var/run/docker.sock");
    CHECK(value(unix_path, "fd.unix_path") == "/var/run/docker.sock");
    CHECK(value(unix_path, "fd.sport") == "");
    CHECK(value(unix_path, "fd.sip") == "");

    const Scene abstract = connect_unix_scene(std::string("dbus\0x", 6), true);
    CHECK(value(abstract, "fd.name") == "@dbus@x");
}

TEST_CASE("fields: open paths", "[fields]") {
    Scene s = open_scene("/host//etc/../etc/shadow");
    s.host_path = "/etc/shadow";
    CHECK(value(s, "fd.name") == "/host/etc/shadow");  // the resolved path
    CHECK(value(s, "host.path") == "/etc/shadow");
    CHECK(value(s, "evt.syscall") == "openat");
    CHECK(value(s, "evt.type") == "open");

    Scene relative = open_scene("etc/shadow");  // not resolved: the path as sent
    CHECK(value(relative, "fd.name") == "etc/shadow");
}

TEST_CASE("OutputTemplate: an unknown field fails to parse", "[fields]") {
    OutputTemplate t;
    std::string error;
    CHECK_FALSE(t.parse("%proc.name met %foo.bar", error));
    CHECK(error == "unknown field %foo.bar in output");
    CHECK_FALSE(t.parse("%proc.name_x", error));
    CHECK(error == "unknown field %proc.name_x in output");
}

TEST_CASE("OutputTemplate: a trailing full stop stays text", "[fields]") {
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    CHECK(render("Started %proc.name.", s) == "Started nmap.");
    CHECK(render("%proc.name...", s) == "nmap...");
    CHECK(render("%proc.exe, then %proc.name: done", s) == "/usr/bin/nmap, then nmap: done");
    CHECK(render("(%proc.name)", s) == "(nmap)");
}

TEST_CASE("OutputTemplate: a lone '%' stays literal", "[fields]") {
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    CHECK(render("100% sure", s) == "100% sure");
    CHECK(render("%", s) == "%");
    CHECK(render("50%", s) == "50%");
    CHECK(render("%%proc.name", s) == "%nmap");
    CHECK(render("%.", s) == "%.");
    CHECK(render("", s) == "");
    CHECK(render("no fields at all", s) == "no fields at all");
}

TEST_CASE("OutputTemplate: missing values render <NA>", "[fields]") {
    Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    s.has_process = s.has_parent = s.has_cgroup = false;
    CHECK(render("%proc.exe in %container.id (parent %proc.pname) %host.path", s) == "<NA> in <NA> (parent <NA>) <NA>");
    CHECK(render("%proc.name in %container.id", s.on_host()) == "nmap in <NA>");
}

TEST_CASE("OutputTemplate: parsing again replaces the template", "[fields]") {
    const Scene s = exec_scene("/usr/bin/nmap", {"nmap"});
    OutputTemplate t;
    std::string error;
    REQUIRE(t.parse("first %proc.name", error));
    REQUIRE(t.parse("second %proc.exe", error));
    CHECK(t.render(s.ctx()) == "second /usr/bin/nmap");
}
