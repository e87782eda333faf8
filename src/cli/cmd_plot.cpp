// w2v plot map: words and their nearest neighbours projected to 2-D, as an SVG picture.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <memory>

#include "cli/commands.hpp"
#include "cli/number_options.hpp"
#include "cli/progress_printer.hpp"
#include "cli/query_io.hpp"
#include "w2v/error.hpp"
#include "w2v/input_file.hpp"
#include "w2v/output_file.hpp"
#include "w2v/projection.hpp"
#include "w2v/search.hpp"
#include "w2v/svg.hpp"

namespace w2v::cli {
namespace {

struct MapFlags {
  std::string vectors;
  std::vector<std::string> words;
  std::string output;
  std::size_t k = 8;
  std::size_t restrict_vocab = 30000;
  std::string method = "pca";
  double perplexity = 10;
  std::uint64_t seed = 1;
  bool quiet = false;
};

// The picture's points: each query word, then its neighbours; a word is drawn once, in
// the group of the first query that brought it.
struct MapPoint {
  std::uint32_t row = 0;
  std::size_t group = 0;
  bool query = false;
};

std::vector<MapPoint> map_points(const WordVectors& v, const SearchIndex& index,
                                 const MapFlags& flags, const std::atomic<bool>* cancel) {
  std::vector<Query> queries;
  std::vector<std::string> unknown;
  for (const std::string& word : flags.words) {
    const std::uint32_t row = v.words.find(word);
    if (row == StringTable::kNotFound) {
      unknown.push_back("'" + word + "'");
    } else {
      queries.push_back(Query{{QueryTerm{row, 1.0f}}});
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    throw Error("not in the vocabulary of " + input_name(flags.vectors) + ": " + list);
  }
  SearchOptions options;
  options.k = flags.k;
  options.candidates = flags.restrict_vocab;
  options.cancel = cancel;
  const auto answers = index.search(queries, options);
  std::vector<MapPoint> points;
  std::vector<bool> drawn(v.size(), false);
  for (std::size_t g = 0; g < queries.size(); ++g) {
    const std::uint32_t row = queries[g].terms[0].row;
    if (!drawn[row]) points.push_back({row, g, true});
    drawn[row] = true;
  }
  for (std::size_t g = 0; g < answers.size(); ++g) {
    for (const Neighbor& n : answers[g]) {
      if (!drawn[n.row]) points.push_back({n.row, g, false});
      drawn[n.row] = true;
    }
  }
  return points;
}

// The points scaled into the picture, labelled, a light line from each neighbour to its
// query word.
std::string draw_map(const WordVectors& v, const std::vector<MapPoint>& points,
                     const std::vector<Point2>& xy, const MapFlags& flags) {
  constexpr double kWidth = 960, kHeight = 720, kMargin = 70, kTop = 50;
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (const Point2& p : xy) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const double span = std::max({max_x - min_x, max_y - min_y, 1e-12});
  const double scale = std::min((kWidth - 2 * kMargin) / span, (kHeight - kTop - kMargin) / span);
  const auto at = [&](const Point2& p) {
    const double x = kWidth / 2 + (p.x - (min_x + max_x) / 2) * scale;
    const double y = kTop + (kHeight - kTop) / 2 + (p.y - (min_y + max_y) / 2) * scale;
    return Point2{x, y};
  };
  Svg svg(kWidth, kHeight);
  std::string title = "nearest words of";
  for (const std::string& w : flags.words) title += " " + w;
  title += flags.method == "tsne" ? " (t-SNE)" : " (PCA)";
  svg.text(kWidth / 2, 30, title, 18, "#333333", true, "middle");
  std::vector<Point2> query_at(flags.words.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].query) query_at[points[i].group] = at(xy[i]);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].query) continue;
    const Point2 p = at(xy[i]), q = query_at[points[i].group];
    svg.line(p.x, p.y, q.x, q.y, palette_colour(points[i].group), 1, 0.35);
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point2 p = at(xy[i]);
    svg.circle(p.x, p.y, points[i].query ? 6 : 4, palette_colour(points[i].group));
  }
  // The query words' labels last, on top of everything.
  for (const bool query : {false, true}) {
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (points[i].query != query) continue;
      const Point2 p = at(xy[i]);
      svg.text(p.x + 8, p.y + 4, v.words.word(points[i].row), query ? 16 : 12,
               query ? palette_colour(points[i].group) : "#333333", query);
    }
  }
  return svg.str();
}

void run_map(const MapFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  if (flags.method != "pca" && flags.method != "tsne") {
    throw UsageError("--method must be pca or tsne, got '" + flags.method + "'");
  }
  check_input(flags.vectors);
  const std::vector<OutputPath> paths = check_outputs({{"-o", flags.output}});
  const WordVectors v = load_with_warnings(flags.vectors, 0, context.interrupted);
  const SearchIndex index(v.vectors);
  const std::vector<MapPoint> points = map_points(v, index, flags, context.interrupted);
  // Unit vectors: the picture shows cosine similarity, as the neighbours were chosen.
  std::vector<std::vector<float>> unit(points.size(), std::vector<float>(v.dim()));
  std::vector<const float*> rows;
  for (std::size_t i = 0; i < points.size(); ++i) {
    index.copy_unit(points[i].row, unit[i].data());
    rows.push_back(unit[i].data());
  }
  TsneOptions tsne;
  tsne.perplexity = flags.perplexity;
  tsne.seed = flags.seed;
  const std::vector<Point2> xy =
      flags.method == "tsne" ? project_tsne(rows, v.dim(), tsne) : project_pca(rows, v.dim());
  OutputFile out(paths[0], context.interrupted);
  out.write(draw_map(v, points, xy, flags));
  out.commit();
  spdlog::info("wrote {}: {} words", flags.output, points.size());
}

}  // namespace

void register_plot(CLI::App& app, Context& context) {
  CLI::App* cmd = app.add_subcommand("plot", "Draw pictures of word vectors (SVG)");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<MapFlags>();
  CLI::App* map = cmd->add_subcommand(
      "map", "Words and their nearest neighbours projected to 2-D, one colour per query word");
  map->add_option("vectors", flags->vectors, "Word vectors, text or binary")->required();
  map->add_option("words", flags->words, "Query words")->required();
  map->add_option("-o,--output", flags->output, "The SVG picture; - is standard output")
      ->required();
  add_number_option(*map, "-k", flags->k, ranges::kNeighbours,
                    "Nearest neighbours drawn per query word")
      ->capture_default_str();
  add_number_option(*map, "--restrict", flags->restrict_vocab, ranges::kLimit,
                    "Neighbours among the first N words of the file (the most frequent); 0: "
                    "all")
      ->capture_default_str();
  map->add_option("--method", flags->method,
                  "pca (the two directions of largest variance) or tsne (exact t-SNE; slower, "
                  "keeps local neighbourhoods)")
      ->check(CLI::IsMember({"pca", "tsne"}))
      ->capture_default_str();
  add_number_option(*map, "--perplexity", flags->perplexity, ranges::kPerplexity,
                    "t-SNE: the effective number of neighbours each point keeps")
      ->capture_default_str();
  add_number_option(*map, "--seed", flags->seed, ranges::kSeed, "t-SNE: the random start")
      ->capture_default_str();
  map->add_flag("-q,--quiet", flags->quiet, "Print errors only");
  map->callback([flags, &context] { run_map(*flags, context); });
}

}  // namespace w2v::cli
