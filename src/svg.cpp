#include "w2v/svg.hpp"

#include <cstdio>

namespace w2v {
namespace {

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Svg::Svg(double width, double height, const std::string& background)
    : width_(width), height_(height), background_(background) {
  body_ += "<rect width=\"100%\" height=\"100%\" fill=\"" + xml_escape(background) + "\"/>\n";
}

void Svg::circle(double cx, double cy, double r, const std::string& fill) {
  body_ += "<circle cx=\"" + number(cx) + "\" cy=\"" + number(cy) + "\" r=\"" + number(r) +
           "\" fill=\"" + xml_escape(fill) + "\"/>\n";
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
               double opacity) {
  body_ += "<line x1=\"" + number(x1) + "\" y1=\"" + number(y1) + "\" x2=\"" + number(x2) +
           "\" y2=\"" + number(y2) + "\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" +
           number(width) + "\" stroke-opacity=\"" + number(opacity) + "\"/>\n";
}

void Svg::polyline(const std::vector<Point2>& points, const std::string& stroke, double width) {
  std::string list;
  for (const Point2& p : points) list += number(p.x) + "," + number(p.y) + " ";
  body_ += "<polyline fill=\"none\" stroke=\"" + xml_escape(stroke) + "\" stroke-width=\"" +
           number(width) + "\" points=\"" + list + "\"/>\n";
}

void Svg::text(double x, double y, std::string_view text, double size, const std::string& fill,
               bool bold, const char* anchor) {
  body_ += "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" font-size=\"" + number(size) +
           "\" fill=\"" + xml_escape(fill) + "\" text-anchor=\"" + anchor + "\"" +
           (bold ? " font-weight=\"bold\"" : "") +
           // A halo in the background colour keeps a label readable over lines and dots.
           " stroke=\"" + xml_escape(background_) +
           "\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">" +
           xml_escape(text) + "</text>\n";
}

std::string Svg::str() const {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
         number(width_) + "\" height=\"" + number(height_) + "\" viewBox=\"0 0 " + number(width_) +
         " " + number(height_) + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n" +
         body_ + "</svg>\n";
}

const std::string& palette_colour(std::size_t i) {
  static const std::string colours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return colours[i % 10];
}

}  // namespace w2v
