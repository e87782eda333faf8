#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "w2v/projection.hpp"

namespace w2v {

// `text` with &, <, >, " and ' as XML entities.
std::string xml_escape(std::string_view text);

// A small SVG 1.1 document, element by element; coordinates in pixels, y downwards.
class Svg {
 public:
  Svg(double width, double height, const std::string& background = "#ffffff");

  void circle(double cx, double cy, double r, const std::string& fill);
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
            double opacity = 1);
  void polyline(const std::vector<Point2>& points, const std::string& stroke, double width);
  // anchor: start, middle or end.
  void text(double x, double y, std::string_view text, double size, const std::string& fill,
            bool bold = false, const char* anchor = "start");

  std::string str() const;

 private:
  double width_, height_;
  std::string background_;
  std::string body_;
};

// Ten colours that stay apart for most colour-blind readers (Tableau 10).
const std::string& palette_colour(std::size_t i);

}  // namespace w2v
