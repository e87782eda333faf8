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
#include "w2v/json_reader.hpp"
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
  check_input(flags.vectors);
  const std::vector<OutputPath> paths = check_outputs({{"-o", flags.output}}, {flags.vectors});
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

struct TrainingFlags {
  std::string metrics;
  std::string output;
  bool quiet = false;
};

// A number member of `object`, or Error naming the file.
double number_at(const JsonValue& object, const char* key, const std::string& file) {
  const JsonValue* v = object.find(key);
  if (v == nullptr || v->kind != JsonValue::Kind::kNumber) {
    throw Error(file + ": not a w2v metrics file with progress (no number '" + key + "')");
  }
  return v->number;
}

// A short label for an axis value: 3 significant digits, k and M for large ones.
std::string axis_label(double v) {
  char text[32];
  const double a = std::abs(v);
  if (a >= 1e6) {
    std::snprintf(text, sizeof text, "%.3gM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(text, sizeof text, "%.3gk", v / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.3g", v);
  }
  return text;
}

// One panel: `values` against `seconds` in the box (left, top, width, height), with its
// name, the values at the bottom, middle and top of its axis, and the epochs' ends.
void draw_panel(Svg& svg, const std::string& name, const std::vector<double>& seconds,
                const std::vector<double>& values, const std::vector<double>& epoch_ends,
                double left, double top, double width, double height, const std::string& colour) {
  const double t_max = std::max(seconds.back(), 1e-9);
  double lo = *std::min_element(values.begin(), values.end());
  double hi = *std::max_element(values.begin(), values.end());
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    lo -= 0.5 * std::max(std::abs(lo), 1e-6);
    hi += 0.5 * std::max(std::abs(hi), 1e-6);
  }
  svg.line(left, top, left, top + height, "#999999", 1);
  svg.line(left, top + height, left + width, top + height, "#999999", 1);
  for (const double end : epoch_ends) {
    if (end <= 0 || end > t_max) continue;
    const double x = left + width * end / t_max;
    svg.line(x, top, x, top + height, "#cccccc", 1);
  }
  for (int i = 0; i <= 2; ++i) {
    const double v = lo + (hi - lo) * i / 2;
    const double y = top + height - height * i / 2;
    svg.text(left - 6, y + 4, axis_label(v), 11, "#555555", false, "end");
  }
  svg.text(left + 4, top - 6, name, 13, "#333333", true);
  std::vector<Point2> line;
  for (std::size_t i = 0; i < values.size(); ++i) {
    line.push_back(
        {left + width * seconds[i] / t_max, top + height - height * (values[i] - lo) / (hi - lo)});
  }
  svg.polyline(line, colour, 2);
}

void run_training(const TrainingFlags& flags, const Context& context) {
  setup_logging(flags.quiet, false);
  check_input(flags.metrics);
  const std::vector<OutputPath> paths = check_outputs({{"-o", flags.output}}, {flags.metrics});
  const std::string file = input_name(flags.metrics);
  const JsonValue root = parse_json(read_input(flags.metrics, context.interrupted), file);
  const JsonValue* results = root.find("results");
  const JsonValue* progress = results != nullptr ? results->find("progress") : nullptr;
  if (progress == nullptr || progress->kind != JsonValue::Kind::kArray) {
    throw Error(file + ": not a w2v metrics file with progress (train --metrics writes one)");
  }
  std::vector<double> seconds, loss, lr, rate;
  for (const JsonValue& p : progress->items) {
    seconds.push_back(number_at(p, "seconds", file));
    loss.push_back(number_at(p, "loss", file));
    lr.push_back(number_at(p, "lr", file));
    rate.push_back(number_at(p, "words_per_second", file));
  }
  std::vector<double> epoch_ends;
  const JsonValue* epochs = results->find("epochs");
  if (epochs != nullptr && epochs->kind == JsonValue::Kind::kArray) {
    for (const JsonValue& e : epochs->items)
      epoch_ends.push_back(number_at(e, "end_seconds", file));
  }
  if (seconds.size() < 2 && epoch_ends.size() >= 2) {
    // A run too short for progress points: its epochs' figures.
    seconds = epoch_ends;
    loss.clear();
    lr.clear();
    rate.clear();
    for (const JsonValue& e : epochs->items) {
      loss.push_back(number_at(e, "loss", file));
      lr.push_back(number_at(e, "lr", file));
      rate.push_back(number_at(e, "words_per_second", file));
    }
  }
  if (seconds.size() < 2) {
    throw Error(file + ": the run recorded fewer than two points of progress: nothing to draw");
  }
  constexpr double kWidth = 900, kPanel = 170, kLeft = 90, kTop = 70, kGap = 60;
  Svg svg(kWidth, kTop + 3 * kPanel + 2 * kGap + 50);
  std::string title = "training";
  if (const JsonValue* status = results->find("status");
      status != nullptr && status->kind == JsonValue::Kind::kString) {
    title += " (" + status->string + ")";
  }
  svg.text(kWidth / 2, 30,
           title + ", " + std::to_string(epoch_ends.size()) + " epochs; grey lines: ends of epochs",
           16, "#333333", true, "middle");
  const double width = kWidth - kLeft - 40;
  draw_panel(svg, "loss (binary cross-entropy per pair)", seconds, loss, epoch_ends, kLeft, kTop,
             width, kPanel, palette_colour(2));
  draw_panel(svg, "learning rate", seconds, lr, epoch_ends, kLeft, kTop + kPanel + kGap, width,
             kPanel, palette_colour(0));
  draw_panel(svg, "words/s (mean since the start)", seconds, rate, epoch_ends, kLeft,
             kTop + 2 * (kPanel + kGap), width, kPanel, palette_colour(4));
  const double bottom = kTop + 3 * kPanel + 2 * kGap;
  svg.text(kLeft, bottom + 20, "0 s", 11, "#555555", false, "middle");
  svg.text(kLeft + width, bottom + 20, axis_label(seconds.back()) + " s", 11, "#555555", false,
           "middle");
  OutputFile out(paths[0], context.interrupted);
  out.write(svg.str());
  out.commit();
  spdlog::info("wrote {}: {} points of progress", flags.output, seconds.size());
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

  auto training = std::make_shared<TrainingFlags>();
  CLI::App* curve = cmd->add_subcommand(
      "training", "Loss, learning rate and words/s over a run, from its train --metrics file");
  curve->add_option("metrics", training->metrics, "The metrics file (JSON) of a training run")
      ->required();
  curve->add_option("-o,--output", training->output, "The SVG picture; - is standard output")
      ->required();
  curve->add_flag("-q,--quiet", training->quiet, "Print errors only");
  curve->callback([training, &context] { run_training(*training, context); });
}

}  // namespace w2v::cli
