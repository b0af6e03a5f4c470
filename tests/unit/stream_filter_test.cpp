#include <catch2/catch.hpp>

#include "api/stream_filter.h"

using namespace crowsnest;

namespace {

v1::Verdict verdict(const std::string &rule, const std::string &category, const std::string &severity,
                    const std::string &type = "exec", const std::string &container = "",
                    const std::string &pod = "", const std::string &comm = "sh", const std::string &exe = "/bin/sh") {
    v1::Verdict v;
    v.set_rule(rule);
    v.set_category(category);
    v.set_severity(severity);
    v.mutable_event()->set_type(type);
    v.mutable_container()->set_id(container);
    v.mutable_container()->set_pod_uid(pod);
    v.mutable_process()->set_comm(comm);
    v.mutable_process()->set_exe(exe);
    return v;
}

StreamFilter compile(const v1::StreamRequest &req, StreamFilter::Kind kind = StreamFilter::Kind::Verdicts) {
    std::string error;
    auto f = StreamFilter::compile(req, kind, error);
    INFO(error);
    REQUIRE(f);
    return *f;
}

const std::string kId = "aaaa000000000000000000000000000000000000000000000000000000000001";

}  // namespace

TEST_CASE("stream filter: no filters pass everything") {
    auto f = compile({});
    CHECK(f.matches(verdict("r", "miner", "low")));
    CHECK(f.matches(v1::Event{}));
}

TEST_CASE("stream filter: each verdict field in an allow filter") {
    v1::StreamRequest req;
    auto *a = req.add_allow();
    SECTION("category") {
        a->add_categories("miner");
        CHECK(compile(req).matches(verdict("r", "miner", "low")));
        CHECK_FALSE(compile(req).matches(verdict("r", "scanner", "low")));
    }
    SECTION("minimum severity") {
        a->set_min_severity("high");
        CHECK(compile(req).matches(verdict("r", "miner", "critical")));
        CHECK(compile(req).matches(verdict("r", "miner", "high")));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "medium")));
    }
    SECTION("rule names") {
        a->add_rules("crypto_miner_binary");
        a->add_rules("crypto_miner_flags");
        CHECK(compile(req).matches(verdict("crypto_miner_flags", "miner", "low")));
        CHECK_FALSE(compile(req).matches(verdict("crypto_miner_algorithm", "miner", "low")));
    }
    SECTION("event types") {
        a->add_event_types("connect");
        CHECK(compile(req).matches(verdict("r", "miner", "low", "connect")));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "low", "exec")));
    }
    SECTION("container ids: full or short, never a host process") {
        a->add_container_ids(kId.substr(0, 12));
        CHECK(compile(req).matches(verdict("r", "miner", "low", "exec", kId)));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "low", "exec", "bbbb" + kId.substr(4))));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "low", "exec", "")));
    }
    SECTION("pod uids") {
        a->add_pod_uids("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
        CHECK(compile(req).matches(verdict("r", "miner", "low", "exec", kId, "1b4e28ba-2fa1-11d2-883f-0016d3cca427")));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "low", "exec", kId, "")));
    }
    SECTION("process names: comm or the executable's base name") {
        a->add_process_names("xmrig");
        CHECK(compile(req).matches(verdict("r", "miner", "low", "exec", "", "", "xmrig", "/tmp/x")));
        CHECK(compile(req).matches(verdict("r", "miner", "low", "exec", "", "", "kworker", "/usr/bin/xmrig")));
        CHECK_FALSE(compile(req).matches(verdict("r", "miner", "low", "exec", "", "", "sh", "/bin/sh")));
    }
}

TEST_CASE("stream filter: fields of one filter all hold, any allow filter passes, no deny filter may match") {
    v1::StreamRequest req;
    auto *a = req.add_allow();
    a->add_categories("miner");
    a->set_min_severity("high");
    req.add_allow()->add_categories("escape");
    req.add_deny()->add_process_names("trusted");
    auto f = compile(req);
    CHECK(f.matches(verdict("r", "miner", "critical")));
    CHECK_FALSE(f.matches(verdict("r", "miner", "low")));            // first allow: severity fails
    CHECK(f.matches(verdict("r", "escape", "low")));                 // second allow
    CHECK_FALSE(f.matches(verdict("r", "scanner", "critical")));     // no allow
    CHECK_FALSE(f.matches(verdict("r", "escape", "low", "exec", "", "", "trusted", "/bin/trusted")));  // denied
}

TEST_CASE("stream filter: deny alone removes only what it names") {
    v1::StreamRequest req;
    req.add_deny()->add_categories("scanner");
    auto f = compile(req);
    CHECK(f.matches(verdict("r", "miner", "low")));
    CHECK_FALSE(f.matches(verdict("r", "scanner", "low")));
}

TEST_CASE("stream filter: event streams match events") {
    v1::StreamRequest req;
    req.add_allow()->add_event_types("open");
    auto f = compile(req, StreamFilter::Kind::Events);
    v1::Event e;
    e.mutable_event()->set_type("open");
    CHECK(f.matches(e));
    e.mutable_event()->set_type("exec");
    CHECK_FALSE(f.matches(e));
}

TEST_CASE("stream filter: bad requests are refused naming the field") {
    std::string error;
    v1::StreamRequest req;
    SECTION("unknown severity") {
        req.add_deny()->set_min_severity("severe");
        CHECK_FALSE(StreamFilter::compile(req, StreamFilter::Kind::Verdicts, error));
        CHECK(error.find("deny[0].min_severity") != std::string::npos);
    }
    SECTION("unknown event type") {
        req.add_allow();
        req.add_allow()->add_event_types("fork");
        CHECK_FALSE(StreamFilter::compile(req, StreamFilter::Kind::Verdicts, error));
        CHECK(error.find("allow[1].event_types") != std::string::npos);
    }
    SECTION("verdict fields on an event stream") {
        req.add_allow()->add_rules("crypto_miner_binary");
        CHECK(StreamFilter::compile(req, StreamFilter::Kind::Verdicts, error));
        CHECK_FALSE(StreamFilter::compile(req, StreamFilter::Kind::Events, error));
        CHECK(error.find("allow[0]") != std::string::npos);
    }
}

TEST_CASE("stream filter: namespace exactly, pod name and image by prefix") {
    auto in_pod = [](const std::string &ns, const std::string &pod, const std::string &image) {
        v1::Verdict v = verdict("r", "miner", "high", "exec", kId);
        v.mutable_container()->set_namespace_(ns);
        v.mutable_container()->set_pod_name(pod);
        v.mutable_container()->set_image(image);
        return v;
    };
    const auto shop = in_pod("shop", "web-0", "registry.example/shop/api:1.4");
    const auto other = in_pod("shopping", "db-0", "docker.io/library/postgres:16");
    const auto bare = verdict("r", "miner", "high", "exec", kId);  // a container with no runtime record
    v1::StreamRequest req;
    auto *a = req.add_allow();
    SECTION("namespace") {
        a->add_namespaces("shop");
        CHECK(compile(req).matches(shop));
        CHECK_FALSE(compile(req).matches(other));  // no prefix match on namespaces
        CHECK_FALSE(compile(req).matches(bare));
    }
    SECTION("pod name prefix") {
        a->add_pod_names("web-");
        CHECK(compile(req).matches(shop));
        CHECK_FALSE(compile(req).matches(other));
        CHECK_FALSE(compile(req).matches(bare));
    }
    SECTION("image prefix") {
        a->add_images("registry.example/shop/");
        CHECK(compile(req).matches(shop));
        CHECK_FALSE(compile(req).matches(other));
        CHECK_FALSE(compile(req).matches(bare));
    }
    SECTION("deny by namespace keeps the rest") {
        req.clear_allow();
        req.add_deny()->add_namespaces("kube-system");
        CHECK(compile(req).matches(shop));
        CHECK(compile(req).matches(bare));
        CHECK_FALSE(compile(req).matches(in_pod("kube-system", "coredns-1", "coredns:1.11")));
    }
    SECTION("bounded like every list") {
        for (size_t i = 0; i <= StreamFilter::kMaxValues; i++) a->add_images("img" + std::to_string(i));
        std::string error;
        CHECK_FALSE(StreamFilter::compile(req, StreamFilter::Kind::Verdicts, error));
        CHECK(error.find("allow[0].images") != std::string::npos);
    }
}
