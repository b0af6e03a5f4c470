#include "rules/yaml_bounds.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

namespace crowsnest {

namespace {

// Counts nodes as the parser meets them; an alias adds the size of the node
// it names, known once that node is closed.
class NodeCounter final : public YAML::EventHandler {
public:
    explicit NodeCounter(uint64_t &nodes) : nodes_(nodes) {}

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, const std::string &) override {
        leaf(mark, anchor);
    }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override {
        // the parser names only anchors whose node has started: one not closed yet contains the alias
        if (anchor >= sizes_.size() || sizes_[anchor] == kOpen)
            throw YAML::ParserException(mark, "an alias inside the node it names (a cycle)");
        add(mark, sizes_[anchor]);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(mark, anchor);
    }
    void OnMapEnd() override { close(); }

private:
    static constexpr uint64_t kOpen = UINT64_MAX;  // an anchored collection not closed yet

    // Every size added is at most kMaxYamlNodes, so the sum cannot overflow.
    void add(const YAML::Mark &mark, uint64_t n) {
        nodes_ += n;
        if (nodes_ > kMaxYamlNodes)
            throw YAML::ParserException(mark, "the rule files are too large: more than " +
                                                  std::to_string(kMaxYamlNodes) +
                                                  " YAML nodes once aliases are expanded");
    }
    void name(YAML::anchor_t anchor, uint64_t size) {
        if (anchor == YAML::NullAnchor) return;
        if (anchor >= sizes_.size()) sizes_.resize(anchor + 1, kOpen);
        sizes_[anchor] = size;
    }
    void leaf(const YAML::Mark &mark, YAML::anchor_t anchor) {
        add(mark, 1);
        name(anchor, 1);
    }
    void open(const YAML::Mark &mark, YAML::anchor_t anchor) {
        if (open_.size() >= kMaxYamlDepth)
            throw YAML::ParserException(
                mark, "YAML lists and maps nested more than " + std::to_string(kMaxYamlDepth) + " deep");
        open_.push_back({anchor, nodes_});
        add(mark, 1);
        name(anchor, kOpen);
    }
    void close() {
        const Open o = open_.back();
        open_.pop_back();
        name(o.anchor, nodes_ - o.start);
    }

    struct Open {
        YAML::anchor_t anchor;
        uint64_t start;  // nodes_ before the collection
    };
    uint64_t &nodes_;
    std::vector<Open> open_;
    std::vector<uint64_t> sizes_;  // by anchor (the parser numbers them 1, 2...): the nodes an alias stands for
};

}  // namespace

void YamlBudget::check(const std::string &text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    NodeCounter counter(nodes_);
    parser.HandleNextDocument(counter);
}

}  // namespace crowsnest
