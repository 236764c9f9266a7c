// Merging the reports of a sharded run.
#include "report/merge.hpp"
#include "report/dot_report.hpp"

#include <algorithm>
#include <map>

namespace fpc {

namespace {

// The block checks of the shards, joined: each check's block ranges must tile its blocks; counts
// and distances add up, and the first difference (and first error) is that of the lowest range.
std::vector<BlockCheckRecord> merge_block_checks(const std::vector<Report>& shards) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const BlockCheckRecord*>> parts;
  for (const Report& s : shards)
    for (const BlockCheckRecord& c : s.block_checks) {
      if (!parts.count(c.id())) order.push_back(c.id());
      parts[c.id()].push_back(&c);
    }
  std::vector<BlockCheckRecord> merged;
  for (const std::string& id : order) {
    std::vector<const BlockCheckRecord*>& ps = parts[id];
    std::stable_sort(ps.begin(), ps.end(), [](const BlockCheckRecord* a, const BlockCheckRecord* b) { return a->range_begin < b->range_begin; });
    BlockCheckRecord m = *ps.front();
    uint64_t covered = 0;
    for (const BlockCheckRecord* p : ps) {
      if (p->range_begin != covered)
        throw InputError("shards of block check " + id + " do not tile its blocks (gap or overlap at " + std::to_string(covered) + ")");
      covered = p->range_end;
      if ((p->status == "skipped") != (m.status == "skipped")) throw InputError("block check " + id + " is skipped in one shard only");
      if (p->block_count != m.block_count || p->seed != m.seed || p->result.distances.size() != m.result.distances.size())
        throw InputError("shards of block check " + id + " check different blocks");
      if (p == ps.front()) continue;
      BlockCheckResult& r = m.result;
      r.blocks += p->result.blocks;
      r.values += p->result.values;
      if (r.error.empty()) r.error = p->result.error;
      if (r.unjudged_first.empty()) r.unjudged_first = p->result.unjudged_first;
      r.unjudged += p->result.unjudged;
      for (size_t k = 0; k < r.distances.size(); ++k) {
        BlockDistance& d = r.distances[k];
        const BlockDistance& e = p->result.distances[k];
        if (d.reference != e.reference) throw InputError("shards of block check " + id + " compare different references");
        d.blocks += e.blocks;
        d.blocks_differing += e.blocks_differing;
        d.values_differing += e.values_differing;
        d.scales_differing += e.scales_differing;
        d.zero_points_differing += e.zero_points_differing;
        if (d.first.empty()) d.first = e.first;
      }
      m.seconds += p->seconds;
    }
    m.range_begin = 0;
    m.range_end = covered;
    if (covered != m.block_count)
      throw InputError("shards of block check " + id + " cover " + std::to_string(covered) + " of " + std::to_string(m.block_count) + " blocks");
    finalize(m);
    merged.push_back(std::move(m));
  }
  return merged;
}

}  // namespace

Report merge_reports(const std::vector<Report>& shards) {
  if (shards.empty()) throw InputError("nothing to merge");
  Report merged = shards.front();
  merged.checks.clear();
  merged.block_checks.clear();
  merged.dot_checks.clear();
  merged.shard_index = 0;
  merged.shard_count = 1;
  std::vector<std::string> order;
  std::map<std::string, CheckRecord> by_id;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> ranges;
  for (const Report& s : shards) {
    if (s.suite != merged.suite || s.seed != merged.seed || s.strict_nan != merged.strict_nan ||
        s.max_examples != merged.max_examples || s.known_deviations_applied != merged.known_deviations_applied)
      throw InputError("reports come from different runs (suite, seed, --strict-nan or --no-known-deviations differ)");
    if (s.tool_version != merged.tool_version || s.tool_revision != merged.tool_revision)
      throw InputError("reports come from different builds of fpconform (" + merged.tool_revision + " and " +
                       s.tool_revision + ")");
    for (const CheckRecord& c : s.checks) {
      if (c.status == "interrupted")
        throw InputError("check " + c.id() + " was interrupted in one shard (finish it with fpconform run --resume first)");
      auto it = by_id.find(c.id());
      ranges[c.id()].push_back({c.range_begin, c.range_end});
      if (it == by_id.end()) {
        order.push_back(c.id());
        by_id.emplace(c.id(), c);
        continue;
      }
      CheckRecord& m = it->second;
      m.range_begin = std::min(m.range_begin, c.range_begin);
      m.range_end = std::max(m.range_end, c.range_end);
      if (m.status == "skipped" || c.status == "skipped") {
        if (m.status != c.status) throw InputError("check " + c.id() + " is skipped in one shard only");
        continue;
      }
      m.outcome.merge(c.outcome, *m.semantics.in, merged.max_examples);
      m.seconds += c.seconds;
    }
  }
  for (const std::string& id : order) {
    auto& rs = ranges[id];
    std::sort(rs.begin(), rs.end());
    uint64_t covered = 0;
    for (auto [b, e] : rs) {
      if (b != covered) throw InputError("shards of " + id + " do not tile its cases (gap or overlap at " + std::to_string(covered) + ")");
      covered = e;
    }
    CheckRecord c = by_id.at(id);
    if (c.status != "skipped" && covered != c.case_count)
      throw InputError("shards of " + id + " cover " + std::to_string(covered) + " of " + std::to_string(c.case_count) + " cases");
    finalize(c);
    merged.checks.push_back(std::move(c));
  }
  merged.block_checks = merge_block_checks(shards);
  merged.dot_checks = merge_dot_checks(shards);
  return merged;
}

}  // namespace fpc
