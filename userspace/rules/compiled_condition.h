// A rule condition compiled for matching: a typed tree whose leaves compare
// one field with literals prepared at load time (hash sets for `in`, a
// prefix trie for `startswith`/`pmatch` lists, lowercased needles for
// `icontains`, RE2 only where `regex` is written). Evaluating it allocates
// nothing: values come from a FieldReader as string_views and numbers.
#pragma once

#include <re2/re2.h>

#include <bitset>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/rule_fields.h"

namespace crowsnest {

enum class CompareOp : uint8_t {
    Eq, Ne, Lt, Le, Gt, Ge, In, Intersects, Contains, IContains, StartsWith, EndsWith, Glob, PMatch, Exists, Regex,
    BContains, BStartsWith  // bytes given in hex: bcontains 7f454c46
};
bool parse_compare_op(std::string_view text, CompareOp &out);
std::string_view compare_op_name(CompareOp op);

// Strings looked up by string_view, without building a std::string.
class StringSet {
public:
    void insert(std::string s) { set_.insert(std::move(s)); }
    bool contains(std::string_view s) const { return set_.find(s) != set_.end(); }

private:
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_set<std::string, Hash, std::equal_to<>> set_;
};

// Prefixes, tested against a string in one walk of its characters.
class PrefixTrie {
public:
    void insert(std::string_view prefix);
    // With `path_boundary` (pmatch), a prefix counts only where a path
    // component ends: /etc matches /etc and /etc/x, not /etcd.
    bool matches(std::string_view s, bool path_boundary) const;

private:
    struct Node {
        std::vector<std::pair<char, uint32_t>> next;  // sorted by character
        bool terminal = false;
    };
    std::vector<Node> nodes_{1};
};

// Shell-style wildcards: * ? [abc] [a-z] [!x].
bool glob_match(std::string_view pattern, std::string_view s);

struct Check {
    FieldRef field;
    CompareOp op = CompareOp::Eq;
    // the values, lists expanded: =, != (one), contains, endswith, glob (one), icontains (lowercased),
    // bcontains, bstartswith (the bytes, hex decoded); in, intersects, startswith and pmatch keep
    // theirs here too, for the prefilter (rules/prefilter_summary), and match with:
    std::vector<std::string> strings;
    StringSet set;                     // in, intersects
    PrefixTrie prefixes;               // startswith, pmatch
    std::vector<int64_t> numbers;      // sorted; one for comparisons
    bool boolean = false;
    std::vector<IpNetwork> networks;   // fd.sip and fd.snet; an address is a /128
    std::unique_ptr<RE2> regex;
    std::vector<std::string> host_paths;  // host.path: the values, i.e. the host files to watch
};

// evt.type values, as indexes of kEvtTypes.
using EvtTypeSet = std::bitset<kEvtTypes.size()>;

struct CondNode {
    // EvtType: evt.type =, != or in, compiled to a bit test
    enum class Kind : uint8_t { And, Or, Not, Check, EvtType, True, False };
    Kind kind = Kind::True;
    std::vector<CondNode> children;
    std::unique_ptr<Check> check;
    EvtTypeSet evt_types;
};

bool evaluate(const CondNode &node, FieldReader &reader);

// The evt.type values an event can have for the condition to hold; all
// bits when the condition does not narrow it.
EvtTypeSet possible_evt_types(const CondNode &node);

}  // namespace crowsnest
